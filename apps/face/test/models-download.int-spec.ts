import { createServer, Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { downloadModels } from '../../../scripts/models';
import { MODEL_FILES } from '../src/adapters/model-files';
import { MODEL_DIR } from '../../../test/support/face';

/** A mirror on loopback serving files from a folder, optionally with one file swapped. */
async function mirror(swap?: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const name = path.basename(decodeURIComponent(req.url ?? ''));
    readFile(path.join(MODEL_DIR, name))
      .then((bytes) => {
        res.writeHead(200);
        res.end(name === swap ? Buffer.concat([bytes.subarray(0, -1), Buffer.from([0])]) : bytes);
      })
      .catch(() => {
        res.writeHead(404);
        res.end();
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/models`, server };
}

describe('npm run models:download', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'roomkey-models-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('fetches every model and checks it, and keeps files that are already right', async () => {
    const { url, server } = await mirror();
    try {
      const lines: string[] = [];
      await downloadModels(dir, { from: url, log: (l) => lines.push(l) });
      expect((await readdir(dir)).sort()).toEqual(MODEL_FILES.map((m) => m.file).sort());
      expect(lines.every((l) => l.startsWith('fetched'))).toBe(true);
      lines.length = 0;
      await downloadModels(dir, { from: url, log: (l) => lines.push(l) });
      expect(lines.every((l) => l.startsWith('ok'))).toBe(true);
    } finally {
      server.close();
    }
  });

  it('refuses a file whose checksum is not the pinned one, and leaves nothing of it', async () => {
    const bad = MODEL_FILES[1]!.file;
    const { url, server } = await mirror(bad);
    try {
      await writeFile(path.join(dir, 'unrelated.txt'), 'x');
      await expect(downloadModels(dir, { from: url, log: () => undefined })).rejects.toThrow(
        `${bad}: got`,
      );
      expect(await readdir(dir)).not.toContain(bad);
      expect((await readdir(dir)).some((f) => f.endsWith('.partial'))).toBe(false);
    } finally {
      server.close();
    }
  });
});
