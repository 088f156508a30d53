import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { StackSettings } from '@roomkey/common/config/stack';
import { Daemon, portOpen, run, waitFor } from './proc';

const MAIN_GO = path.join(__dirname, 'ferretdb', 'main.go');

/**
 * FerretDB 1.x speaks the MongoDB wire protocol over SQLite files. It is built from the Go
 * module proxy as a small command of ours (`ferretdb/main.go`) around FerretDB's embeddable
 * package: FerretDB's own command, built outside its checkout, panics at start for want of a
 * version file that only its build tooling generates.
 */
export class FerretDbServer {
  private readonly home: string;
  private readonly bin: string;
  readonly daemon: Daemon;

  constructor(private readonly s: StackSettings) {
    this.home = path.join(s.dir, 'ferretdb');
    // The binary's name carries the version and the wrapper's hash: a change to either rebuilds.
    const wrapper = createHash('sha256').update(readFileSync(MAIN_GO)).digest('hex').slice(0, 12);
    this.bin = path.join(s.cacheDir, `ferretdb-${s.mongo.ferretdbVersion}-${wrapper}`, 'ferretdb');
    this.daemon = new Daemon('ferretdb', this.home);
  }

  /** Whether the binary is in the cache. */
  installed(): boolean {
    return existsSync(this.bin);
  }

  /** Builds the binary into the cache: awaited `go` commands, the result renamed into place. */
  async install(): Promise<void> {
    if (this.installed()) return;
    const build = `${path.dirname(this.bin)}.partial-${process.pid}`;
    rmSync(build, { recursive: true, force: true });
    mkdirSync(build, { recursive: true });
    const mod = 'github.com/FerretDB/FerretDB';
    writeFileSync(path.join(build, 'go.mod'), 'module local/roomkey-ferretdb\n\ngo 1.22\n');
    copyFileSync(MAIN_GO, path.join(build, 'main.go'));
    const env = { ...process.env, CGO_ENABLED: '0' };
    try {
      await run('go', ['get', `${mod}/ferretdb@${this.s.mongo.ferretdbVersion}`], {
        cwd: build,
        env,
      });
      await run('go', ['mod', 'tidy'], { cwd: build, env });
      await run('go', ['build', '-trimpath', '-o', path.join(build, 'ferretdb'), '.'], {
        cwd: build,
        env,
      });
      mkdirSync(path.dirname(this.bin), { recursive: true });
      renameSync(path.join(build, 'ferretdb'), this.bin);
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  }

  async start(log?: (m: string) => void): Promise<void> {
    const data = path.join(this.home, 'data');
    mkdirSync(data, { recursive: true });
    this.daemon.start(this.bin, [
      `-sqlite-url=file:${data}/`,
      `-listen-addr=${this.s.host}:${this.s.mongo.port}`,
      '-log-level=warn',
    ]);
    await waitFor(
      `FerretDB to accept connections at ${this.s.host}:${this.s.mongo.port}`,
      () => this.ready(),
      { daemon: this.daemon, log },
    );
  }

  ready(): Promise<boolean> {
    return portOpen(this.s.host, this.s.mongo.port);
  }
}
