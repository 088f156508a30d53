import { Redirect } from 'expo-router';
import { SafeAreaView } from 'react-native-safe-area-context';
import { SignInScreen } from '../src/screens/SignInScreen';
import { useSession } from '../src/session/SessionProvider';
import { OfflineBanner } from '../src/ui/OfflineBanner';

export default function SignIn() {
  const { signedIn } = useSession();
  if (signedIn) return <Redirect href="/" />;
  return (
    <SafeAreaView style={{ flex: 1 }}>
      <OfflineBanner />
      <SignInScreen />
    </SafeAreaView>
  );
}
