import { isClosingBanner } from './fuzz';

describe('the fuzz run output', () => {
  it.each([
    // schemathesis's closing banner counts no test: dropped.
    ['============================= 4 warnings in 23.29s =============================', true],
    ['======== 3 errors, 1 warning in 0.5s ========', true],
    // Its summary and section rules stay.
    ['=================================== SUMMARY ====================================', false],
    ['  3070 generated, 3070 passed', false],
    ['Seed: 1', false],
  ])('%j is the closing banner: %s', (line, banner) => {
    expect(isClosingBanner(line)).toBe(banner);
  });
});
