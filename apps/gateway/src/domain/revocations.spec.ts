import { Revocations } from './revocations';

describe('Revocations', () => {
  const now = Date.parse('2026-01-01T12:00:00.500Z');
  const s = (iso: string) => Date.parse(iso) / 1000;

  it('refuses tokens issued up to a disabling, same second included, and none issued later', () => {
    const r = new Revocations(960_000);
    r.revoke('u', now, true, now);
    expect(r.refuses('u', s('2026-01-01T11:50:00Z'), now)).toBe(true);
    expect(r.refuses('u', s('2026-01-01T12:00:00Z'), now)).toBe(true);
    expect(r.refuses('u', s('2026-01-01T12:00:01Z'), now)).toBe(false);
    expect(r.refuses('someone-else', s('2026-01-01T11:50:00Z'), now)).toBe(false);
  });

  it('after a role change keeps a token of the same second (the renewed one)', () => {
    const r = new Revocations(960_000);
    r.revoke('u', now, false, now);
    expect(r.refuses('u', s('2026-01-01T11:59:59Z'), now)).toBe(true);
    expect(r.refuses('u', s('2026-01-01T12:00:00Z'), now)).toBe(false);
  });

  it('keeps the latest revocation, and forgets one no live token can predate', () => {
    const r = new Revocations(960_000);
    r.revoke('u', now, true, now);
    r.revoke('u', now - 60_000, true, now);
    expect(r.refuses('u', s('2026-01-01T11:59:30Z'), now)).toBe(true);
    expect(r.refuses('u', s('2026-01-01T11:59:30Z'), now + 960_000)).toBe(false);
    expect(r.size).toBe(0);
    r.revoke('old', now - 960_000, true, now);
    expect(r.size).toBe(0);
  });
});
