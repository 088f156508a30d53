import * as net from 'node:net';

/**
 * A TCP proxy in front of a real server, so a test can make a dependency go away (cut) and come
 * back (restore) without stopping the server other tests use.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private holding = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      // What a client sends is dropped while holding; what the server sends always goes through.
      client.on('data', (chunk: Buffer) => {
        if (!this.holding) upstream.write(chunk);
      });
      client.on('end', () => upstream.end());
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /**
   * Loses what clients send from now on, as a network dropping packets would, while their
   * connections stay open: a request sent now is never answered, until `restore`.
   */
  hold(): void {
    this.holding = true;
  }

  /** Drops every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server = undefined;
  }

  async restore(): Promise<void> {
    this.holding = false;
    await this.start(this.port);
  }
}
