import { mongoUrl } from './mongo';
import { postgresUrl } from './postgres';

describe('mongoUrl', () => {
  it('puts MONGO_PASSWORD into a URL that names its user but carries no password, encoded', () => {
    expect(
      mongoUrl({
        MONGO_URL: 'mongodb://roomkey-auth@m-0:27017,m-1:27017/roomkey_auth?authSource=admin',
        MONGO_PASSWORD: 'p@ss:w/rd',
      }),
    ).toBe(
      'mongodb://roomkey-auth:p%40ss%3Aw%2Frd@m-0:27017,m-1:27017/roomkey_auth?authSource=admin',
    );
  });

  it('keeps the URL as it is when it has a password already, or no user, or none is given', () => {
    for (const MONGO_URL of [
      'mongodb://roomkey-qr:inurl@mongo:27017/roomkey_qr',
      'mongodb://mongo:27017/roomkey_qr',
    ]) {
      expect(mongoUrl({ MONGO_URL, MONGO_PASSWORD: 'other' })).toBe(MONGO_URL);
    }
    expect(mongoUrl({ MONGO_URL: 'mongodb://roomkey-qr@mongo/q' })).toBe(
      'mongodb://roomkey-qr@mongo/q',
    );
  });
});

describe('postgresUrl', () => {
  it('puts DATABASE_PASSWORD into a URL without one, encoded, and keeps one that has it', () => {
    const DATABASE_URL = 'postgres://roomkey_face@pg-rw:5432/roomkey_face?sslmode=disable';
    expect(postgresUrl({ DATABASE_URL, DATABASE_PASSWORD: 'a/b@c' })).toBe(
      'postgres://roomkey_face:a%2Fb%40c@pg-rw:5432/roomkey_face?sslmode=disable',
    );
    expect(postgresUrl({ DATABASE_URL })).toBe(DATABASE_URL);
    const withPassword = 'postgres://roomkey_face:inurl@pg-rw/roomkey_face';
    expect(postgresUrl({ DATABASE_URL: withPassword, DATABASE_PASSWORD: 'x' })).toBe(withPassword);
  });
});
