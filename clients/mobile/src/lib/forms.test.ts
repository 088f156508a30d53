import { accessRequestForm, enrolmentForm } from './forms';

class Recorder {
  parts: [string, unknown, string | undefined][] = [];
  append(name: string, value: unknown, fileName?: string) {
    this.parts.push([name, value, fileName]);
  }
}

describe('the forms sent with photos', () => {
  it('an access request carries the code, the challenge, the frame times and the frames, and no room', () => {
    const photo = (n: number) => ({
      uri: `file:///f${n}.jpg`,
      name: `frame-${n}.jpg`,
      type: 'image/jpeg',
    });
    const form = accessRequestForm(new Recorder(), { qr: 'RK1.R.X', challengeId: 'c1' }, [
      { photo: photo(0), at: 1000 },
      { photo: photo(1), at: 1700 },
      { photo: photo(2), at: 2450 },
    ]);
    expect(form.parts.map(([name]) => name)).toEqual([
      'qr',
      'challengeId',
      'frameTimes',
      'face',
      'face',
      'face',
    ]);
    expect(form.parts[2]![1]).toBe('0,700,1450');
    expect(form.parts[3]![1]).toEqual(photo(0));
    expect(form.parts.some(([name]) => name === 'roomId')).toBe(false);
  });

  it('a browser sends the frames as named JPEG blobs', () => {
    const blob = new Blob(['jpeg'], { type: 'image/jpeg' });
    const form = enrolmentForm(new Recorder(), [blob, blob]);
    expect(form.parts).toEqual([
      ['images', blob, 'face-0.jpg'],
      ['images', blob, 'face-1.jpg'],
    ]);
  });
});
