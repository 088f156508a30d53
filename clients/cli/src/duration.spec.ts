import { CliError } from './errors';
import { parseCount, parseInstant } from './duration';

describe('parseInstant', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  it.each([
    ['now', '2026-05-01T12:00:00.000Z'],
    ['30m', '2026-05-01T12:30:00.000Z'],
    ['+8h', '2026-05-01T20:00:00.000Z'],
    ['-2d', '2026-04-29T12:00:00.000Z'],
    ['1w', '2026-05-08T12:00:00.000Z'],
    ['2026-06-01T09:00:00Z', '2026-06-01T09:00:00.000Z'],
    ['2026-06-01T09:00:00+02:00', '2026-06-01T07:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseInstant(text, '--until', now).toISOString()).toBe(iso);
  });

  it.each(['tomorrow', '2026-13-45T00:00:00Z', '5 days', ''])(
    'refuses %p as a usage error',
    (text) => {
      expect(() => parseInstant(text, '--until', now)).toThrow(CliError);
      expect(() => parseInstant(text, '--until', now)).toThrow(/--until: not a date or duration/);
    },
  );
});

describe('parseCount', () => {
  it('takes whole numbers within bounds only', () => {
    expect(parseCount('3', '--uses', 1, 1000)).toBe(3);
    for (const bad of ['0', '1001', '2.5', 'x']) {
      expect(() => parseCount(bad, '--uses', 1, 1000)).toThrow(
        '--uses: a whole number from 1 to 1000',
      );
    }
  });
});
