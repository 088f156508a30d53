import { useState } from 'react';
import { unwrap, type Schemas } from '@roomkey/sdk';
import { ScheduleEditor, scheduleProblems, type Window } from '../ScheduleEditor';
import { useApi, useStaff } from '../session';
import { Empty, ErrorNote, formatTime, Loaded, useAction, useLoad, ConfirmButton } from '../ui';

type Role = Schemas['UserView']['roles'][number];

/** Who may enter which room, when: a person or a role, a validity, a weekly schedule. */
export function Permissions() {
  const api = useApi();
  const { isAdmin } = useStaff();
  const load = useLoad(async () => {
    const [permissions, rooms, sites, users] = await Promise.all([
      unwrap(api.GET('/v1/permissions')),
      unwrap(api.GET('/v1/rooms')),
      unwrap(api.GET('/v1/sites')),
      // The accounts are the admin's to see; security staff see user ids.
      isAdmin
        ? unwrap(api.GET('/v1/users', { params: { query: { limit: 200 } } }))
        : Promise.resolve({ items: [] }),
    ]);
    return { permissions, rooms, sites, users: users.items };
  }, [api, isAdmin]);
  const action = useAction(load.reload);

  return (
    <section aria-labelledby="permissions-title">
      <h1 id="permissions-title">Permissions</h1>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <Loaded load={load}>
        {({ permissions, rooms, sites, users }) => {
          const roomName = (id: string) => rooms.find((r) => r.id === id)?.name ?? id;
          const who = (p: Schemas['PermissionView']) =>
            p.userId
              ? (users.find((u) => u.id === p.userId)?.displayName ?? p.userId)
              : `everyone with role ${p.role}`;
          return (
            <>
              {permissions.length === 0 ? (
                <Empty>No permissions yet: nobody can enter any room.</Empty>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th>Room</th>
                      <th>Who</th>
                      <th>Valid</th>
                      <th>Schedule</th>
                      {isAdmin && <th />}
                    </tr>
                  </thead>
                  <tbody>
                    {permissions.map((p) => (
                      <tr key={p.id}>
                        <td>{roomName(p.roomId)}</td>
                        <td>{who(p)}</td>
                        <td>
                          {p.validFrom || p.validUntil
                            ? `${formatTime(p.validFrom)} – ${formatTime(p.validUntil)}`
                            : 'always'}
                        </td>
                        <td>
                          {(p.windows ?? []).length === 0
                            ? 'any time'
                            : (p.windows ?? [])
                                .map((w) => `${w.days.join(' ')} ${w.from}–${w.to}`)
                                .join('; ')}
                        </td>
                        {isAdmin && (
                          <td>
                            <ConfirmButton
                              question={'Withdraw this permission?'}
                              onConfirm={() =>
                                action.run(() =>
                                  unwrap(
                                    api.DELETE('/v1/permissions/{id}', {
                                      params: { path: { id: p.id } },
                                    }),
                                  ),
                                )
                              }
                            >
                              Withdraw
                            </ConfirmButton>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {isAdmin && (
                <NewPermission
                  rooms={rooms}
                  sites={sites}
                  users={users}
                  onCreate={(body) =>
                    action.run(() => unwrap(api.POST('/v1/permissions', { body })))
                  }
                />
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function NewPermission({
  rooms,
  sites,
  users,
  onCreate,
}: {
  rooms: Schemas['RoomView'][];
  sites: Schemas['SiteView'][];
  users: Schemas['UserView'][];
  onCreate: (body: Schemas['CreatePermissionBody']) => Promise<unknown>;
}) {
  const [roomId, setRoomId] = useState('');
  const [who, setWho] = useState('');
  const [until, setUntil] = useState('');
  const [windows, setWindows] = useState<Window[]>([]);
  const room = rooms.find((r) => r.id === roomId);
  const timeZone = sites.find((s) => s.id === room?.siteId)?.timeZone ?? 'the site’s time zone';
  const invalid = scheduleProblems(windows).length > 0;
  return (
    <form
      className="create"
      aria-label="New permission"
      onSubmit={(e) => {
        e.preventDefault();
        const [kind, value] = who.split(':');
        void onCreate({
          roomId,
          ...(kind === 'user' ? { userId: value } : { role: value as Role }),
          ...(until ? { validUntil: new Date(until).toISOString() } : {}),
          ...(windows.length > 0 ? { windows } : {}),
        }).then((ok) => {
          if (ok === false) return;
          setWho('');
          setUntil('');
          setWindows([]);
        });
      }}
    >
      <h3>New permission</h3>
      <div className="field">
        <label htmlFor="perm-room">Room</label>
        <select id="perm-room" required value={roomId} onChange={(e) => setRoomId(e.target.value)}>
          <option value="" disabled>
            Choose…
          </option>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="perm-who">Who</label>
        <select id="perm-who" required value={who} onChange={(e) => setWho(e.target.value)}>
          <option value="" disabled>
            Choose…
          </option>
          <optgroup label="Everyone with a role">
            {(['member', 'security', 'admin', 'visitor'] as const).map((r) => (
              <option key={r} value={`role:${r}`}>
                {r}
              </option>
            ))}
          </optgroup>
          <optgroup label="One person">
            {users.map((u) => (
              <option key={u.id} value={`user:${u.id}`}>
                {u.displayName} ({u.email})
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div className="field">
        <label htmlFor="perm-until">Valid until (optional)</label>
        <input
          id="perm-until"
          type="datetime-local"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
        />
      </div>
      <ScheduleEditor value={windows} onChange={setWindows} timeZone={timeZone} />
      <button type="submit" disabled={invalid}>
        Create
      </button>
    </form>
  );
}
