import { Slot } from 'expo-router';
import { StatusBar } from 'expo-status-bar';
import { SafeAreaProvider } from 'react-native-safe-area-context';
import { serveQrDecoderLocally } from '../src/camera/zxing';
import { SessionProvider } from '../src/session/SessionProvider';

serveQrDecoderLocally();

export default function RootLayout() {
  return (
    <SafeAreaProvider>
      <SessionProvider>
        <StatusBar style="auto" />
        <Slot />
      </SessionProvider>
    </SafeAreaProvider>
  );
}
