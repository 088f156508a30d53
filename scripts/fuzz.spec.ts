import { isClosingBanner } from './fuzz';

describe('the fuzz run output', () => {
  it("drops schemathesis's closing banner, which counts no test", () => {
    expect(
      isClosingBanner(
        '============================= 4 warnings in 23.29s =============================',
      ),
    ).toBe(true);
    expect(isClosingBanner('======== 3 errors, 1 warning in 0.5s ========')).toBe(true);
  });

  it('keeps the summary and section rules', () => {
    expect(
      isClosingBanner(
        '=================================== SUMMARY ====================================',
      ),
    ).toBe(false);
    expect(isClosingBanner('  3070 generated, 3070 passed')).toBe(false);
    expect(isClosingBanner('Seed: 1')).toBe(false);
  });
});
