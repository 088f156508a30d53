import { StyleSheet, Text, View } from 'react-native';
import { OFFLINE } from '../lib/errors';
import { useSession } from '../session/SessionProvider';
import { colors, font, space } from './theme';

/** Shown while the last call to roomkey found no network or no gateway. */
export function OfflineBanner() {
  const { offline } = useSession();
  if (!offline) return null;
  return (
    <View style={styles.banner} accessibilityRole="alert" accessibilityLiveRegion="assertive">
      <Text style={styles.text} testID="offline">
        {OFFLINE}
      </Text>
    </View>
  );
}

const styles = StyleSheet.create({
  banner: { backgroundColor: colors.warningBg, padding: space.s + 4 },
  text: { color: colors.warning, fontSize: font.body, fontWeight: '600', textAlign: 'center' },
});
