import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, NetworkError } from '@roomkey/sdk';

/** What went wrong, in words, with the API's code for support. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  if (err instanceof NetworkError) return 'roomkey cannot be reached. Check the connection.';
  return 'Something went wrong.';
}

/**
 * Loads data for a page when `deps` change, and again on `reload()`. The last data stays on
 * screen until the next arrives; an answer to an older load is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data }),
      (error: unknown) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
    // The caller names what the load depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, reload };
}

export function Loading() {
  return <p className="muted">Loading…</p>;
}

export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error" role="alert">
      <p>{describeError(error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Shows a load's state, or its data through `children`. */
export function Loaded<T>({
  load,
  children,
}: {
  load: { data?: T; error?: unknown; reload: () => void };
  children: (data: T) => ReactNode;
}) {
  if (load.error) return <ErrorNote error={load.error} retry={load.reload} />;
  if (load.data === undefined) return <Loading />;
  return <>{children(load.data)}</>;
}

/**
 * Runs a form's or a button's action and keeps its error for the page to show; `onDone` runs
 * after each one that succeeded (typically reloading the page's data).
 */
export function useAction(onDone?: () => void) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      setError(null);
      try {
        await action();
        onDone?.();
        return true;
      } catch (err) {
        setError(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [onDone],
  );
  return { run, busy, error };
}

/** The name of the row with this id in a list, else the id itself (or a dash for none). */
export const nameOf = (list: Array<{ id: string; name: string }> | undefined, id: string | null) =>
  (id && list?.find((x) => x.id === id)?.name) ?? id ?? '—';

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString() : '—';

/**
 * Cursor paging: the API gives each page's `next`; going back re-reads the page before. The
 * stack of cursors is the way back.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  return useMemo(
    () => ({
      after: cursors[cursors.length - 1],
      first: cursors.length === 1,
      forward: (next: string | null) => next && setCursors([...cursors, next]),
      back: () => setCursors(cursors.slice(0, -1)),
      reset: () => setCursors((c) => (c.length === 1 ? c : [undefined])),
    }),
    [cursors],
  );
}

export function Pager({
  pages,
  next,
  labels = ['Previous', 'Next'],
}: {
  pages: ReturnType<typeof useCursorPages>;
  next: string | null;
  labels?: [string, string];
}) {
  return (
    <div className="pager">
      <button type="button" disabled={pages.first} onClick={pages.back}>
        {labels[0]}
      </button>
      <button type="button" disabled={!next} onClick={() => pages.forward(next)}>
        {labels[1]}
      </button>
    </div>
  );
}

/** A button for what cannot be undone: it asks first, and acts only on a yes. */
export function ConfirmButton({
  question,
  onConfirm,
  children,
}: {
  question: string;
  onConfirm: () => unknown;
  children: ReactNode;
}) {
  return (
    <button type="button" onClick={() => window.confirm(question) && onConfirm()}>
      {children}
    </button>
  );
}
