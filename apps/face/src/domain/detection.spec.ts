import { Detection, fromShrunk } from './detection';

const found: Detection = {
  x: 10,
  y: 20,
  width: 30,
  height: 40,
  score: 0.95,
  landmarks: [
    [0, 0],
    [15, 25],
  ],
};

describe('fromShrunk', () => {
  it('puts shrunk pixel j at the centre of its block, k j + (k - 1) / 2', () => {
    expect(fromShrunk(found, 2)).toEqual({
      x: 20.5,
      y: 40.5,
      width: 60,
      height: 80,
      score: 0.95,
      landmarks: [
        [0.5, 0.5],
        [30.5, 50.5],
      ],
    });
    expect(fromShrunk(found, 3).landmarks[0]).toEqual([1, 1]);
  });

  it('changes nothing for a factor of 1', () => {
    expect(fromShrunk(found, 1)).toEqual(found);
  });
});
