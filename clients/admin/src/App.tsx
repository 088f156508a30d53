import { useState } from 'react';
import { NavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import type { Schemas, Session } from '@roomkey/sdk';
import { AccessLog } from './pages/AccessLog';
import { Alerts } from './pages/Alerts';
import { Dashboard } from './pages/Dashboard';
import { ChangePassword, PasswordField, ResetPassword } from './pages/Password';
import { Passes, PrintPass } from './pages/Passes';
import { Permissions } from './pages/Permissions';
import { Places } from './pages/Places';
import { Users } from './pages/Users';
import { Webhooks } from './pages/Webhooks';
import { signIn, StaffProvider, useStaff } from './session';
import { describeError } from './ui';

export function App() {
  // A reset link is opened signed out, whatever this tab's session.
  if (useLocation().pathname === '/reset-password') return <ResetPassword />;
  return (
    <StaffProvider
      signedOut={(onSignedIn, session) => <SignIn session={session} onSignedIn={onSignedIn} />}
    >
      <Shell />
    </StaffProvider>
  );
}

const PAGES = [
  { to: '/', label: 'Dashboard' },
  { to: '/alerts', label: 'Alerts' },
  { to: '/log', label: 'Access log' },
  { to: '/users', label: 'Users', adminOnly: true },
  { to: '/places', label: 'Places & devices' },
  { to: '/permissions', label: 'Permissions' },
  { to: '/passes', label: 'Visitor passes' },
  { to: '/webhooks', label: 'Webhooks', adminOnly: true },
];

function Shell() {
  const { me, isAdmin, signOut } = useStaff();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <strong className="brand">roomkey</strong>
        <nav aria-label="Main">
          {PAGES.filter((p) => isAdmin || !p.adminOnly).map((p) => (
            <NavLink key={p.to} to={p.to} end={p.to === '/'}>
              {p.label}
            </NavLink>
          ))}
        </nav>
        <span className="me">
          {me.displayName} ({me.roles.join(', ')})
        </span>
        <NavLink to="/password">Change password</NavLink>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<Dashboard />} />
          <Route path="/alerts" element={<Alerts />} />
          <Route path="/log" element={<AccessLog />} />
          {isAdmin && <Route path="/users" element={<Users />} />}
          <Route path="/places" element={<Places />} />
          <Route path="/permissions" element={<Permissions />} />
          <Route path="/passes" element={<Passes />} />
          {isAdmin && <Route path="/passes/:id/print" element={<PrintPass />} />}
          {isAdmin && <Route path="/webhooks" element={<Webhooks />} />}
          <Route path="/password" element={<ChangePassword />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
    </div>
  );
}

function SignIn({
  session,
  onSignedIn,
}: {
  session: Session;
  onSignedIn: (me: Schemas['UserView']) => void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <h1>roomkey admin</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          signIn(session, email, password).then(onSignedIn, (err: unknown) => {
            setError(describeError(err));
            setBusy(false);
          });
        }}
      >
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <PasswordField
          id="password"
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
