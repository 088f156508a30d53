import { useState, type FormEvent, type ReactNode } from 'react';
import { unwrap, type Schemas } from '@roomkey/sdk';
import { useApi, useStaff } from '../session';
import {
  Empty,
  ErrorNote,
  formatTime,
  Loaded,
  useAction,
  useLoad,
  nameOf,
  ConfirmButton,
} from '../ui';

/** IANA zones; the browser's list leaves out UTC itself, which sites often use. */
const TIME_ZONES: string[] = [
  'UTC',
  ...((Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
    'timeZone',
  ) ?? []),
].filter((z, i, all) => all.indexOf(z) === i);

/** Where the kiosk app is served; the setup link opens it. */
const KIOSK_URL =
  (import.meta.env.VITE_KIOSK_URL as string | undefined) ??
  `${location.protocol}//${location.hostname}:3101`;

/** Sites, rooms (with lockdown), locks, doors and kiosks. */
export function Places() {
  const api = useApi();
  const { isAdmin } = useStaff();
  const load = useLoad(async () => {
    const [sites, rooms, locks, doors, devices] = await Promise.all([
      unwrap(api.GET('/v1/sites')),
      unwrap(api.GET('/v1/rooms')),
      unwrap(api.GET('/v1/locks')),
      unwrap(api.GET('/v1/doors')),
      isAdmin ? unwrap(api.GET('/v1/devices')) : Promise.resolve([]),
    ]);
    return { sites, rooms, locks, doors, devices };
  }, [api, isAdmin]);
  return (
    <section aria-labelledby="places-title">
      <h1 id="places-title">Places &amp; devices</h1>
      <Loaded load={load}>
        {(data) => <PlacesBody {...data} isAdmin={isAdmin} reload={load.reload} />}
      </Loaded>
    </section>
  );
}

type Data = {
  sites: Schemas['SiteView'][];
  rooms: Schemas['RoomView'][];
  locks: Schemas['LockView'][];
  doors: Schemas['DoorView'][];
  devices: Schemas['DeviceView'][];
};

