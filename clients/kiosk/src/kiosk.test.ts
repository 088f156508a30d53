import { describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError } from '@roomkey/sdk';
import { parseSetup, setupFromLink } from './device';
import { burstForm, promptsOf } from './challenge';
import { withRetry } from './retry';
import { isPassCode } from './scanner-rules';

describe('withRetry', () => {
  it('tries again through network blips and tells the screen', async () => {
    const call = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new NetworkError(new TypeError('down')))
      .mockRejectedValueOnce(new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'later'))
      .mockResolvedValue('ok');
    const retries: number[] = [];
    await expect(withRetry(call, [1, 1, 1], (n) => retries.push(n))).resolves.toBe('ok');
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after the last delay', async () => {
    const call = vi.fn(() => Promise.reject(new NetworkError(new TypeError('down'))));
    await expect(withRetry(call, [1, 1])).rejects.toBeInstanceOf(NetworkError);
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('does not repeat a request the API refused', async () => {
    const call = vi.fn(() => Promise.reject(new ApiError(403, 'DOOR_NOT_IN_SCOPE', 'no')));
    await expect(withRetry(call, [1, 1])).rejects.toBeInstanceOf(ApiError);
    expect(call).toHaveBeenCalledTimes(1);
  });
});

describe('the kiosk setup', () => {
  const good = {
    deviceId: '3a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a',
    secret: 's3cret',
    doorId: '4a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a',
    roomId: '5a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a',
  };
  it('takes a complete setup and refuses anything else', () => {
    expect(parseSetup(good)).toEqual(good);
    expect(parseSetup({ ...good, doorId: 'front' })).toBeNull();
    expect(parseSetup({ ...good, secret: '' })).toBeNull();
    expect(parseSetup('x')).toBeNull();
  });
  it('reads the setup link the admin web shows, or its code alone', () => {
    const code = Buffer.from(JSON.stringify(good)).toString('base64url');
    expect(setupFromLink(`http://kiosk.local:3101/#setup=${code}`)).toEqual(good);
    expect(setupFromLink(` ${code}\n`)).toEqual(good);
    expect(setupFromLink('http://kiosk.local:3101/#setup=not-base64-json')).toBeNull();
    expect(setupFromLink('')).toBeNull();
  });
});

describe('isPassCode', () => {
  it('takes a pass and leaves the door’s own code alone', () => {
    expect(isPassCode('RK1.P.K1.abc.def')).toBe(true);
    expect(isPassCode('RK1.R.door.123.mac')).toBe(false);
    expect(isPassCode('https://example.com')).toBe(false);
  });
});

describe('an active liveness challenge', () => {
  it('prompts a frontal look, then each pose in order, in the person’s own left and right', () => {
    expect(promptsOf({ poses: ['left', 'up', 'right'] })).toEqual([
      'Look straight at the camera.',
      'Turn your head to your left.',
      'Tilt your head up.',
      'Turn your head to your right.',
    ]);
  });

  it('sends the frames in order as `face`, with their times since the first', async () => {
    const frames = [1000, 1710.4, 3020].map((at, i) => ({ blob: new Blob([`f${i}`]), at }));
    const fields = { roomId: 'r', doorId: 'd', qr: 'RK1.P.x', challengeId: 'c' };
    const form = burstForm(fields, frames);
    expect(form.get('challengeId')).toBe('c');
    expect(form.get('frameTimes')).toBe('0,710,2020');
    const sent = form.getAll('face') as Blob[];
    expect(await Promise.all(sent.map((b) => b.text()))).toEqual(['f0', 'f1', 'f2']);
  });
});
