import { StyleSheet, Text } from 'react-native';
import { colors, font, space } from './theme';

export function Title({ children }: { children: string }) {
  return (
    <Text accessibilityRole="header" style={styles.title}>
      {children}
    </Text>
  );
}

const styles = StyleSheet.create({
  title: { fontSize: font.title, fontWeight: '700', color: colors.text, marginBottom: space.s },
});
