import { shrinkBy } from './geometry';

/** A width x height RGB image whose pixel (x, y) is (x + 10 y, 100 + x, 200 - y). */
function ramp(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x + 10 * y, 100 + x, 200 - y], (y * width + x) * 3);
  }
  return { data, width, height };
}

describe('shrinkBy', () => {
  it('returns the image itself for a factor of 1', () => {
    const image = ramp(3, 2);
    expect(shrinkBy(image, 1)).toBe(image);
  });

  it('averages each k x k block, channel by channel, rounding half up', () => {
    // 4x2 by 2: blocks x 0-1 and 2-3 over rows 0-1.
    const small = shrinkBy(ramp(4, 2), 2);
    expect([small.width, small.height]).toEqual([2, 1]);
    // Red (0 + 1 + 10 + 11) / 4 = 5.5 -> 6; green 100.5 -> 101; blue 199.5 -> 200.
    expect([...small.data]).toEqual([6, 101, 200, 8, 103, 200]);
  });

  it('drops the columns and rows past the last whole block', () => {
    const small = shrinkBy(ramp(7, 5), 3);
    expect([small.width, small.height, small.data.length]).toEqual([2, 1, 6]);
    // The first block covers x 0-2, y 0-2: red mean (0+1+2 + 10+11+12 + 20+21+22) / 9 = 11.
    expect(small.data[0]).toBe(11);
  });
});
