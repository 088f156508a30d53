import { useState } from 'react';
import { describeReason, unwrap, type paths, type Schemas } from '@roomkey/sdk';
import { useApi, useStaff } from '../session';
import {
  Empty,
  ErrorNote,
  formatTime,
  Loaded,
  useAction,
  useLoad,
  Pager,
  useCursorPages,
  nameOf,
} from '../ui';

/** The filters of the log; `limit`, `after` and `format` are the page's and the export's. */
type Query = Omit<
  NonNullable<paths['/v1/access-log']['get']['parameters']['query']>,
  'limit' | 'after' | 'format'
>;
type Filters = {
  from: string;
  to: string;
  decision: '' | 'granted' | 'denied';
  reason: string;
  roomId: string;
  doorId: string;
};
const NO_FILTERS: Filters = { from: '', to: '', decision: '', reason: '', roomId: '', doorId: '' };

/** The filters as the API's query: local times become instants; empty ones are left out. */
function toQuery(f: Filters): Query {
  const q: Query = {};
  if (f.from) q.from = new Date(f.from).toISOString();
  if (f.to) q.to = new Date(f.to).toISOString();
  if (f.decision) q.decision = f.decision;
  if (f.reason.trim()) q.reason = f.reason.trim();
  if (f.roomId) q.roomId = f.roomId;
  if (f.doorId) q.doorId = f.doorId;
  return q;
}

/** Every decision, newest first, filtered and paged, and exported as CSV. */
export function AccessLog() {
  const api = useApi();
  const { session } = useStaff();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const pages = useCursorPages();
  const after = pages.after;
  const places = useLoad(async () => {
    const [rooms, doors] = await Promise.all([
      unwrap(api.GET('/v1/rooms')),
      unwrap(api.GET('/v1/doors')),
    ]);
    return { rooms, doors };
  }, [api]);
  const load = useLoad(
    () =>
      // JSON unless format=csv, which this call does not ask for.
      unwrap(
        api.GET('/v1/access-log', {
          params: { query: { ...toQuery(filters), limit: 50, after } },
        }),
      ) as Promise<Schemas['AccessLogPage']>,
    [api, filters, after],
  );
  const exporting = useAction();

  const exportCsv = () =>
    exporting.run(async () => {
      const qs = new URLSearchParams({ ...toQuery(filters), format: 'csv' } as Record<
        string,
        string
      >);
      const res = await session.fetch(`/v1/access-log?${qs}`, { headers: { accept: 'text/csv' } });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
        throw new Error(body.message ?? `the export failed (${res.status})`);
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `access-log-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  const set = (patch: Partial<Filters>) => setDraft({ ...draft, ...patch });
  return (
    <section aria-labelledby="log-title">
      <h1 id="log-title">Access log</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          pages.reset();
        }}
      >
        <label htmlFor="log-from">From</label>
        <input
          id="log-from"
          type="datetime-local"
          value={draft.from}
          onChange={(e) => set({ from: e.target.value })}
        />
        <label htmlFor="log-to">To</label>
        <input
          id="log-to"
          type="datetime-local"
          value={draft.to}
          onChange={(e) => set({ to: e.target.value })}
        />
        <label htmlFor="log-decision">Decision</label>
        <select
          id="log-decision"
          value={draft.decision}
          onChange={(e) => set({ decision: e.target.value as Filters['decision'] })}
        >
          <option value="">any</option>
          <option value="granted">granted</option>
          <option value="denied">denied</option>
        </select>
        <label htmlFor="log-reason">Reason</label>
        <input
          id="log-reason"
          value={draft.reason}
          placeholder="e.g. face-no-match"
          onChange={(e) => set({ reason: e.target.value })}
        />
        <label htmlFor="log-room">Room</label>
        <select
          id="log-room"
          value={draft.roomId}
          onChange={(e) => set({ roomId: e.target.value })}
        >
          <option value="">any</option>
          {places.data?.rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <label htmlFor="log-door">Door</label>
        <select
          id="log-door"
          value={draft.doorId}
          onChange={(e) => set({ doorId: e.target.value })}
        >
          <option value="">any</option>
          {places.data?.doors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <button type="submit">Apply</button>
        <button type="button" onClick={() => void exportCsv()} disabled={exporting.busy}>
          Export CSV
        </button>
      </form>
      {exporting.error ? <ErrorNote error={exporting.error} /> : null}
      <Loaded load={load}>
        {(page) => (
          <>
            {page.items.length === 0 ? (
              <Empty>No decisions match.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Decided</th>
                    <th>Decision</th>
                    <th>Reasons</th>
                    <th>Room</th>
                    <th>Door</th>
                    <th>Person</th>
                    <th>Channel</th>
                    <th>Liveness</th>
                    <th>Latency</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((e) => (
                    <tr key={e.requestId}>
                      <td>{formatTime(e.decidedAt)}</td>
                      <td className={e.decision === 'granted' ? 'good' : 'bad'}>{e.decision}</td>
                      <td>
                        {e.reasons.map((r) => (
                          <abbr key={r} title={describeReason(r)}>
                            {r}{' '}
                          </abbr>
                        ))}
                      </td>
                      <td>{nameOf(places.data?.rooms, e.roomId)}</td>
                      <td>{nameOf(places.data?.doors, e.doorId)}</td>
                      <td>{e.userId ?? '—'}</td>
                      <td>{e.channel ?? '—'}</td>
                      <td>{e.liveness ?? '—'}</td>
                      <td>{e.latencyMs === null ? '—' : `${e.latencyMs} ms`}</td>
                    </tr>
                  ))}
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
