import type { EventEmitter } from 'node:events';
import { ShutdownSignal } from '@nestjs/common';

/** The part of `process` that signals reach an app through. */
export interface SignalledProcess {
  pid: number;
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  kill(pid: number, signal: NodeJS.Signals): unknown;
  exit(code: number): unknown;
}

/**
 * How long the close waits for connections still open (an alert stream, which ends only when
 * its client leaves; a long poll) before it cuts them: their clients connect again elsewhere.
 */
export const CUT_CONNECTIONS_AFTER_MS = 3000;

/**
 * On a signal the app closes its consumers, HTTP, producers and pools (Nest's shutdown hooks),
 * then ends on that signal. SIGTERM, an orchestrator stopping it (a rolling update, a scale-in),
 * first drains HTTP for `drainMs`. A second signal, such as the SIGTERM a launcher sends after
 * the terminal's SIGINT, changes nothing.
 */
export function closeOnSignals(
  app: { close(): Promise<unknown> },
  server: EventEmitter & { closeAllConnections(): void },
  drain: { begin(): void },
  drainMs: number,
  proc: SignalledProcess = process,
): void {
  const signals = Object.values(ShutdownSignal) as NodeJS.Signals[];
  let closing = false;
  const forget = () => signals.forEach((s) => proc.removeListener(s, onSignal));
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const wait = signal === 'SIGTERM' ? drainMs : 0;
    if (wait > 0) drain.begin();
    setTimeout(() => {
      const cut = setTimeout(() => server.closeAllConnections(), CUT_CONNECTIONS_AFTER_MS);
      app.close().then(
        () => {
          clearTimeout(cut);
          forget();
          proc.kill(proc.pid, signal);
        },
        (err: unknown) => {
          console.error(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          proc.exit(1);
        },
      );
    }, wait);
  };
  signals.forEach((s) => proc.on(s, onSignal));
  // An app closed otherwise (tests close theirs) no longer answers signals; one closing on a
  // signal keeps ignoring the next until it ends.
  server.once('close', () => closing || forget());
}
