import mongoose from 'mongoose';
import ConnectionString from 'mongodb-connection-string-url';
import { isTransient } from '../src/errors';
import { mongoClientOptions } from '../src/db/mongo';
import { freshMongo } from '../../../test/support/auth';
import { TcpProxy } from '../../../test/support/tcp-proxy';

const mongo = freshMongo('roomkey_qr');
let relay: TcpProxy | undefined;
let conn: mongoose.Connection | undefined;

beforeAll(async () => {
  const url = new ConnectionString(mongo.url);
  const [host, port] = url.hosts[0]!.split(':') as [string, string];
  relay = new TcpProxy(host, Number(port));
  url.hosts = [`127.0.0.1:${await relay.start()}`];
  conn = await mongoose.createConnection(url.href, mongoClientOptions(1500)).asPromise();
});

afterAll(async () => {
  await relay?.cut();
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

  // The server takes nothing more from an operation's connection, which signs in on its first
  // message (`saslStart`), while the driver's monitor, which never signs in, still sees it answer.
  relay!.hold((first) => first.includes('saslStart'));
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
