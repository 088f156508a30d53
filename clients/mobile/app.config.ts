import type { ConfigContext, ExpoConfig } from 'expo/config';

/**
 * The gateway the app talks to. A phone needs a full URL (the laptop's address on the same
 * network, or the site's public gateway); the web build leaves it empty and talks to the page's
 * own origin, which forwards /v1 to the gateway.
 */
const roomkeyUrl = process.env.EXPO_PUBLIC_ROOMKEY_URL ?? '';

export default ({ config }: ConfigContext): ExpoConfig => ({
  ...config,
  name: 'roomkey',
  slug: 'roomkey',
  scheme: 'roomkey',
  version: '0.1.0',
  orientation: 'portrait',
  icon: './assets/icon.png',
  userInterfaceStyle: 'automatic',
  ios: {
    bundleIdentifier: 'org.roomkey.mobile',
    supportsTablet: true,
    infoPlist: { ITSAppUsesNonExemptEncryption: false },
  },
  android: {
    package: 'org.roomkey.mobile',
    adaptiveIcon: { foregroundImage: './assets/adaptive-icon.png', backgroundColor: '#0b3d91' },
    permissions: ['android.permission.CAMERA'],
    blockedPermissions: ['android.permission.RECORD_AUDIO'],
  },
  web: { output: 'single', favicon: './assets/favicon.png', bundler: 'metro' },
  plugins: [
    'expo-router',
    [
      'expo-camera',
      {
        cameraPermission:
          'roomkey uses the camera to read the code at a door and to take photos of your face, which are checked and never stored.',
        microphonePermission: false,
        recordAudioAndroid: false,
      },
    ],
    'expo-secure-store',
    [
      'expo-splash-screen',
      {
        image: './assets/splash-icon.png',
        imageWidth: 160,
        resizeMode: 'contain',
        backgroundColor: '#0b3d91',
      },
    ],
  ],
  experiments: { typedRoutes: false },
  extra: { roomkeyUrl },
});
