import { SingleBar } from 'cli-progress';

/** Where a command's output goes: people read lines, scripts read JSON (`--json`). */
export interface Output {
  readonly json: boolean;
  /** A line for people; left out with --json. */
  line(text: string): void;
  /** A note on stderr (progress, what happened), in both modes. */
  note(text: string): void;
  /** The command's result: JSON with --json, otherwise `human` decides what to print. */
  result<T>(value: T, human?: (value: T) => void): void;
  /** One record of a stream: a JSON line with --json. */
  record<T>(value: T, human: (value: T) => string): void;
  /** Text as it is, on stdout (a file's content: CSV, JSON). */
  write(text: string | Uint8Array): boolean;
  /**
   * A progress bar on stderr when it is a terminal; `total` may grow, ETA from the rate so far.
   * `records`: the command prints records on stdout meanwhile, so the bar shows only when
   * stdout goes elsewhere (a file, a pipe), not to the same terminal.
   */
  progress(label: string, total: number, options?: { records?: boolean }): Progress;
}

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function makeOutput(json: boolean, streams: Streams = process): Output {
  const write = (s: NodeJS.WritableStream, text: string) => void s.write(`${text}\n`);
  return {
    json,
    line: (text) => {
      if (!json) write(streams.stdout, text);
    },
    note: (text) => write(streams.stderr, text),
    result(value, human) {
      if (json) write(streams.stdout, JSON.stringify(value, null, 2));
      else if (human) human(value);
    },
    record(value, human) {
      write(streams.stdout, json ? JSON.stringify(value) : human(value));
    },
    write: (text) => streams.stdout.write(text),
    progress(label, total, options = {}) {
      if (!streams.stderr.isTTY || (options.records && streams.stdout.isTTY)) return NO_PROGRESS;
      const bar = new SingleBar({
        stream: streams.stderr,
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, about {eta_formatted} left`,
        etaBuffer: 50,
        hideCursor: true,
        clearOnComplete: false,
      });
      bar.start(Math.max(total, 1), 0);
      return {
        update(done, newTotal) {
          if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, 1));
          bar.update(done);
        },
        stop: () => bar.stop(),
      };
    },
  };
}

/** Fixed-width columns for a list on a terminal. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
