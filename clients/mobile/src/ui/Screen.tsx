import type { ReactNode } from 'react';
import { ScrollView, StyleSheet } from 'react-native';
import { colors, space } from './theme';

/** A screen's content, scrolling when large text makes it taller than the phone. */
export function Screen({ children }: { children: ReactNode }) {
  return (
    <ScrollView
      style={styles.scroll}
      contentContainerStyle={styles.content}
      keyboardShouldPersistTaps="handled"
    >
      {children}
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  scroll: { flex: 1, backgroundColor: colors.background },
  content: { padding: space.m, paddingBottom: space.l * 2 },
});
