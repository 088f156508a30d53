import { Redirect, Slot } from 'expo-router';
import { View } from 'react-native';
import { SafeAreaView } from 'react-native-safe-area-context';
import { useSession } from '../../src/session/SessionProvider';
import { OfflineBanner } from '../../src/ui/OfflineBanner';
import { TabBar } from '../../src/ui/TabBar';

/** Everything behind the sign-in: the screen, the offline banner above, the tabs below. */
export default function AppLayout() {
  const { signedIn } = useSession();
  if (!signedIn) return <Redirect href="/sign-in" />;
  return (
    <SafeAreaView style={{ flex: 1 }} edges={['top', 'left', 'right']}>
      <OfflineBanner />
      <View style={{ flex: 1 }}>
        <Slot />
      </View>
      <TabBar />
    </SafeAreaView>
  );
}
