import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    this.bin = path.join(this.home, `ferretdb-${s.mongo.ferretdbVersion}-${wrapper}`);
    this.daemon = new Daemon('ferretdb', this.home);
  }

  install(log: (m: string) => void): void {
    if (existsSync(this.bin)) return;
    log(`building FerretDB ${this.s.mongo.ferretdbVersion} from the Go module proxy`);
    const build = path.join(this.home, 'build');
    mkdirSync(build, { recursive: true });
    const mod = 'github.com/FerretDB/FerretDB';
    writeFileSync(path.join(build, 'go.mod'), 'module local/roomkey-ferretdb\n\ngo 1.22\n');
    copyFileSync(MAIN_GO, path.join(build, 'main.go'));
    const env = { ...process.env, CGO_ENABLED: '0' };
    run('go', ['get', `${mod}/ferretdb@${this.s.mongo.ferretdbVersion}`], { cwd: build, env });
    run('go', ['mod', 'tidy'], { cwd: build, env });
    run('go', ['build', '-trimpath', '-o', this.bin, '.'], { cwd: build, env });
  }

  async start(): Promise<void> {
    const data = path.join(this.home, 'data');
    mkdirSync(data, { recursive: true });
    this.daemon.start(this.bin, [
      `-sqlite-url=file:${data}/`,
      `-listen-addr=${this.s.host}:${this.s.mongo.port}`,
      '-log-level=warn',
    ]);
    await waitFor('FerretDB', () => this.ready(), { daemon: this.daemon });
  }

  ready(): Promise<boolean> {
    return portOpen(this.s.host, this.s.mongo.port);
  }
}
