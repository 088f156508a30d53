import * as net from 'node:net';
import { portsFree } from './cli';

const listening = () =>
  new Promise<net.Server>((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;
const stack = { host: '127.0.0.1', dir: '/tmp/a-stack', profile: 'test' as const };

describe('starting a server of the stack', () => {
  it('stops with one line when its port is taken by a process the stack did not start', async () => {
    const other = await listening();
    try {
      await expect(portsFree(stack, { name: 'kafka', ports: [portOf(other)] })).rejects.toThrow(
        `kafka: port ${portOf(other)} on 127.0.0.1 is taken by a process this stack (/tmp/a-stack) did not start`,
      );
    } finally {
      other.close();
    }
  }, 10_000);

  it('goes ahead when its ports are free', async () => {
    const gone = await listening();
    const port = portOf(gone);
    await new Promise((r) => gone.close(r));
    await expect(portsFree(stack, { name: 'kafka', ports: [port] })).resolves.toBeUndefined();
  });
});
