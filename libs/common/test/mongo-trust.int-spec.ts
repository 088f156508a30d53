import mongoose from 'mongoose';
import { MONGO_APPS, mongoEnv, stackSettings } from '@roomkey/common';

/**
 * The local stack's MongoDB API (FerretDB) lets no one in without a user of its own: each app
 * that keeps its data there signs in as `roomkey-<app>`, and a client without credentials, or
 * with the wrong password, cannot read or write anything.
 */
const s = stackSettings();
const appUrl = (app: (typeof MONGO_APPS)[number]) => mongoEnv(app).MONGO_URL.parse(undefined);

/** Inserts one document and reads it back; resolves to 'ok' or the server's refusal. */
async function readWrite(url: string): Promise<string> {
  let conn: mongoose.Connection | undefined;
  try {
    conn = await mongoose
      .createConnection(url, { serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000 })
      .asPromise();
    const things = conn.db!.collection('trust_test');
    const { insertedId } = await things.insertOne({ at: new Date() });
    await things.findOne({ _id: insertedId });
    await things.deleteOne({ _id: insertedId });
    return 'ok';
  } catch (err) {
    const e = err as { codeName?: string; message: string };
    return e.codeName ?? e.message;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

describe('MongoDB API: who may connect', () => {
  it.each(MONGO_APPS)('%s signs in as its own user on its own database', async (app) => {
    const url = new URL(appUrl(app));
    expect(decodeURIComponent(url.username)).toBe(`roomkey-${app}`);
    expect(url.pathname).toBe(`/roomkey_${app}`);
    expect(await readWrite(url.toString())).toBe('ok');
  });

  it('refuses a client without credentials', async () => {
    const anonymous = `mongodb://${s.host}:${s.mongo.port}/roomkey_auth`;
    expect(await readWrite(anonymous)).toBe('Unauthorized');
  });

  it('refuses a client with the wrong password', async () => {
    const url = new URL(appUrl('qr'));
    url.password = 'wrong';
    expect(await readWrite(url.toString())).toBe('AuthenticationFailed');
  });
});
