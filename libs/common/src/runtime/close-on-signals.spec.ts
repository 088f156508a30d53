import { EventEmitter } from 'node:events';
import { closeOnSignals, CUT_CONNECTIONS_AFTER_MS, SignalledProcess } from './close-on-signals';

/** A process that records what the app does with it; signals are emitted on it. */
class Proc extends EventEmitter implements SignalledProcess {
  pid = 42;
  killed: NodeJS.Signals[] = [];
  exits: number[] = [];
  kill(_pid: number, signal: NodeJS.Signals) {
    this.killed.push(signal);
  }
  exit(code: number) {
    this.exits.push(code);
  }
}

describe('closeOnSignals', () => {
  let proc: Proc;
  let server: EventEmitter & { closeAllConnections(): void; cut: number };
  let drained: number;
  let closes: number;
  let finishClose: () => void;

  beforeEach(() => {
    jest.useFakeTimers();
    proc = new Proc();
    server = Object.assign(new EventEmitter(), {
      cut: 0,
      closeAllConnections() {
        server.cut++;
      },
    });
    drained = 0;
    closes = 0;
    const app = {
      close: () => {
        closes++;
        server.emit('close');
        return new Promise<void>((r) => (finishClose = r));
      },
    };
    closeOnSignals(app, server, { begin: () => drained++ }, 2000, proc);
  });
  afterEach(() => jest.useRealTimers());

  const settle = () => jest.advanceTimersByTimeAsync(0);

  it('on SIGTERM drains first, closes after the drain, then ends on the signal', async () => {
    proc.emit('SIGTERM', 'SIGTERM');
    expect(drained).toBe(1);
    await jest.advanceTimersByTimeAsync(1999);
    expect(closes).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(closes).toBe(1);
    finishClose();
    await settle();
    expect(proc.killed).toEqual(['SIGTERM']);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('on SIGINT closes at once, and ignores a SIGTERM that comes while it closes', async () => {
    proc.emit('SIGINT', 'SIGINT');
    await settle();
    expect(drained).toBe(0);
    expect(closes).toBe(1);
    // The HTTP server has closed; the app is still closing its consumers and pools.
    expect(proc.listenerCount('SIGTERM')).toBe(1);
    proc.emit('SIGTERM', 'SIGTERM');
    await jest.advanceTimersByTimeAsync(5000);
    expect(closes).toBe(1);
    expect(proc.killed).toEqual([]);
    finishClose();
    await settle();
    expect(proc.killed).toEqual(['SIGINT']);
  });

  it('cuts the connections still open a while into the close', async () => {
    proc.emit('SIGINT', 'SIGINT');
    await jest.advanceTimersByTimeAsync(CUT_CONNECTIONS_AFTER_MS - 1);
    expect(server.cut).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(server.cut).toBe(1);
    finishClose();
    await settle();
    expect(proc.killed).toEqual(['SIGINT']);
  });

  it('cuts nothing when the close ends before', async () => {
    proc.emit('SIGINT', 'SIGINT');
    await settle();
    finishClose();
    await jest.advanceTimersByTimeAsync(CUT_CONNECTIONS_AFTER_MS * 2);
    expect(server.cut).toBe(0);
  });

  it('answers no signal once the app was closed otherwise', () => {
    server.emit('close');
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
});
