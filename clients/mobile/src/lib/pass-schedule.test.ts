import { isExpired, renewalDelay, retryDelay, secondsLeft } from './pass-schedule';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const at = (s: number) => new Date(NOW + s * 1000).toISOString();

describe('the pass renewal', () => {
  it('comes when the API says, while the pass is still good', () => {
    expect(renewalDelay({ refreshInSeconds: 45, expiresAt: at(60) }, NOW)).toBe(45_000);
  });

  it('comes before the pass expires when the hint would be too late', () => {
    expect(renewalDelay({ refreshInSeconds: 60, expiresAt: at(60) }, NOW)).toBe(55_000);
  });

  it('never comes sooner than a second, even for a pass about to expire', () => {
    expect(renewalDelay({ refreshInSeconds: 30, expiresAt: at(2) }, NOW)).toBe(1_000);
  });

  it('after failures waits longer each time, up to half a minute', () => {
    expect([0, 1, 2, 3, 4, 9].map(retryDelay)).toEqual([2000, 5000, 10000, 30000, 30000, 30000]);
  });

  it('counts the seconds left and knows when the code no longer opens anything', () => {
    expect(secondsLeft({ expiresAt: at(9.2) }, NOW)).toBe(10);
    expect(isExpired({ expiresAt: at(1) }, NOW)).toBe(false);
    expect(isExpired({ expiresAt: at(0) }, NOW)).toBe(true);
    expect(secondsLeft({ expiresAt: at(-5) }, NOW)).toBe(0);
  });
});
