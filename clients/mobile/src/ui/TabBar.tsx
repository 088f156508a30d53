import { usePathname, useRouter, type Href } from 'expo-router';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { useSafeAreaInsets } from 'react-native-safe-area-context';
import { useSession } from '../session/SessionProvider';
import { colors, font, space } from './theme';

export const TABS: { label: string; href: Href; path: string }[] = [
  { label: 'My pass', href: '/', path: '/' },
  { label: 'Open a door', href: '/door', path: '/door' },
  { label: 'My face', href: '/face', path: '/face' },
  { label: 'History', href: '/history', path: '/history' },
];

/** The bottom bar: the four places of the app, and signing out. */
export function TabBar() {
  const router = useRouter();
  const pathname = usePathname();
  const { signOut } = useSession();
  const insets = useSafeAreaInsets();
  return (
    <View style={[styles.bar, { paddingBottom: insets.bottom }]} accessibilityRole="tablist">
      {TABS.map((tab) => {
        const selected = pathname === tab.path;
        return (
          <Pressable
            key={tab.label}
            onPress={() => router.replace(tab.href)}
            accessibilityRole="tab"
            accessibilityLabel={tab.label}
            accessibilityState={{ selected }}
            testID={tab.label}
            style={[styles.tab, selected && styles.selected]}
          >
            <Text style={[styles.label, selected && styles.selectedLabel]}>{tab.label}</Text>
          </Pressable>
        );
      })}
      <Pressable
        onPress={() => void signOut()}
        accessibilityRole="button"
        accessibilityLabel="Sign out"
        testID="Sign out"
        style={styles.tab}
      >
        <Text style={styles.label}>Sign out</Text>
      </Pressable>
    </View>
  );
}

const styles = StyleSheet.create({
  bar: {
    flexDirection: 'row',
    flexWrap: 'wrap',
    borderTopWidth: 1,
    borderTopColor: colors.border,
    backgroundColor: colors.background,
  },
  tab: {
    flexGrow: 1,
    flexBasis: 0,
    minWidth: 64,
    minHeight: 48,
    paddingVertical: space.s,
    paddingHorizontal: space.xs,
    alignItems: 'center',
    justifyContent: 'center',
  },
  selected: { borderTopWidth: 3, borderTopColor: colors.brand },
  label: { fontSize: font.small, color: colors.muted, textAlign: 'center' },
  selectedLabel: { color: colors.brand, fontWeight: '700' },
});
