import { useEffect, useRef, useState } from 'react';
import { openAlertFeed, unwrap, type Alert, type FeedState } from '@roomkey/sdk';
import { useApi, useStaff } from '../session';
import { Empty, ErrorNote, formatTime, useAction } from '../ui';

const LOUD = ['high', 'critical'];

/** A short tone for a high-severity alert (Web Audio; silent where the browser forbids it). */
function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.3);
    osc.onended = () => void ctx.close();
  } catch {
    /* no audio here */
  }
}

const STATE_WORDS: Record<FeedState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost. Reconnecting…',
  refused: 'The feed refused this session. Sign in again.',
};

/** The live alert feed, newest first: acknowledge, with a sound and a flash for high severity. */
export function Alerts() {
  const api = useApi();
  const { session, isAdmin } = useStaff();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [state, setState] = useState<FeedState>('connecting');
  const [flash, setFlash] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const action = useAction();
  const flashTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    const merge = (incoming: Alert[]) =>
      setAlerts((list) => {
        const byId = new Map(list.map((a) => [a.id, a]));
        for (const a of incoming) byId.set(a.id, a);
        return [...byId.values()].sort((a, b) => b.seq - a.seq);
      });
    // What is open now, then everything new as it comes.
    unwrap(api.GET('/v1/alerts', { params: { query: { state: 'open', limit: 100 } } })).then(
      merge,
      setLoadError,
    );
    const feed = openAlertFeed({
      fetch: session.fetch,
      onState: setState,
      onAlert: (alert) => {
        merge([alert]);
        if (LOUD.includes(alert.severity)) {
          beep();
          setFlash(true);
          clearTimeout(flashTimer.current);
          flashTimer.current = setTimeout(() => setFlash(false), 3000);
        }
      },
    });
    return () => {
      feed.close();
      clearTimeout(flashTimer.current);
    };
  }, [api, session]);

  const acknowledge = (alert: Alert) =>
    action.run(async () => {
      const acked = await unwrap(
        api.POST('/v1/alerts/{id}/ack', { params: { path: { id: alert.id } } }),
      );
      setAlerts((list) => list.map((a) => (a.id === acked.id ? acked : a)));
    });

  /**
   * An enrolment waiting for approval (`face-enrolment-pending`, about `user:<id>`): the admin
   * approves or refuses it, which also resolves the alert.
   */
  const decideEnrolment = (alert: Alert, decision: 'approve' | 'reject') =>
    action.run(async () => {
      const id = alert.subject.slice('user:'.length);
      const path =
        decision === 'approve' ? '/v1/users/{id}/face/approve' : '/v1/users/{id}/face/reject';
      await unwrap(api.POST(path, { params: { path: { id } } }));
      const resolved = await unwrap(
        api.POST('/v1/alerts/{id}/resolve', { params: { path: { id: alert.id } } }),
      );
      setAlerts((list) => list.map((a) => (a.id === resolved.id ? resolved : a)));
    });

  return (
    <section aria-labelledby="alerts-title" className={flash ? 'alerts flash' : 'alerts'}>
      <h1 id="alerts-title">Alerts</h1>
      <p className={`feed-state ${state}`} role="status" data-state={state}>
        {STATE_WORDS[state]}
      </p>
      {loadError ? <ErrorNote error={loadError} /> : null}
      {action.error ? <ErrorNote error={action.error} /> : null}
      {alerts.length === 0 ? (
        <Empty>No open alerts. New ones appear here as they happen.</Empty>
      ) : (
        <ol className="alert-list" aria-label="Alerts, newest first">
          {alerts.map((a) => (
            <li key={a.id} className={`alert ${a.severity} ${a.state}`} data-type={a.type}>
              <span className="severity">{a.severity}</span>
              <strong>{a.type}</strong>
              <span>
                {a.count} in {Math.round(a.windowSeconds / 60)} min · {a.subject}
              </span>
              <span className="muted">
                {formatTime(a.firstAt)} – {formatTime(a.lastAt)}
              </span>
              <span>
                {a.state}
                {a.ackedAt ? ` (${formatTime(a.ackedAt)})` : ''}
              </span>
              {a.state === 'open' && (
                <button type="button" onClick={() => void acknowledge(a)}>
                  Acknowledge
                </button>
              )}
              {isAdmin && a.type === 'face-enrolment-pending' && a.state !== 'resolved' && (
                <>
                  <button type="button" onClick={() => void decideEnrolment(a, 'approve')}>
                    Approve the new face
                  </button>
                  <button type="button" onClick={() => void decideEnrolment(a, 'reject')}>
                    Refuse it
                  </button>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
