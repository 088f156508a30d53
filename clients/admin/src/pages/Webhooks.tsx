import { useState } from 'react';
import { unwrap, type Schemas } from '@roomkey/sdk';
import { useApi } from '../session';
import {
  ConfirmButton,
  Empty,
  ErrorNote,
  formatTime,
  Loaded,
  Pager,
  useAction,
  useCursorPages,
  useLoad,
} from '../ui';

type EventType = Schemas['CreateWebhookBody']['events'][number];
type Endpoint = Schemas['WebhookView'];

/** Every event type an endpoint can receive, with what it means. */
export const EVENT_TYPES: Array<{ type: EventType; label: string }> = [
  { type: 'access.decided', label: 'Access decided (granted or denied)' },
  { type: 'alert.opened', label: 'Alert opened' },
  { type: 'alert.acknowledged', label: 'Alert acknowledged' },
  { type: 'alert.resolved', label: 'Alert resolved' },
  { type: 'door.forced', label: 'Door forced' },
  { type: 'door.held-open', label: 'Door held open' },
  { type: 'lock.offline', label: 'Lock offline' },
];

/**
 * Webhooks: HTTPS endpoints of other systems that receive events, signed with a secret shown
 * once; each endpoint's deliveries with every attempt and what the endpoint answered.
 */
export function Webhooks() {
  const api = useApi();
  const load = useLoad(() => unwrap(api.GET('/v1/webhooks')), [api]);
  const action = useAction(load.reload);
  const [created, setCreated] = useState<Schemas['WebhookCreated'] | null>(null);
  const [shown, setShown] = useState<Endpoint | null>(null);

  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p className="muted">
        Each delivery is signed the Standard Webhooks way (headers <code>webhook-id</code>,{' '}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>) with the endpoint’s secret.
        An endpoint that keeps failing is disabled and raises an alert.
      </p>
      {action.error ? <ErrorNote error={action.error} /> : null}
      {created && (
        <div className="secret" role="alert">
          <p>
            The signing secret of <strong>{created.url}</strong> is shown this once. Copy it now.
          </p>
          <code data-testid="secret">{created.secret}</code>
          <button type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <Loaded load={load}>
        {(endpoints) => (
          <>
            {endpoints.length === 0 ? (
              <Empty>No webhooks yet.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>URL</th>
                    <th>Events</th>
                    <th>State</th>
                    <th>Failures in a row</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {endpoints.map((w) => (
                    <tr key={w.id}>
                      <td>
                        <code>{w.url}</code>
                        {w.description && <div className="muted">{w.description}</div>}
                      </td>
                      <td>{w.events.join(', ')}</td>
                      <td>
                        {w.enabled ? 'enabled' : `disabled since ${formatTime(w.disabledAt)}`}
                      </td>
                      <td>{w.failures}</td>
                      <td className="actions">
                        <button type="button" onClick={() => setShown(w)}>
                          Deliveries
                        </button>
                        {!w.enabled && (
                          <button
                            type="button"
                            onClick={() =>
                              action.run(() =>
                                unwrap(
                                  api.POST('/v1/webhooks/{id}/enable', {
                                    params: { path: { id: w.id } },
                                  }),
                                ),
                              )
                            }
                          >
                            Enable
                          </button>
                        )}
                        <ConfirmButton
                          question={`Remove the webhook to ${w.url}? Its deliveries go with it.`}
                          onConfirm={() =>
                            action.run(async () => {
                              await unwrap(
                                api.DELETE('/v1/webhooks/{id}', { params: { path: { id: w.id } } }),
                              );
                              if (shown?.id === w.id) setShown(null);
                            })
                          }
                        >
                          Remove
                        </ConfirmButton>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {shown && <Deliveries key={shown.id} endpoint={shown} />}
            <NewWebhook
              onCreate={(body) =>
                action.run(async () => {
                  setCreated(await unwrap(api.POST('/v1/webhooks', { body })));
                })
              }
            />
          </>
        )}
      </Loaded>
    </section>
  );
}

/** An endpoint's deliveries, newest first; each one opens to its attempts and its body. */
function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const api = useApi();
  const pages = useCursorPages();
  const after = pages.after;
  const load = useLoad(
    () =>
      unwrap(
        api.GET('/v1/webhooks/{id}/deliveries', {
          params: { path: { id: endpoint.id }, query: { limit: 20, after } },
        }),
      ),
    [api, endpoint.id, after],
  );
  return (
    <section aria-labelledby="deliveries-title" className="deliveries">
      <h2 id="deliveries-title">
        Deliveries to <code>{endpoint.url}</code>
      </h2>
      <button type="button" onClick={load.reload}>
        Refresh
      </button>
      <Loaded load={load}>
        {(page) => (
          <>
            {page.items.length === 0 ? (
              <Empty>Nothing delivered yet.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Queued</th>
                    <th>Event</th>
                    <th>State</th>
                    <th>Attempts</th>
                    <th>Last answer</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((d) => {
                    const last = d.attempts[d.attempts.length - 1];
                    return (
                      <tr key={d.id}>
                        <td>{formatTime(d.createdAt)}</td>
                        <td>{d.type}</td>
                        <td>
                          {d.state}
                          {d.nextAttemptAt && (
                            <div className="muted">next try {formatTime(d.nextAttemptAt)}</div>
                          )}
                        </td>
                        <td>{d.attempts.length}</td>
                        <td>
                          <details>
                            <summary>{last ? lastAnswer(last) : 'not tried yet'}</summary>
                            <ol>
                              {d.attempts.map((a, i) => (
                                <li key={i}>
                                  {formatTime(a.at)}: {lastAnswer(a)} in {a.durationMs} ms
                                  {a.response && <pre>{a.response}</pre>}
                                </li>
                              ))}
                            </ol>
                            <p className="muted">
                              <code>webhook-id</code> {d.messageId}
                            </p>
                            <pre>{d.body}</pre>
                          </details>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
            <Pager pages={pages} next={page.next} labels={['Newer', 'Older']} />
          </>
        )}
      </Loaded>
    </section>
  );
}

const lastAnswer = (a: Schemas['WebhookDeliveryPage']['items'][number]['attempts'][number]) =>
  a.status !== null ? `HTTP ${a.status}` : (a.error ?? 'no answer');

function NewWebhook({
  onCreate,
}: {
  onCreate: (body: Schemas['CreateWebhookBody']) => Promise<boolean>;
}) {
  const [url, setUrl] = useState('https://');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventType[]>([]);
  return (
    <form
      className="create"
      aria-label="New webhook"
      onSubmit={(e) => {
        e.preventDefault();
        void onCreate({ url, events, ...(description ? { description } : {}) }).then(
          (ok) => ok && (setUrl('https://'), setDescription(''), setEvents([])),
        );
      }}
    >
      <h3>New webhook</h3>
      <div className="field">
        <label htmlFor="webhook-url">HTTPS URL</label>
        <input
          id="webhook-url"
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="webhook-description">Description</label>
        <input
          id="webhook-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <fieldset>
        <legend>Events</legend>
        {EVENT_TYPES.map((t) => (
          <label key={t.type} className="day">
            <input
              type="checkbox"
              checked={events.includes(t.type)}
              onChange={(e) =>
                setEvents(
                  e.target.checked ? [...events, t.type] : events.filter((x) => x !== t.type),
                )
              }
            />
            {t.label}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={events.length === 0}>
        Register
      </button>
    </form>
  );
}
