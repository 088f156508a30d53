/**
 * Weekly time windows in a site's time zone. A window is a set of weekdays and a from/to
 * wall-clock time, `from` inclusive and `to` exclusive (`08:00`–`18:00` ends at 17:59:59.999).
 * A window past midnight is written as two windows. Time zones come from the platform's IANA
 * database through Intl, so daylight saving is the zone's own.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeWindow {
  days: Weekday[];
  /** `HH:MM`, 00:00 to 23:59. */
  from: string;
  /** `HH:MM`, after `from`; 24:00 means the end of the day. */
  to: string;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday and the minute of the day (with seconds as a fraction) at `at` in `timeZone`. */
export function wallClock(at: Date, timeZone: string): { day: Weekday; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
  return {
    day,
    minute: Number(parts.hour) * 60 + Number(parts.minute) + Number(parts.second) / 60,
  };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `at` falls in any of the windows; no windows at all means at any time. */
export function withinWindows(windows: TimeWindow[] | null, at: Date, timeZone: string): boolean {
  if (!windows || windows.length === 0) return true;
  const { day, minute } = wallClock(at, timeZone);
  return windows.some(
    (w) => w.days.includes(day) && minute >= minutes(w.from) && minute < minutes(w.to),
  );
}
