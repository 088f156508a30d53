import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Reads a QR image with an independent decoder: zbarimg from Debian's zbar-tools. */
export async function zbarDecode(png: Buffer): Promise<string> {
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
