import { SpacedRefresh } from './spaced-refresh';

describe('SpacedRefresh', () => {
  it('runs once for many callers, at most once per gap, and each caller sees a run begun after it asked', async () => {
    const starts: number[] = [];
    const refresh = new SpacedRefresh(async () => {
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, 20));
    }, 200);
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => refresh.since(t0)));
    expect(starts).toHaveLength(1);
    const t1 = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => refresh.since(t1)));
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(195);
    expect(starts[1]!).toBeGreaterThanOrEqual(t1);
  });

  it('a failed run rejects its callers and the next caller tries again', async () => {
    let fail = true;
    const refresh = new SpacedRefresh(
      () => (fail ? Promise.reject(new Error('down')) : Promise.resolve()),
      10,
    );
    await expect(refresh.since(Date.now())).rejects.toThrow('down');
    fail = false;
    await expect(refresh.since(Date.now())).resolves.toBeUndefined();
  });
});
