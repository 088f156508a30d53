import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError } from '@roomkey/sdk';
import {
  deviceSession,
  endSession,
  pendingSetup,
  setupFromLink,
  startSession,
  storedPlace,
  type KioskPlace,
  type KioskSetup,
} from './device';
import { PassMode } from './PassMode';
import { RoomCode } from './RoomCode';

/** What a failed setup tells the person holding the tablet. */
const setupFailed = (err: unknown) =>
  err instanceof ApiError && err.status === 401
    ? 'That setup link is not valid any more. Ask for a new one in the admin web.'
    : 'The kiosk could not reach roomkey. Try again.';

/** The door kiosk: the door's rotating code, and a pass mode for people without the app. */
export function App() {
  const [pending] = useState<KioskSetup | null>(() => pendingSetup());
  const [place, setPlace] = useState<KioskPlace | null>(() => (pending ? null : storedPlace()));
  const [error, setError] = useState<string | null>(null);
  const lost = useCallback(() => {
    void endSession();
    setPlace(null);
  }, []);
  const session = useMemo(() => (place ? deviceSession(lost) : null), [place, lost]);
  const [mode, setMode] = useState<'code' | 'pass'>('code');
  const back = useCallback(() => setMode('code'), []);
  const [starting, setStarting] = useState(pending !== null);

  // A setup from the link: its secret goes to the kiosk's server, the rest is kept here.
  useEffect(() => {
    if (!pending) return;
    startSession(pending)
      .then(setPlace, (err: unknown) => setError(setupFailed(err)))
      .finally(() => setStarting(false));
  }, [pending]);

  if (starting) return <main className="kiosk setup">Setting up…</main>;
  if (!place || !session) {
    return (
      <Setup
        error={error}
        onSetup={(s) => {
          setError(null);
          startSession(s).then(setPlace, (err: unknown) => setError(setupFailed(err)));
        }}
      />
    );
  }
  return (
    <main className="kiosk">
      {mode === 'code' ? (
        <>
          <RoomCode session={session} />
          <button type="button" className="pass-button" onClick={() => setMode('pass')}>
            I have a pass
          </button>
        </>
      ) : (
        <PassMode session={session} setup={place} onDone={back} />
      )}
    </main>
  );
}

/** First start: the setup link or text the admin web showed when it registered this kiosk. */
function Setup({
  onSetup,
  error: refused,
}: {
  onSetup: (setup: KioskSetup) => void;
  error: string | null;
}) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const error = invalid ?? refused;
  return (
    <main className="kiosk setup">
      <h1>Set up this door kiosk</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const setup = setupFromLink(text);
          setInvalid(
            setup ? null : 'That is not a kiosk setup link. Copy it again from the admin web.',
          );
          if (setup) onSetup(setup);
        }}
      >
        <label htmlFor="setup">Kiosk setup link</label>
        <textarea id="setup" value={text} onChange={(e) => setText(e.target.value)} rows={4} />
        {error && <p role="alert">{error}</p>}
        <button type="submit">Start</button>
      </form>
    </main>
  );
}
