import * as net from 'node:net';

/**
 * Round-robin TCP in front of an app's instances, as a Kubernetes Service spreads connections
 * over its ready pods: each new connection goes to the next instance, and one that refuses the
 * connection (killed, not started yet) is passed over for the one after it.
 */
export class TcpBalancer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private next = 0;

  constructor(private readonly ports: readonly number[]) {}

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      this.track(client);
      client.pause();
      this.connect(client, this.ports.length);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private connect(client: net.Socket, tries: number): void {
    const port = this.ports[this.next++ % this.ports.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    const refused = () => {
      upstream.destroy();
      if (tries > 1 && !client.destroyed) this.connect(client, tries - 1);
      else client.destroy();
    };
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.removeListener('error', refused);
      this.track(upstream);
      // Either side gone takes the other with it, as a dead pod's connections go.
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
  }
}
