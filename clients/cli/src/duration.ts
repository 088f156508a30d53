import { usage } from './errors';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * An instant on the command line: an ISO 8601 date-time, or a duration from now such as `30m`,
 * `8h`, `2d` (`-2d` for two days ago), or `now`.
 */
export function parseInstant(text: string, what: string, now = Date.now()): Date {
  const t = text.trim();
  if (t === 'now') return new Date(now);
  const rel = /^([+-]?)(\d+)([smhdw])$/.exec(t);
  if (rel) {
    const sign = rel[1] === '-' ? -1 : 1;
    return new Date(now + sign * Number(rel[2]) * UNITS[rel[3]!]! * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) {
    const d = new Date(t);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw usage(
    `${what}: not a date or duration: ${text} (an ISO date-time such as 2026-05-01T09:00:00Z, or 30m, 8h, -2d, now)`,
  );
}

/** A whole number within bounds, from an option. */
export function parseCount(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw usage(`${what}: a whole number from ${min} to ${max}, not ${text}`);
  return n;
}