function PlacesBody({
  sites,
  rooms,
  locks,
  doors,
  devices,
  isAdmin,
  reload,
}: Data & { isAdmin: boolean; reload: () => void }) {
  const api = useApi();
  const action = useAction(reload);
  const [secret, setSecret] = useState<{
    what: string;
    secret: string;
    link?: string;
    /** A lock's own MQTT login, shown once with its secret. */
    mqtt?: { username: string; password: string };
  } | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const edit = (target: Editing) => (
    <button type="button" aria-label={`Edit ${target.row.name}`} onClick={() => setEditing(target)}>
      Edit
    </button>
  );

  return (
    <>
      {action.error ? <ErrorNote error={action.error} /> : null}
      {secret && (
        <div className="secret" role="alert">
          <p>
            The secret of <strong>{secret.what}</strong> is shown this once. Copy it now.
          </p>
          <code data-testid="secret">{secret.secret}</code>
          {secret.mqtt && (
            <p>
              Its MQTT login: username <code>{secret.mqtt.username}</code>, password{' '}
              <code data-testid="mqtt-password">{secret.mqtt.password}</code>
            </p>
          )}
          {secret.link && (
            <p>
              Kiosk setup link: <a href={secret.link}>{secret.link}</a>
            </p>
          )}
          <button type="button" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      )}

      {editing && (
        <EditForm
          key={editing.row.id}
          editing={editing}
          freeLocks={locks.filter(
            (l) => !doors.some((d) => d.lockId === l.id && d.id !== editing.row.id),
          )}
          onCancel={() => setEditing(null)}
          onSave={(body) =>
            action.run(async () => {
              const id = editing.row.id;
              const params = { params: { path: { id } } };
              if (editing.kind === 'site')
                await unwrap(api.PATCH('/v1/sites/{id}', { ...params, body }));
              if (editing.kind === 'room')
                await unwrap(api.PATCH('/v1/rooms/{id}', { ...params, body: { name: body.name } }));
              if (editing.kind === 'lock')
                await unwrap(api.PATCH('/v1/locks/{id}', { ...params, body: { name: body.name } }));
              if (editing.kind === 'door') {
                const { liveness, ...rest } = body;
                await unwrap(
                  api.PATCH('/v1/doors/{id}', {
                    ...params,
                    body: { ...rest, requireActiveLiveness: liveness === 'active' },
                  }),
                );
              }
              if (editing.kind === 'kiosk')
                await unwrap(
                  api.PATCH('/v1/devices/{id}', { ...params, body: { name: body.name } }),
                );
              setEditing(null);
            })
          }
        />
      )}

      <h2>Sites</h2>
      {sites.length === 0 ? (
        <Empty>No sites yet.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Time zone</th>
              {isAdmin && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {sites.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.timeZone}</td>
                {isAdmin && <td>{edit({ kind: 'site', row: s })}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && (
        <CreateForm
          title="New site"
          fields={{ name: 'Name', timeZone: 'Time zone' }}
          options={{ timeZone: TIME_ZONES.map((z) => ({ value: z, label: z })) }}
          initial={{ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }}
          onSubmit={(v) =>
            action.run(() =>
              unwrap(api.POST('/v1/sites', { body: { name: v.name, timeZone: v.timeZone } })),
            )
          }
        />
      )}

      <h2>Rooms</h2>
      {rooms.length === 0 ? (
        <Empty>No rooms yet.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Site</th>
              <th>Lockdown</th>
              {isAdmin && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {rooms.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{nameOf(sites, r.siteId)}</td>
                <td>
                  <label className="toggle">
                    <input
                      type="checkbox"
                      checked={r.lockedDown}
                      aria-label={`Lockdown of ${r.name}`}
                      onChange={(e) =>
                        action.run(() =>
                          unwrap(
                            e.target.checked
                              ? api.POST('/v1/rooms/{id}/lockdown', {
                                  params: { path: { id: r.id } },
                                })
                              : api.DELETE('/v1/rooms/{id}/lockdown', {
                                  params: { path: { id: r.id } },
                                }),
                          ),
                        )
                      }
                    />
                    {r.lockedDown ? 'Locked down' : 'Normal'}
                  </label>
                </td>
                {isAdmin && <td>{edit({ kind: 'room', row: r })}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && (
        <CreateForm
          title="New room"
          fields={{ name: 'Name', siteId: 'Site' }}
          options={{ siteId: sites.map((s) => ({ value: s.id, label: s.name })) }}
          onSubmit={(v) =>
            action.run(() =>
              unwrap(api.POST('/v1/rooms', { body: { name: v.name, siteId: v.siteId } })),
            )
          }
        />
      )}

      <h2>Locks</h2>
      {locks.length === 0 ? (
        <Empty>No locks yet.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>Online</th>
              <th>Last seen</th>
              {isAdmin && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {locks.map((l) => (
              <tr key={l.id}>
                <td>{l.name}</td>
                <td>{l.state}</td>
                <td>{l.online ? 'online' : <span className="bad">offline</span>}</td>
                <td>{formatTime(l.lastSeenAt)}</td>
                {isAdmin && <td>{edit({ kind: 'lock', row: l })}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && (
        <CreateForm
          title="New lock"
          fields={{ name: 'Name' }}
          onSubmit={(v) =>
            action.run(async () => {
              const lock = await unwrap(api.POST('/v1/locks', { body: { name: v.name } }));
              setSecret({ what: `lock ${lock.name}`, secret: lock.secret, mqtt: lock.mqtt });
            })
          }
        />
      )}

      <h2>Doors</h2>
      {doors.length === 0 ? (
        <Empty>No doors yet.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Room</th>
              <th>Lock</th>
              <th>Kiosk</th>
              <th>Liveness</th>
              {isAdmin && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {doors.map((d) => (
              <tr key={d.id}>
                <td>{d.name}</td>
                <td>{nameOf(rooms, d.roomId)}</td>
                <td>{nameOf(locks, d.lockId)}</td>
                <td>{nameOf(devices, d.kioskId)}</td>
                <td>{d.requireActiveLiveness ? 'active required' : 'passive'}</td>
                {isAdmin && <td>{edit({ kind: 'door', row: d })}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && (
        <CreateForm
          title="New door"
          fields={{ name: 'Name', roomId: 'Room', lockId: 'Lock', liveness: 'Liveness' }}
          initial={{ liveness: 'passive' }}
          options={{
            roomId: rooms.map((r) => ({ value: r.id, label: r.name })),
            lockId: locks
              .filter((l) => !doors.some((d) => d.lockId === l.id))
              .map((l) => ({ value: l.id, label: l.name })),
            liveness: LIVENESS_CHOICES,
          }}
          onSubmit={(v) =>
            action.run(() =>
              unwrap(
                api.POST('/v1/doors', {
                  body: {
                    name: v.name,
                    roomId: v.roomId,
                    lockId: v.lockId,
                    requireActiveLiveness: v.liveness === 'active',
                  },
                }),
              ),
            )
          }
        />
      )}

      {isAdmin && (
        <>
          <h2>Kiosks</h2>
          {devices.length === 0 ? (
            <Empty>No kiosks yet.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Doors</th>
                  <th>Status</th>
                  <th>Registered</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {devices.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>{k.doorIds.map((id) => nameOf(doors, id)).join(', ')}</td>
                    <td>{k.status}</td>
                    <td>{formatTime(k.createdAt)}</td>
                    <td>
                      {edit({ kind: 'kiosk', row: k })}{' '}
                      {k.status !== 'revoked' && (
                        <ConfirmButton
                          question={`Revoke ${k.name}? It stops working at once.`}
                          onConfirm={() =>
                            action.run(() =>
                              unwrap(
                                api.POST('/v1/devices/{id}/revoke', {
                                  params: { path: { id: k.id } },
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
          <CreateForm
            title="Register a kiosk"
            fields={{ name: 'Name', doorId: 'Door' }}
            options={{ doorId: doors.map((d) => ({ value: d.id, label: d.name })) }}
            onSubmit={(v) =>
              action.run(async () => {
                const kiosk = await unwrap(
                  api.POST('/v1/devices', {
                    body: { name: v.name, kind: 'kiosk', doorIds: [v.doorId] },
                  }),
                );
                const door = doors.find((d) => d.id === v.doorId)!;
                const setup = btoa(
                  JSON.stringify({
                    deviceId: kiosk.id,
                    secret: kiosk.secret,
                    doorId: door.id,
                    roomId: door.roomId,
                    activeLiveness: door.requireActiveLiveness,
                  }),
                )
                  .replace(/\+/g, '-')
                  .replace(/\//g, '_')
                  .replace(/=+$/, '');
                setSecret({
                  what: `kiosk ${kiosk.name}`,
                  secret: kiosk.secret,
                  link: `${KIOSK_URL}/#setup=${setup}`,
                });
              })
            }
          />
        </>
      )}
    </>
  );
}

/** A small create form: text fields, or selects where `options` are given. */
export function CreateForm({
  title,
  fields,
  options = {},
  initial = {},
  onSubmit,
  onCancel,
  submitLabel = 'Create',
  children,
}: {
  title: string;
  onCancel?: () => void;
  submitLabel?: string;
  fields: Record<string, string>;
  options?: Record<string, Array<{ value: string; label: string }>>;
  initial?: Record<string, string>;
  onSubmit: (values: Record<string, string>) => Promise<unknown>;
  children?: ReactNode;
}) {
  const [values, setValues] = useState<Record<string, string>>(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSubmit(values).then((ok) => ok !== false && setValues(initial));
  };
  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <form className="create" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      {Object.entries(fields).map(([key, label]) => (
        <div key={key} className="field">
          <label htmlFor={`${id}-${key}`}>{label}</label>
          {options[key] ? (
            <select
              id={`${id}-${key}`}
              required
              value={values[key] ?? ''}
              onChange={(e) => setValues({ ...values, [key]: e.target.value })}
            >
              <option value="" disabled>
                Choose…
              </option>
              {options[key].map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`${id}-${key}`}
              required
              value={values[key] ?? ''}
              onChange={(e) => setValues({ ...values, [key]: e.target.value })}
            />
          )}
        </div>
      ))}
      {children}
      <button type="submit">{submitLabel}</button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  );
}

/**
 * A door's liveness: a kiosk's face passes on passive liveness, or must answer an active
 * challenge there too (faces from phones always must).
 */
const LIVENESS_CHOICES = [
  { value: 'passive', label: 'Passive at the kiosk' },
  { value: 'active', label: 'Active required' },
];

type Editing =
  | { kind: 'site'; row: Schemas['SiteView'] }
  | { kind: 'room'; row: Schemas['RoomView'] }
  | { kind: 'lock'; row: Schemas['LockView'] }
  | { kind: 'door'; row: Schemas['DoorView'] }
  | { kind: 'kiosk'; row: Schemas['DeviceView'] };

/** Changes a site (name, time zone), a room, lock or kiosk (name), or a door (name, lock). */
function EditForm({
  editing,
  freeLocks,
  onSave,
  onCancel,
}: {
  editing: Editing;
  freeLocks: Schemas['LockView'][];
  onSave: (body: Record<string, string>) => Promise<unknown>;
  onCancel: () => void;
}) {
  const { kind, row } = editing;
  const fields: Record<string, string> = { name: 'Name' };
  const initial: Record<string, string> = { name: row.name };
  const options: Record<string, Array<{ value: string; label: string }>> = {};
  if (editing.kind === 'site') {
    fields.timeZone = 'Time zone';
    initial.timeZone = editing.row.timeZone;
    options.timeZone = TIME_ZONES.map((z) => ({ value: z, label: z }));
  }
  if (editing.kind === 'door') {
    fields.lockId = 'Lock';
    initial.lockId = editing.row.lockId;
    options.lockId = freeLocks.map((l) => ({ value: l.id, label: l.name }));
    fields.liveness = 'Liveness';
    initial.liveness = editing.row.requireActiveLiveness ? 'active' : 'passive';
    options.liveness = LIVENESS_CHOICES;
  }
  return (
    <CreateForm
      title={`Edit ${kind} ${row.name}`}
      fields={fields}
      options={options}
      initial={initial}
      submitLabel="Save"
      onCancel={onCancel}
      onSubmit={onSave}
    />
  );
}
