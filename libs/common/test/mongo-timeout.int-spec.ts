import net from 'node:net';
import mongoose from 'mongoose';
import ConnectionString from 'mongodb-connection-string-url';
import { isTransient } from '../src/errors';
import { mongoClientOptions } from '../src/db/mongo';
import { freshMongo } from '../../../test/support/auth';

/**
 * A relay to the local FerretDB that can stop answering the operations it carries while it still
 * answers the driver's monitor: a server that took an operation and never answers it. The
 * monitor's connections never sign in; an operation's connection does (`saslStart`).
 */
async function relay(target: string) {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<net.Socket>();
  let silent = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    sockets.add(client).add(upstream);
    let signsIn = false;
    client.on('data', (chunk) => {
      signsIn ||= chunk.includes('saslStart');
      if (!(silent && signsIn)) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!(silent && signsIn)) client.write(chunk);
    });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    silence: () => void (silent = true),
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const mongo = freshMongo('roomkey_qr');
let relayed: Awaited<ReturnType<typeof relay>>;
let conn: mongoose.Connection | undefined;

beforeAll(async () => {
  const url = new ConnectionString(mongo.url);
  relayed = await relay(url.hosts[0]!);
  url.hosts = [relayed.address];
  conn = await mongoose.createConnection(url.href, mongoClientOptions(1500)).asPromise();
});

afterAll(async () => {
  relayed?.close();
  await conn?.close(true);
  await mongo.drop();
});

/** What an operation came to within `ms`: an error, "answered", or still nothing. */
const within = (ms: number, op: Promise<unknown>) =>
  Promise.race([
    op.then(
      () => 'answered',
      (err: unknown) => err,
    ),
    new Promise((r) => setTimeout(() => r(`still waiting after ${ms} ms`), ms)),
  ]);

it('fails an operation the server took and never answered, as transient, instead of waiting for ever', async () => {
  const rows = conn!.collection('probes');
  await rows.insertOne({ n: 1 });
  expect(await rows.findOne({ n: 1 })).toMatchObject({ n: 1 });

  relayed.silence();
  // A write is not retried: it fails when its socket has been silent for the timeout.
  const write = await within(8000, rows.insertOne({ n: 2 }));
  expect(write).toBeInstanceOf(Error);
  expect((write as Error).name).toBe('MongoNetworkTimeoutError');
  expect(isTransient(write)).toBe(true);
  // A read goes on a new connection (the write's was closed) and is retried once on another; a
  // silent handshake ends at its own timeout (10 s), so the read fails after about 20 s.
  const read = await within(30_000, rows.findOne({ n: 1 }));
  expect(read).toBeInstanceOf(Error);
  expect(isTransient(read)).toBe(true);
}, 60_000);
