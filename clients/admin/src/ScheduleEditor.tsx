import { useId } from 'react';
import type { Schemas } from '@roomkey/sdk';

export type Window = NonNullable<Schemas['CreatePermissionBody']['windows']>[number];
type Day = Window['days'][number];

export const DAYS: Array<{ day: Day; label: string }> = [
  { day: 'mon', label: 'Mon' },
  { day: 'tue', label: 'Tue' },
  { day: 'wed', label: 'Wed' },
  { day: 'thu', label: 'Thu' },
  { day: 'fri', label: 'Fri' },
  { day: 'sat', label: 'Sat' },
  { day: 'sun', label: 'Sun' },
];

export const WEEKDAYS_9_TO_5: Window = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
};

/** What is wrong with a schedule, one line per window; empty when it can be saved. */
export function scheduleProblems(windows: Window[]): string[] {
  return windows.flatMap((w, i) => {
    const problems: string[] = [];
    if (w.days.length === 0) problems.push(`Window ${i + 1}: choose at least one day.`);
    if (!/^\d\d:\d\d$/.test(w.from) || !/^\d\d:\d\d$/.test(w.to)) {
      problems.push(`Window ${i + 1}: enter both times.`);
    } else if (w.from >= w.to) {
      problems.push(`Window ${i + 1}: the end must be after the start.`);
    }
    return problems;
  });
}

/**
 * The weekly schedule of a permission: windows of days and times, in the site's time zone.
 * No window means any time. "Until midnight" ends a window at 24:00.
 */
export function ScheduleEditor({
  value,
  onChange,
  timeZone,
}: {
  value: Window[];
  onChange: (windows: Window[]) => void;
  timeZone: string;
}) {
  const id = useId();
  const set = (i: number, patch: Partial<Window>) =>
    onChange(value.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  const problems = scheduleProblems(value);
  return (
    <fieldset className="schedule">
      <legend>Weekly schedule ({timeZone})</legend>
      {value.length === 0 && <p className="muted">Any day, any time.</p>}
      {value.map((w, i) => (
        <div key={i} className="window" role="group" aria-label={`Window ${i + 1}`}>
          {DAYS.map(({ day, label }) => (
            <label key={day} className="day">
              <input
                type="checkbox"
                checked={w.days.includes(day)}
                onChange={(e) =>
                  set(i, {
                    days: e.target.checked
                      ? DAYS.map((d) => d.day).filter((d) => d === day || w.days.includes(d))
                      : w.days.filter((d) => d !== day),
                  })
                }
              />
              {label}
            </label>
          ))}
          <label htmlFor={`${id}-from-${i}`}>From</label>
          <input
            id={`${id}-from-${i}`}
            type="time"
            value={w.from}
            onChange={(e) => set(i, { from: e.target.value })}
          />
          <label htmlFor={`${id}-to-${i}`}>To</label>
          <input
            id={`${id}-to-${i}`}
            type="time"
            value={w.to === '24:00' ? '' : w.to}
            disabled={w.to === '24:00'}
            onChange={(e) => set(i, { to: e.target.value })}
          />
          <label className="day">
            <input
              type="checkbox"
              checked={w.to === '24:00'}
              onChange={(e) => set(i, { to: e.target.checked ? '24:00' : '23:00' })}
            />
            Until midnight
          </label>
          <button
            type="button"
            onClick={() => onChange(value.filter((_, j) => j !== i))}
            aria-label={`Remove window ${i + 1}`}
          >
            Remove
          </button>
        </div>
      ))}
      <div className="row">
        <button type="button" onClick={() => onChange([...value, { ...WEEKDAYS_9_TO_5 }])}>
          Add a window
        </button>
      </div>
      {problems.length > 0 && (
        <ul className="problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
