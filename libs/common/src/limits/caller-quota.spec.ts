import { CallerQuota } from './caller-quota';

describe('CallerQuota', () => {
  it('gives each caller up to its share and takes it back once per unit', () => {
    const quota = new CallerQuota(2);
    const a1 = quota.take('a');
    const a2 = quota.take('a');
    expect(a1 && a2).toBeDefined();
    expect(quota.take('a')).toBeUndefined();
    expect(quota.take('b')).toBeDefined();
    a1!();
    a1!();
    expect(quota.heldBy('a')).toBe(1);
    expect(quota.take('a')).toBeDefined();
    expect(quota.take('a')).toBeUndefined();
  });

  it('bounds everyone together', () => {
    const quota = new CallerQuota(5, 3);
    const units = ['a', 'b', 'c'].map((c) => quota.take(c));
    expect(quota.take('d')).toBeUndefined();
    units[0]!();
    expect(quota.inUse).toBe(2);
    expect(quota.take('d')).toBeDefined();
  });

  it('forgets a caller holding nothing', () => {
    const quota = new CallerQuota(1);
    quota.take('a')!();
    expect(quota.heldBy('a')).toBe(0);
    expect(quota.inUse).toBe(0);
  });
});
