import { useEffect, useState } from 'react';
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
import { CreateForm } from './Places';

type Role = Schemas['UserView']['roles'][number];
const ROLES: Role[] = ['admin', 'security', 'member', 'visitor'];

/** Accounts: search, create, roles, disable, and erasing a person's face data. */
export function Users() {
  const api = useApi();
  const { isAdmin, me } = useStaff();
  const [role, setRole] = useState<Role | ''>('');
  const [status, setStatus] = useState<'active' | 'disabled' | ''>('');
  const [search, setSearch] = useState('');
  // The search goes to the API once typing pauses.
  const [q, setQ] = useState('');
  const pages = useCursorPages();
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search.trim() === q) return;
      setQ(search.trim());
      pages.reset();
    }, 300);
    return () => clearTimeout(timer);
  }, [search, q, pages]);
  const after = pages.after;
  const load = useLoad(
    () =>
      unwrap(
        api.GET('/v1/users', {
          params: {
            query: {
              limit: 50,
              after,
              q: q || undefined,
              role: role || undefined,
              status: status || undefined,
            },
          },
        }),
      ),
    [api, after, q, role, status],
  );
  const action = useAction(load.reload);
  const [resetLink, setResetLink] = useState<{ who: string; url: string; expiresAt: string }>();

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <div className="filters" role="search">
        <label htmlFor="user-search">Search</label>
        <input
          id="user-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Name or email"
        />
        <label htmlFor="user-role">Role</label>
        <select
          id="user-role"
          value={role}
          onChange={(e) => {
            setRole(e.target.value as Role | '');
            pages.reset();
          }}
        >
          <option value="">Any</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <label htmlFor="user-status">Status</label>
        <select
          id="user-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as 'active' | 'disabled' | '');
            pages.reset();
          }}
        >
          <option value="">Any</option>
          <option value="active">active</option>
          <option value="disabled">disabled</option>
        </select>
      </div>
      {action.error ? <ErrorNote error={action.error} /> : null}
      {resetLink && (
        <div className="secret" role="alert">
          <p>
            A password reset link for <strong>{resetLink.who}</strong>, shown this once. It works
            once, until {formatTime(resetLink.expiresAt)}. Give it to them privately.
          </p>
          <code data-testid="reset-link">{resetLink.url}</code>
        </div>
      )}
      <Loaded load={load}>
        {(page) => {
          const users = page.items;
          return (
            <>
              {users.length === 0 ? (
                <Empty>{q || role || status ? 'Nobody matches.' : 'No users.'}</Empty>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Email</th>
                      <th>Roles</th>
                      <th>Status</th>
                      <th>Since</th>
                      {isAdmin && <th>Actions</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {users.map((u) => (
                      <tr key={u.id}>
                        <td>{u.displayName}</td>
                        <td>{u.email}</td>
                        <td>
                          {isAdmin && u.id !== me.id ? (
                            <RolePicker
                              user={u}
                              onChange={(roles) =>
                                action.run(() =>
                                  unwrap(
                                    api.PATCH('/v1/users/{id}', {
                                      params: { path: { id: u.id } },
                                      body: { roles },
                                    }),
                                  ),
                                )
                              }
                            />
                          ) : (
                            u.roles.join(', ')
                          )}
                        </td>
                        <td>{u.status}</td>
                        <td>{formatTime(u.createdAt)}</td>
                        {isAdmin && (
                          <td className="actions">
                            {u.id !== me.id && (
                              <button
                                type="button"
                                onClick={() =>
                                  action.run(() =>
                                    unwrap(
                                      api.PATCH('/v1/users/{id}', {
                                        params: { path: { id: u.id } },
                                        body: {
                                          status: u.status === 'active' ? 'disabled' : 'active',
                                        },
                                      }),
                                    ),
                                  )
                                }
                              >
                                {u.status === 'active' ? 'Disable' : 'Enable'}
                              </button>
                            )}
                            <button
                              type="button"
                              onClick={() =>
                                action.run(async () => {
                                  const issued = await unwrap(
                                    api.POST('/v1/users/{id}/password-reset', {
                                      params: { path: { id: u.id } },
                                    }),
                                  );
                                  setResetLink({
                                    who: u.displayName,
                                    url: `${window.location.origin}/reset-password#token=${issued.token}`,
                                    expiresAt: issued.expiresAt,
                                  });
                                })
                              }
                            >
                              Reset link
                            </button>
                            <ConfirmButton
                              question={`Erase the face data of ${u.displayName}? Their face template is deleted and they must enrol again.`}
                              onConfirm={() =>
                                action.run(() =>
                                  unwrap(
                                    api.DELETE('/v1/users/{id}/face', {
                                      params: { path: { id: u.id } },
                                    }),
                                  ),
                                )
                              }
                            >
                              Erase face data
                            </ConfirmButton>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <Pager pages={pages} next={page.next} />
            </>
          );
        }}
      </Loaded>
      {isAdmin && (
        <CreateForm
          title="New user"
          fields={{
            displayName: 'Name',
            email: 'Email',
            password: 'Initial password',
            role: 'Role',
          }}
          options={{ role: ROLES.map((r) => ({ value: r, label: r })) }}
          initial={{ role: 'member' }}
          onSubmit={(v) =>
            action.run(() =>
              unwrap(
                api.POST('/v1/users', {
                  body: {
                    displayName: v.displayName,
                    email: v.email,
                    password: v.password,
                    roles: [v.role as Role],
                  },
                }),
              ),
            )
          }
        />
      )}
    </section>
  );
}

function RolePicker({
  user,
  onChange,
}: {
  user: Schemas['UserView'];
  onChange: (roles: Role[]) => void;
}) {
  return (
    <span className="roles" role="group" aria-label={`Roles of ${user.displayName}`}>
      {ROLES.map((r) => (
        <label key={r}>
          <input
            type="checkbox"
            checked={user.roles.includes(r)}
            disabled={user.roles.length === 1 && user.roles.includes(r)}
            onChange={(e) =>
              onChange(e.target.checked ? [...user.roles, r] : user.roles.filter((x) => x !== r))
            }
          />
          {r}
        </label>
      ))}
    </span>
  );
}
