import { toPlanes } from './onnx';

// Two pixels, (R, G, B) = (1, 2, 3) and (4, 5, 6).
const pixels = Uint8Array.from([1, 2, 3, 4, 5, 6]);

describe('toPlanes', () => {
  it('writes the three planes in the order asked', () => {
    expect([...toPlanes(pixels, 2, 1, 'rgb')]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...toPlanes(pixels, 2, 1, 'bgr')]).toEqual([3, 6, 2, 5, 1, 4]);
  });

  it('pads each plane with zeros to the size asked', () => {
    // 2x1 into 3x2 planes: the pixels at the top-left, zeros right of and below them.
    expect([...toPlanes(pixels, 2, 1, 'bgr', undefined, 3, 2)]).toEqual([
      ...[3, 6, 0, 0, 0, 0],
      ...[2, 5, 0, 0, 0, 0],
      ...[1, 4, 0, 0, 0, 0],
    ]);
  });

  it("scales each value by the model's channel it lands in", () => {
    const scale = (v: number, channel: number) => v * 10 + channel;
    expect([...toPlanes(pixels, 2, 1, 'rgb', scale)]).toEqual([10, 40, 21, 51, 32, 62]);
    // BGR: blue goes to channel 0, red to channel 2.
    expect([...toPlanes(pixels, 2, 1, 'bgr', scale)]).toEqual([30, 60, 21, 51, 12, 42]);
  });
});
