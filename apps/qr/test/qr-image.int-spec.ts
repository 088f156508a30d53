import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as QRCode from 'qrcode';
import { roomCode } from '../src/domain/codes';

const run = promisify(execFile);

/** An independent reader: zbarimg from Debian's zbar-tools (the local stack installs it). */
async function zbarDecode(png: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roomkey-qr-'));
  try {
    const file = path.join(dir, 'code.png');
    await writeFile(file, png);
    const { stdout } = await run('zbarimg', ['--raw', '-q', file]);
    return stdout.replace(/\n$/, '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('room code images', () => {
  it('decode with zbarimg to the exact payload, for many doors and steps', async () => {
    for (let i = 0; i < 10; i++) {
      const payload = roomCode(randomUUID(), randomBytes(32), new Date(Date.now() + i * 30_000));
      const png = await QRCode.toBuffer(payload, {
        errorCorrectionLevel: 'M',
        margin: 4,
        scale: 4,
      });
      expect(await zbarDecode(png)).toBe(payload);
    }
  });
});
