import { ADMIN, call, freshMongo, login, startAuth } from '../../../test/support/auth';

/** Instances of the auth app that start together on a new database. */
describe('auth: several instances starting at once', () => {
  it('all start, and the first admin is created once', async () => {
    const mongo = freshMongo('roomkey_auth');
    const started = await Promise.allSettled(
      [1, 2, 3].map(() => startAuth({ MONGO_URL: mongo.url })),
    );
    try {
      expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
      ]);
      const [first] = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const tokens = await login(first!.url, ADMIN.email, ADMIN.password);
      const admins = await call(first!.url, 'GET', '/v1/users', {
        token: tokens.accessToken,
      });
      expect(admins.status).toBe(200);
      expect(JSON.stringify(admins.body).split(ADMIN.email).length - 1).toBe(1);
    } finally {
      await Promise.all(
        started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.app.close()] : [])),
      );
      await mongo.drop();
    }
  });
});
