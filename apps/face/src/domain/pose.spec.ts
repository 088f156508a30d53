import type { Point } from './geometry';
import { estimatePose } from './pose';

/**
 * The five landmarks of a rigid model head turned by `yaw` (to the person's left) and nodded by
 * `pitch` (up) degrees, in image coordinates (x to the right, y down), the eyes 1 apart: the
 * eyes and mouth in one plane, the nose tip half that distance in front of it.
 */
function head(yaw: number, pitch: number): Point[] {
  const model: [number, number, number][] = [
    [-0.5, 0, 0],
    [0.5, 0, 0],
    [0, 0.655, 0.5],
    [-0.41, 1.156, 0],
    [0.41, 1.156, 0],
  ];
  const a = (yaw * Math.PI) / 180;
  const b = (pitch * Math.PI) / 180;
  return model.map(([x, y, d]) => {
    const x1 = x * Math.cos(a) + d * Math.sin(a);
    const d1 = d * Math.cos(a) - x * Math.sin(a);
    return [100 + 80 * x1, 100 + 80 * (y * Math.cos(b) - d1 * Math.sin(b))] as const;
  });
}

describe('estimatePose', () => {
  it('reads a frontal face as frontal, and a face whose nose sits nearer the mouth as looking down', () => {
    const { yaw, pitch } = estimatePose(head(0, 0));
    expect(Math.abs(yaw)).toBeLessThan(0.5);
    expect(Math.abs(pitch)).toBeLessThan(0.5);
    const [re, le, nose, rm, lm] = head(0, 0);
    expect(estimatePose([re!, le!, [nose![0], nose![1] + 8], rm!, lm!]).pitch).toBeLessThan(-5);
  });

  it.each([
    [0, 0],
    [20, 0],
    [-20, 0],
    [35, 0],
    [0, 15],
    [0, -15],
    [15, 10],
  ])('recovers a head turned %d° and nodded %d° within 3°', (yaw, pitch) => {
    const pose = estimatePose(head(yaw, pitch));
    expect(Math.abs(pose.yaw - yaw)).toBeLessThan(3);
    expect(Math.abs(pose.pitch - pitch)).toBeLessThan(3);
  });

  it('does not change with a tilted head, a larger face or where it is in the image', () => {
    const turned = head(20, 10);
    const r = Math.PI / 6;
    const rolled = turned.map(
      ([x, y]) =>
        [
          50 + 2 * (x * Math.cos(r) - y * Math.sin(r)),
          7 + 2 * (x * Math.sin(r) + y * Math.cos(r)),
        ] as const,
    );
    const a = estimatePose(turned);
    const b = estimatePose(rolled);
    expect(b.yaw).toBeCloseTo(a.yaw, 6);
    expect(b.pitch).toBeCloseTo(a.pitch, 6);
  });

  it('reads a mirrored image as turned the other way', () => {
    const turned = head(20, 0);
    // Mirroring swaps which eye and mouth corner comes first, as the detector names them by side.
    const [re, le, nose, rm, lm] = turned.map(([x, y]) => [200 - x, y] as const);
    expect(estimatePose([le!, re!, nose!, lm!, rm!]).yaw).toBeCloseTo(-estimatePose(turned).yaw, 6);
  });

  it.each([-0.4, -0.2, 0.2, 0.4])(
    'reads a frontal photo sheared sideways (x += %d·y) as frontal: a warped photo is not a turned head',
    (k) => {
      // Any affine warp keeps the nose on the line from the eyes' midpoint to the mouth's.
      const sheared = head(0, 0).map(([x, y]) => [x + k * y, y] as const);
      expect(Math.abs(estimatePose(sheared).yaw)).toBeLessThan(3);
      // A photo stretched across, or a turned head's photo sheared back, are not read as more turned either.
      const stretched = head(0, 0).map(([x, y]) => [1.5 * x + k * y, y] as const);
      expect(Math.abs(estimatePose(stretched).yaw)).toBeLessThan(3);
    },
  );

  it('does not fail on degenerate landmarks', () => {
    const p: Point = [5, 5];
    expect(estimatePose([p, p, p, p, p])).toEqual({ yaw: 0, pitch: 0 });
  });
});
