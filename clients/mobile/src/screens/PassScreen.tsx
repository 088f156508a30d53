import { unwrap, type Schemas } from '@roomkey/sdk';
import { useEffect, useState } from 'react';
import { Image, StyleSheet, Text, View } from 'react-native';
import { errorMessage } from '../lib/errors';
import { isExpired, renewalDelay, retryDelay, secondsLeft } from '../lib/pass-schedule';
import { useSession } from '../session/SessionProvider';
import { Notice } from '../ui/Notice';
import { Screen } from '../ui/Screen';
import { Title } from '../ui/Title';
import { colors, font, space } from '../ui/theme';

type Pass = Schemas['PersonalPassCode'];

/**
 * My pass: the personal code a kiosk in pass mode scans, full width, renewed before it expires
 * (when the API's refreshInSeconds says), and retried with growing pauses when roomkey cannot be
 * reached.
 */
export function PassScreen() {
  const { session, call } = useSession();
  const [pass, setPass] = useState<Pass | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const fetchPass = async () => {
      try {
        const next = await call(() => unwrap(session.api.GET('/v1/me/pass')));
        if (!alive) return;
        failures = 0;
        setPass(next);
        setError(null);
        timer = setTimeout(() => void fetchPass(), renewalDelay(next, Date.now()));
      } catch (err) {
        if (!alive) return;
        setError(errorMessage(err));
        timer = setTimeout(() => void fetchPass(), retryDelay(failures++));
      }
    };
    void fetchPass();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [session, call]);

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);

  const expired = pass ? isExpired(pass, now) : false;
  return (
    <Screen>
      <Title>My pass</Title>
      {pass && !expired ? (
        <>
          <Text style={styles.text}>Hold this code up to the kiosk&apos;s camera.</Text>
          <View style={styles.codeBox}>
            <Image
              source={{ uri: `data:image/png;base64,${pass.png}` }}
              style={styles.code}
              resizeMode="contain"
              accessibilityRole="image"
              accessibilityLabel="Your pass code"
              testID="pass-code"
            />
          </View>
          <Text style={styles.small} testID="pass-expiry">
            {`A new code comes in ${secondsLeft(pass, now)} seconds.`}
          </Text>
        </>
      ) : (
        !error && <Text style={styles.text}>Getting your pass…</Text>
      )}
      {pass && expired && (
        <Text style={styles.text}>This code has expired. Getting a new one…</Text>
      )}
      {error && <Notice kind="error" text={error} testID="pass-error" />}
    </Screen>
  );
}

const styles = StyleSheet.create({
  text: { fontSize: font.body, color: colors.text, marginVertical: space.s },
  small: { fontSize: font.small, color: colors.muted, textAlign: 'center' },
  codeBox: { backgroundColor: '#fff', padding: space.s, alignItems: 'center' },
  code: { width: '100%', maxWidth: 420, aspectRatio: 1 },
});
