import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ScheduleEditor, scheduleProblems, type Window } from './ScheduleEditor';

/** The editor with its state, as a form holds it; `out` shows what it would save. */
function Harness({ initial = [] }: { initial?: Window[] }) {
  const [windows, setWindows] = useState<Window[]>(initial);
  return (
    <>
      <ScheduleEditor value={windows} onChange={setWindows} timeZone="Europe/Paris" />
      <output data-testid="out">{JSON.stringify(windows)}</output>
    </>
  );
}
const saved = () => JSON.parse(screen.getByTestId('out').textContent!) as Window[];

describe('ScheduleEditor', () => {
  afterEach(cleanup);

  it('says no window means any time, in the site’s time zone', () => {
    render(<Harness />);
    expect(screen.getByText('Weekly schedule (Europe/Paris)')).toBeTruthy();
    expect(screen.getByText('Any day, any time.')).toBeTruthy();
  });

  it('adds a weekday window and edits its days and times', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a window' }));
    expect(saved()).toEqual([
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' },
    ]);
    const w = within(screen.getByRole('group', { name: 'Window 1' }));
    fireEvent.click(w.getByLabelText('Sat'));
    fireEvent.click(w.getByLabelText('Mon'));
    fireEvent.change(w.getByLabelText('From'), { target: { value: '07:30' } });
    fireEvent.click(w.getByLabelText('Until midnight'));
    // Days stay in week order whatever order they were ticked in.
    expect(saved()).toEqual([
      { days: ['tue', 'wed', 'thu', 'fri', 'sat'], from: '07:30', to: '24:00' },
    ]);
    expect((w.getByLabelText('To') as HTMLInputElement).disabled).toBe(true);
  });

  it('shows what is wrong instead of letting a window end before it starts or have no day', () => {
    render(<Harness initial={[{ days: ['mon'], from: '18:00', to: '08:00' }]} />);
    expect(screen.getByRole('alert').textContent).toContain(
      'Window 1: the end must be after the start.',
    );
    const w = within(screen.getByRole('group', { name: 'Window 1' }));
    fireEvent.change(w.getByLabelText('To'), { target: { value: '20:00' } });
    fireEvent.click(w.getByLabelText('Mon'));
    expect(screen.getByRole('alert').textContent).toBe('Window 1: choose at least one day.');
  });

  it('removes a window', () => {
    render(
      <Harness
        initial={[
          { days: ['mon'], from: '08:00', to: '12:00' },
          { days: ['sun'], from: '10:00', to: '11:00' },
        ]}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove window 1' }));
    expect(saved()).toEqual([{ days: ['sun'], from: '10:00', to: '11:00' }]);
  });
});

describe('scheduleProblems', () => {
  it('accepts a window up to midnight and refuses empty times', () => {
    expect(scheduleProblems([{ days: ['fri'], from: '22:00', to: '24:00' }])).toEqual([]);
    expect(scheduleProblems([{ days: ['fri'], from: '', to: '10:00' }])).toEqual([
      'Window 1: enter both times.',
    ]);
  });
});
