import { useEffect, useState } from 'react';
import { unwrap, type Schemas, type Session } from '@roomkey/sdk';
import { withRetry } from './retry';

/**
 * The door's rotating code, full screen, for members to scan with their phone. A new code is
 * fetched when the countdown ends; while the network is down the last code stays (it is
 * accepted for one more step) and the screen says so.
 */
export function RoomCode({ session }: { session: Session }) {
  const [code, setCode] = useState<Schemas['KioskCode'] | null>(null);
  const [offline, setOffline] = useState(false);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      try {
        const next = await withRetry(
          () => unwrap(session.api.GET('/v1/kiosk/qr')),
          [1000, 2000, 4000],
          () => !stopped && setOffline(true),
        );
        if (stopped) return;
        setCode(next);
        setOffline(false);
        timer = setTimeout(load, Math.max(1000, Date.parse(next.nextAt) - Date.now() + 200));
      } catch {
        if (stopped) return;
        setOffline(true);
        timer = setTimeout(load, 5000);
      }
    };
    void load();
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(tick);
    };
  }, [session]);

  const seconds = code ? Math.max(0, Math.ceil((Date.parse(code.nextAt) - now) / 1000)) : 0;
  return (
    <section className="room-code" aria-label="Door code">
      {code ? (
        <>
          <img
            className="qr"
            alt="Scan this code with the roomkey app"
            data-payload={code.payload}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.svg)}`}
          />
          <p className="countdown" aria-live="polite">
            New code in <strong data-testid="countdown">{seconds}</strong> s
          </p>
          <progress max={30} value={seconds} aria-hidden="true" />
        </>
      ) : (
        <p className="waiting">Getting the door code…</p>
      )}
      {offline && (
        <p className="banner offline" role="status">
          No connection to roomkey. Trying again…
        </p>
      )}
    </section>
  );
}
