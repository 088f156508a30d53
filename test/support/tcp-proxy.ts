import * as net from 'node:net';

/**
 * A TCP proxy in front of a real server, so a test can make a dependency go away (cut) and come
 * back (restore) without stopping the server other tests use.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** While set, which connections lose what their clients send (by their first bytes). */
  private holding?: (first: Buffer) => boolean;
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
      let first: Buffer | undefined;
      client.on('data', (chunk: Buffer) => {
        first ??= chunk;
        if (!this.holding?.(first)) upstream.write(chunk);
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
   * connections stay open: a request sent now is never answered, until `restore`. `which`, given
   * a connection's first bytes, holds only the connections it picks.
   */
  hold(which: (first: Buffer) => boolean = () => true): void {
    this.holding = which;
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
    this.holding = undefined;
    await this.start(this.port);
  }
}
