import { StyleSheet, Text, View } from 'react-native';
import { colors, font, space } from './theme';

/** A message in a coloured box, read out when it appears. */
export function Notice({
  text,
  kind = 'info',
  testID,
}: {
  text: string;
  kind?: 'info' | 'error' | 'success' | 'warning';
  testID?: string;
}) {
  return (
    <View
      style={[styles.box, styles[kind]]}
      accessibilityRole={kind === 'error' ? 'alert' : 'text'}
      accessibilityLiveRegion="polite"
    >
      <Text style={[styles.text, styles[`${kind}Text`]]} testID={testID}>
        {text}
      </Text>
    </View>
  );
}

const styles = StyleSheet.create({
  box: { borderRadius: 8, padding: space.m, marginVertical: space.s },
  info: { backgroundColor: colors.surface },
  error: { backgroundColor: colors.deniedBg },
  success: { backgroundColor: colors.grantedBg },
  warning: { backgroundColor: colors.warningBg },
  text: { fontSize: font.body },
  infoText: { color: colors.text },
  errorText: { color: colors.denied },
  successText: { color: colors.granted },
  warningText: { color: colors.warning },
});
