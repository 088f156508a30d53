import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { StackSettings } from '@roomkey/common/config/stack';
import { Daemon, portOpen, waitFor } from './proc';

/** Mosquitto for the locks, on loopback, anonymous (production uses per-lock credentials). */
export class MosquittoServer {
  readonly daemon: Daemon;
  private readonly home: string;

  constructor(private readonly s: StackSettings) {
    this.home = path.join(s.dir, 'mosquitto');
    this.daemon = new Daemon('mosquitto', this.home);
  }

  async start(log?: (m: string) => void): Promise<void> {
    const conf = path.join(this.home, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${this.s.mqtt.port} ${this.s.host}`,
        'allow_anonymous true',
        'persistence false',
        'log_dest stdout',
        'log_type error',
        'log_type warning',
        '',
      ].join('\n'),
    );
    this.daemon.start('/usr/sbin/mosquitto', ['-c', conf]);
    await waitFor(
      `Mosquitto to accept connections at ${this.s.host}:${this.s.mqtt.port}`,
      () => this.ready(),
      { daemon: this.daemon, log },
    );
  }

  ready(): Promise<boolean> {
    return portOpen(this.s.host, this.s.mqtt.port);
  }
}
