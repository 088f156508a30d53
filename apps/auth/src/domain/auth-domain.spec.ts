import { lockDurationMs, retryAfterSeconds } from './lockout';
import { passwordProblem } from './password-policy';
import { needsRotation, publishedKeys, signingKey } from './signing-keys';

describe('password policy (NIST 800-63B)', () => {
  it.each([
    ['seven ch', null],
    ['1234567', 'at least 8'],
    ['Password123', 'most common'],
    ['QWERTYUIOP', 'most common'],
    ['zzzzzzzzzzzz', 'repeated'],
    ['abcdefghij', 'sequential'],
    ['9876543210', 'sequential'],
  ])('%s → %s', (password, problem) => {
    const found = passwordProblem(password);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it('counts code points, not UTF-16 units, and takes any character', () => {
    expect(passwordProblem('🔑🔑🔑🔑🔑🔑🔑')).toContain('at least 8'); // 7 emoji, 14 units
    expect(passwordProblem('пароль-для-двери')).toBeNull();
    expect(passwordProblem('x'.repeat(255) + 'y')).toBeNull();
  });

  it('has no composition rules', () => {
    expect(passwordProblem('all lower case words')).toBeNull();
  });

  it("rejects the account's own email and name", () => {
    const ctx = ['Ada.Lovelace@example.org', 'Ada Lovelace'];
    expect(passwordProblem('ada.lovelace', ctx)).toContain('email or name');
    expect(passwordProblem('ADA LOVELACE', ctx)).toContain('email or name');
    expect(passwordProblem('ada.lovelace@example.org', ctx)).toContain('email or name');
    expect(passwordProblem('ada lovelace wrote notes', ctx)).toBeNull();
  });
});

describe('lockout backoff', () => {
  const policy = { threshold: 5, baseMs: 60_000, maxMs: 3_600_000 };
  it('doubles per lock and stops at the maximum', () => {
    expect([0, 1, 2, 3, 6, 7, 50].map((n) => lockDurationMs(n, policy))).toEqual([
      60_000, 120_000, 240_000, 480_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });
  it('rounds Retry-After up, never below 1', () => {
    const now = new Date(0);
    expect(retryAfterSeconds(new Date(1500), now)).toBe(2);
    expect(retryAfterSeconds(new Date(0), now)).toBe(1);
  });
});

describe('signing key rotation', () => {
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));
  const k1 = { kid: 'k1', createdAt: at(0) };
  const k2 = { kid: 'k2', createdAt: at(60) };
  const k3 = { kid: 'k3', createdAt: at(120) };
  const ttl = 15 * 60_000;

  it('signs with the newest key', () => {
    expect(signingKey([k1, k3, k2])).toBe(k3);
    expect(signingKey([])).toBeUndefined();
  });

  it('rotates when there is no key or the newest is old enough', () => {
    expect(needsRotation([], at(0), 60_000)).toBe(true);
    expect(needsRotation([k1], at(59), 60 * 60_000)).toBe(false);
    expect(needsRotation([k1], at(60), 60 * 60_000)).toBe(true);
  });

  it('keeps a retired key published until its last token has expired', () => {
    const kids = (now: Date) => publishedKeys([k1, k2, k3], now, ttl).map((k) => k.kid);
    expect(kids(at(120))).toEqual(['k3', 'k2']);
    expect(kids(at(134))).toEqual(['k3', 'k2']);
    expect(kids(at(135))).toEqual(['k3']);
  });
});
