import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { memoryTokenStore, roomkeyClient, unwrap } from '@roomkey/sdk';
import { useStaff } from '../session';
import { ErrorNote, useAction } from '../ui';

/** A labelled password input. */
export function PasswordField({
  id,
  label,
  autoComplete,
  value,
  onChange,
}: {
  id: string;
  label: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={autoComplete}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}

/** A new password typed twice; the API checks the policy. */
function NewPasswordFields({
  value,
  repeat,
  onChange,
  onRepeat,
}: {
  value: string;
  repeat: string;
  onChange: (v: string) => void;
  onRepeat: (v: string) => void;
}) {
  return (
    <>
      <PasswordField
        id="new-password"
        label="New password"
        autoComplete="new-password"
        value={value}
        onChange={onChange}
      />
      <PasswordField
        id="repeat-password"
        label="New password again"
        autoComplete="new-password"
        value={repeat}
        onChange={onRepeat}
      />
      {repeat && value !== repeat && (
        <p className="error" role="alert">
          The two new passwords differ.
        </p>
      )}
    </>
  );
}

/** The signed-in person changes their own password; their other sessions end. */
export function ChangePassword() {
  const { changePassword } = useStaff();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  return (
    <section aria-labelledby="password-title">
      <h1 id="password-title">Change password</h1>
      {done && (
        <p role="status" className="good">
          Your password is changed. Every other session of yours has ended.
        </p>
      )}
      <form
        className="password-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (next !== repeat) return;
          void action
            .run(() => changePassword(current, next))
            .then((ok) => {
              if (!ok) return;
              setDone(true);
              setCurrent('');
              setNext('');
              setRepeat('');
            });
        }}
      >
        <PasswordField
          id="current-password"
          label="Current password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
        />
        <NewPasswordFields value={next} repeat={repeat} onChange={setNext} onRepeat={setRepeat} />
        {action.error ? <ErrorNote error={action.error} /> : null}
        <button type="submit" disabled={action.busy}>
          Change password
        </button>
      </form>
    </section>
  );
}

/**
 * The page a reset link opens (`/reset-password#token=…`), signed out. The token is in the
 * fragment, which the browser never sends to a server, and is taken out of the address bar.
 */
export function ResetPassword() {
  const [token] = useState(() => {
    const found = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
    if (found) window.history.replaceState(null, '', window.location.pathname);
    return found;
  });
  const session = useMemo(
    () => roomkeyClient({ baseUrl: window.location.origin, tokens: memoryTokenStore() }),
    [],
  );
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  return (
    <main className="sign-in">
      <h1>Set a new password</h1>
      {done ? (
        <p role="status">
          Your password is set. <Link to="/">Sign in</Link>
        </p>
      ) : !token ? (
        <p className="error" role="alert">
          This page needs the link an admin gave you; ask them for a new one.
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (next !== repeat) return;
            void action
              .run(() =>
                unwrap(
                  session.api.POST('/v1/auth/password-reset', {
                    body: { token, newPassword: next },
                  }),
                ),
              )
              .then((ok) => ok && setDone(true));
          }}
        >
          <NewPasswordFields value={next} repeat={repeat} onChange={setNext} onRepeat={setRepeat} />
          {action.error ? <ErrorNote error={action.error} /> : null}
          <button type="submit" disabled={action.busy}>
            Set password
          </button>
        </form>
      )}
    </main>
  );
}
