import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap, type Schemas } from '@roomkey/sdk';
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
  ConfirmButton,
} from '../ui';

/** Visitor passes: create one for some doors and a time, print it with its QR, revoke it. */
export function Passes() {
  const api = useApi();
  const { isAdmin } = useStaff();
  const [status, setStatus] = useState<'active' | 'expired' | 'revoked' | ''>('active');
  const pages = useCursorPages();
  const after = pages.after;
  const load = useLoad(async () => {
    const [page, doors] = await Promise.all([
      unwrap(
        api.GET('/v1/visitor-passes', {
          params: { query: { limit: 50, after, status: status || undefined } },
        }),
      ),
      unwrap(api.GET('/v1/doors')),
    ]);
    return { page, doors };
  }, [api, after, status]);
  const action = useAction(load.reload);
  const [created, setCreated] = useState<Schemas['VisitorPassWithCode'] | null>(null);

  return (
    <section aria-labelledby="passes-title">
      <h1 id="passes-title">Visitor passes</h1>
      <div className="filters">
        <label htmlFor="pass-status">Show</label>
        <select
          id="pass-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as typeof status);
            pages.reset();
          }}
        >
          <option value="active">active</option>
          <option value="expired">expired</option>
          <option value="revoked">revoked</option>
          <option value="">all</option>
        </select>
      </div>
      {action.error ? <ErrorNote error={action.error} /> : null}
      {created && (
        <div className="secret" role="status">
          <p>
            Pass for <strong>{created.name}</strong> created.
          </p>
          <img
            className="pass-qr"
            alt={`QR code of the pass for ${created.name}`}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(created.code.svg)}`}
          />
          <p>
            <Link to={`/passes/${created.id}/print`}>Print view</Link>
          </p>
        </div>
      )}
      <Loaded load={load}>
        {({ page, doors }) => (
          <>
            {page.items.length === 0 ? (
              <Empty>No {status} visitor passes.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Visitor</th>
                    <th>Doors</th>
                    <th>Valid</th>
                    <th>Uses</th>
                    <th>Status</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((p) => (
                    <tr key={p.id}>
                      <td>{p.name}</td>
                      <td>
                        {p.doorIds
                          .map((id) => doors.find((d) => d.id === id)?.name ?? id)
                          .join(', ')}
                      </td>
                      <td>
                        {formatTime(p.validFrom)} – {formatTime(p.validUntil)}
                      </td>
                      <td>
                        {p.uses} / {p.maxUses}
                      </td>
                      <td>{p.status}</td>
                      <td className="actions">
                        {isAdmin && <Link to={`/passes/${p.id}/print`}>Print</Link>}
                        {isAdmin && p.status === 'active' && (
                          <ConfirmButton
                            question={`Revoke the pass of ${p.name}?`}
                            onConfirm={() =>
                              action.run(() =>
                                unwrap(
                                  api.POST('/v1/visitor-passes/{id}/revoke', {
                                    params: { path: { id: p.id } },
                                  }),
                                ),
                              )
                            }
                          >
                            Revoke
                          </ConfirmButton>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Pager pages={pages} next={page.next} />
            {isAdmin && (
              <NewPass
                doors={doors}
                onCreate={(body) =>
                  action.run(async () => {
                    setCreated(await unwrap(api.POST('/v1/visitor-passes', { body })));
                  })
                }
              />
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

const tomorrow = () => {
  const d = new Date(Date.now() + 86_400_000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
};

function NewPass({
  doors,
  onCreate,
}: {
  doors: Schemas['DoorView'][];
  onCreate: (body: Schemas['CreateVisitorPassBody']) => Promise<boolean>;
}) {
  const [name, setName] = useState('');
  const [doorIds, setDoorIds] = useState<string[]>([]);
  const [until, setUntil] = useState(tomorrow);
  const [uses, setUses] = useState('1');
  return (
    <form
      className="create"
      aria-label="New visitor pass"
      onSubmit={(e) => {
        e.preventDefault();
        void onCreate({
          name,
          doorIds,
          validUntil: new Date(until).toISOString(),
          maxUses: Number(uses),
        }).then((ok) => ok && (setName(''), setDoorIds([])));
      }}
    >
      <h3>New visitor pass</h3>
      <div className="field">
        <label htmlFor="pass-name">Visitor’s name</label>
        <input id="pass-name" required value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <fieldset>
        <legend>Doors</legend>
        {doors.length === 0 && <p className="muted">No doors yet.</p>}
        {doors.map((d) => (
          <label key={d.id} className="day">
            <input
              type="checkbox"
              checked={doorIds.includes(d.id)}
              onChange={(e) =>
                setDoorIds(
                  e.target.checked ? [...doorIds, d.id] : doorIds.filter((x) => x !== d.id),
                )
              }
            />
            {d.name}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="pass-until">Valid until</label>
        <input
          id="pass-until"
          type="datetime-local"
          required
          value={until}
          onChange={(e) => setUntil(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="pass-uses">Uses</label>
        <input
          id="pass-uses"
          type="number"
          min={1}
          max={1000}
          required
          value={uses}
          onChange={(e) => setUses(e.target.value)}
        />
      </div>
      <button type="submit" disabled={doorIds.length === 0}>
        Create
      </button>
    </form>
  );
}

/** The pass on paper: the visitor's name, the QR, when it is valid. */
export function PrintPass() {
  const api = useApi();
  const { id = '' } = useParams();
  const load = useLoad(
    () => unwrap(api.GET('/v1/visitor-passes/{id}', { params: { path: { id } } })),
    [api, id],
  );
  return (
    <Loaded load={load}>
      {(pass) => (
        <article className="print-pass">
          <h1>Visitor pass</h1>
          <p className="pass-name">{pass.name}</p>
          <img
            className="pass-qr"
            alt={`QR code of the pass for ${pass.name}`}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(pass.code.svg)}`}
          />
          <p>
            Valid {formatTime(pass.validFrom)} – {formatTime(pass.validUntil)},{' '}
            {pass.maxUses === 1 ? 'once' : `${pass.maxUses} times`}.
          </p>
          <p className="muted">Hold this code up to the door kiosk’s camera and look at it.</p>
          <button type="button" className="no-print" onClick={() => window.print()}>
            Print
          </button>
        </article>
      )}
    </Loaded>
  );
}
