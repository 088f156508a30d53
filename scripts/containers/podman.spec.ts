import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockBuilds } from './podman';

describe('one images:build at a time', () => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'roomkey-builds-'));
  const lock = path.join(cache, 'containers', 'builds.lock');
  const before = process.env.ROOMKEY_CACHE_DIR;
  beforeAll(() => {
    process.env.ROOMKEY_CACHE_DIR = cache;
    mkdirSync(path.dirname(lock));
  });
  afterAll(() => {
    process.env.ROOMKEY_CACHE_DIR = before;
    rmSync(cache, { recursive: true, force: true });
  });
  afterEach(() => rmSync(lock, { force: true }));

  it('stops with one line while another build holds the storage', () => {
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(lock, String(other.pid));
      expect(() => lockBuilds()).toThrow(
        `another images:build (pid ${other.pid}) is building; wait for it to end`,
      );
      expect(readFileSync(lock, 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it('takes over the lock of a build that no longer runs', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(lock, String(gone.pid));
    lockBuilds();
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
  });

  it('takes the free storage for this process', () => {
    expect(existsSync(lock)).toBe(false);
    lockBuilds();
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
  });
});
