import { Agent, createServer, get, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpDrain } from './drain';

describe('HttpDrain', () => {
  let server: Server;
  let drain: HttpDrain;
  let agent: Agent;
  let held: (() => void) | undefined;
  let arrived: (() => void) | undefined;

  beforeEach(async () => {
    drain = new HttpDrain();
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    server = createServer((req, res) =>
      drain.middleware(req, res, () => {
        const answer = () => res.end('ok');
        if (req.url === '/held') {
          held = answer;
          arrived?.();
        } else answer();
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  afterEach(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const ask = (path: string) =>
    new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      }).on('error', reject);
    });

  it('keeps connections alive until the drain begins, then closes each after its answer', async () => {
    expect((await ask('/')).connection).toBe('keep-alive');
    drain.begin();
    expect((await ask('/')).connection).toBe('close');
  });

  it('closes the connection of an answer still pending when the drain begins', async () => {
    const waiting = new Promise<void>((r) => (arrived = r));
    const answer = ask('/held');
    await waiting;
    drain.begin();
    held!();
    expect((await answer).connection).toBe('close');
  });
});
