import Constants from 'expo-constants';
import { Platform } from 'react-native';

/**
 * The gateway's URL: EXPO_PUBLIC_ROOMKEY_URL at build time, or `extra.roomkeyUrl` in the app
 * config. Undefined on the web when neither is set: the SDK then uses the page's own origin.
 */
export function gatewayUrl(): string | undefined {
  const fromEnv = process.env.EXPO_PUBLIC_ROOMKEY_URL;
  const fromExtra = (Constants.expoConfig?.extra as { roomkeyUrl?: string } | undefined)
    ?.roomkeyUrl;
  const url = (fromEnv || fromExtra || '').replace(/\/+$/, '');
  if (url) return url;
  return Platform.OS === 'web' ? undefined : 'http://localhost:3000';
}
