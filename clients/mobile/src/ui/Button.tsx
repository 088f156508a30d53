import { Pressable, StyleSheet, Text } from 'react-native';
import { colors, font, space } from './theme';

export interface ButtonProps {
  label: string;
  onPress: () => void;
  disabled?: boolean;
  kind?: 'primary' | 'secondary' | 'danger';
  /** Defaults to the label: what assistive technology reads and tests find. */
  accessibilityLabel?: string;
  accessibilityHint?: string;
}

/** A button big enough to hit, with its label as its accessible name and its test id. */
export function Button({
  label,
  onPress,
  disabled,
  kind = 'primary',
  accessibilityLabel,
  accessibilityHint,
}: ButtonProps) {
  const name = accessibilityLabel ?? label;
  return (
    <Pressable
      onPress={onPress}
      disabled={disabled}
      accessibilityRole="button"
      accessibilityLabel={name}
      accessibilityHint={accessibilityHint}
      accessibilityState={{ disabled: !!disabled }}
      testID={name}
      style={({ pressed }) => [
        styles.base,
        styles[kind],
        disabled && styles.disabled,
        pressed && styles.pressed,
      ]}
    >
      <Text style={[styles.label, kind !== 'primary' && styles.labelDark]}>{label}</Text>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  base: {
    minHeight: 48,
    paddingVertical: space.s + 4,
    paddingHorizontal: space.m,
    borderRadius: 10,
    alignItems: 'center',
    justifyContent: 'center',
    marginVertical: space.xs,
  },
  primary: { backgroundColor: colors.brand },
  secondary: { backgroundColor: colors.surface, borderWidth: 1, borderColor: colors.border },
  danger: { backgroundColor: colors.deniedBg, borderWidth: 1, borderColor: colors.denied },
  disabled: { opacity: 0.5 },
  pressed: { opacity: 0.8 },
  label: { color: colors.onBrand, fontSize: font.body, fontWeight: '600', textAlign: 'center' },
  labelDark: { color: colors.text },
});
