import { useCallback, useMemo, useState } from 'react';
import { deviceSession, loadSetup, saveSetup, setupFromLink, type KioskSetup } from './device';
import { PassMode } from './PassMode';
import { RoomCode } from './RoomCode';

/** The door kiosk: the door's rotating code, and a pass mode for people without the app. */
export function App() {
  const [setup, setSetup] = useState<KioskSetup | null>(() => loadSetup());
  const session = useMemo(() => (setup ? deviceSession(setup) : null), [setup]);
  const [mode, setMode] = useState<'code' | 'pass'>('code');
  const back = useCallback(() => setMode('code'), []);

  if (!setup || !session) {
    return (
      <Setup
        onSetup={(s) => {
          saveSetup(s);
          setSetup(s);
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
        <PassMode session={session} setup={setup} onDone={back} />
      )}
    </main>
  );
}

/** First start: the setup link or text the admin web showed when it registered this kiosk. */
function Setup({ onSetup }: { onSetup: (setup: KioskSetup) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="kiosk setup">
      <h1>Set up this door kiosk</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const setup = setupFromLink(text);
          if (setup) onSetup(setup);
          else setError('That is not a kiosk setup link. Copy it again from the admin web.');
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
