import { unwrap } from '@roomkey/sdk';
import { useCallback, useEffect, useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { errorMessage } from '../lib/errors';
import {
  addNewest,
  addPage,
  emptyHistory,
  hasMore,
  historyLine,
  historyWhen,
  type HistoryState,
} from '../lib/history';
import { useSession } from '../session/SessionProvider';
import { Button } from '../ui/Button';
import { Notice } from '../ui/Notice';
import { Screen } from '../ui/Screen';
import { Title } from '../ui/Title';
import { colors, font, space } from '../ui/theme';

export const PAGE_SIZE = 20;
/** While the screen is open, how often it asks for requests decided since. */
export const REFRESH_MS = 10_000;

/**
 * My history: my own door requests and their decisions, newest first, a page at a time. The log
 * it reads can lag the door by a moment, so while open it adds the newest requests every few
 * seconds.
 */
export function HistoryScreen() {
  const { session, call } = useSession();
  const [history, setHistory] = useState<HistoryState>(emptyHistory);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<string | null>(null);

  /** The page after `from`. */
  const pageAfter = useCallback(
    (from: HistoryState) =>
      call(() =>
        unwrap(
          session.api.GET('/v1/me/history', {
            params: { query: { limit: PAGE_SIZE, ...(from.next ? { after: from.next } : {}) } },
          }),
        ),
      ),
    [session, call],
  );
  const show = useCallback(
    (from: HistoryState, alive: () => boolean = () => true) =>
      pageAfter(from).then(
        (page) => {
          if (!alive()) return;
          setHistory(addPage(from, page));
          setError(null);
          setBusy(false);
        },
        (err: unknown) => {
          if (!alive()) return;
          setError(errorMessage(err));
          setBusy(false);
        },
      ),
    [pageAfter],
  );
  const load = (from: HistoryState) => {
    setBusy(true);
    setError(null);
    void show(from);
  };

  useEffect(() => {
    let alive = true;
    void show(emptyHistory, () => alive);
    const refresh = setInterval(() => {
      // A failed refresh changes nothing shown: the offline banner tells of the connection.
      pageAfter(emptyHistory).then(
        (page) => {
          if (alive) setHistory((shown) => (shown.loaded ? addNewest(shown, page) : shown));
        },
        () => undefined,
      );
    }, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(refresh);
    };
  }, [show, pageAfter]);

  return (
    <Screen>
      <Title>History</Title>
      {history.loaded && history.items.length === 0 && (
        <Text style={styles.text}>No door requests yet.</Text>
      )}
      {history.items.map((item) => (
        <View
          key={item.requestId}
          style={styles.row}
          accessible
          testID="history-item"
          accessibilityLabel={`${historyWhen(item)}: ${historyLine(item)}`}
        >
          <Text style={styles.when}>{historyWhen(item)}</Text>
          <Text style={[styles.text, item.decision === 'granted' ? styles.granted : styles.denied]}>
            {historyLine(item)}
          </Text>
        </View>
      ))}
      {error && <Notice kind="error" text={error} testID="history-error" />}
      {hasMore(history) && (
        <Button label="Show older" onPress={() => load(history)} disabled={busy} />
      )}
      {!history.loaded && !error && <Text style={styles.text}>Loading…</Text>}
      {error && !history.loaded && (
        <Button label="Try again" onPress={() => load(emptyHistory)} disabled={busy} />
      )}
    </Screen>
  );
}

const styles = StyleSheet.create({
  row: { paddingVertical: space.s + 4, borderBottomWidth: 1, borderBottomColor: colors.surface },
  when: { fontSize: font.small, color: colors.muted },
  text: { fontSize: font.body, color: colors.text },
  granted: { color: colors.granted },
  denied: { color: colors.denied },
});
