import { randomBytes, randomUUID } from 'node:crypto';
import { personalPass, roomCode, visitorPass } from '../src/domain/codes';
import { renderQr } from '../src/services/render';
import { zbarDecode } from '../../../test/support/zbar';

describe('QR images as the app renders them', () => {
  const key = { id: 'K1', secret: randomBytes(32) };
  const soon = (i: number) => new Date(Date.now() + i * 30_000);

  it.each([
    ['room codes', (i: number) => roomCode(randomUUID(), randomBytes(32), soon(i))],
    [
      'personal passes',
      (i: number) => personalPass(key, randomUUID(), soon(i), randomBytes(8).toString('hex')),
    ],
    ['visitor passes', () => visitorPass(key, randomUUID())],
  ])('%s: every PNG decodes with zbarimg to the exact payload', async (_, make) => {
    for (let i = 0; i < 10; i++) {
      const image = await renderQr(make(i));
      expect(await zbarDecode(Buffer.from(image.png, 'base64'))).toBe(image.payload);
      expect(image.svg).toMatch(/^<svg [^>]*viewBox/);
    }
  });
});
