import { shrink, shrunkSize } from './shrink';

describe('a photo before it is sent', () => {
  it('is shrunk to 640 px on its longer side, whichever side that is', () => {
    expect(shrunkSize(1280, 960)).toEqual({ width: 640 });
    expect(shrunkSize(960, 1280)).toEqual({ height: 640 });
    expect(shrunkSize(640, 480)).toBeNull();
  });

  it('is saved as JPEG, resized only when it is larger', async () => {
    const seen: unknown[] = [];
    (globalThis as { __manipulations?: unknown[] }).__manipulations = seen;
    await shrink({ uri: 'file:///a.jpg', width: 1920, height: 1080 });
    await shrink({ uri: 'file:///b.jpg', width: 320, height: 240 });
    expect(seen).toEqual([
      ['file:///a.jpg', [{ resize: { width: 640 } }], { compress: 0.8, format: 'jpeg' }],
      ['file:///b.jpg', [], { compress: 0.8, format: 'jpeg' }],
    ]);
  });
});
