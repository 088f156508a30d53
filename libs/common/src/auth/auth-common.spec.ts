import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { devKeysEnv } from '../config/fragments';
import { parseConfig } from '../config/parse';
import { Keyring, keyringOrDevelopment } from '../crypto/keyring';
import type { TokenRole } from '@roomkey/contracts';
import { mayReadAccessRequest, reasonsFor } from './access-request-readers';
import { Principal, principalFromClaims } from './principal';

const claims = {
  iss: 'urn:roomkey:auth',
  aud: 'urn:roomkey:api',
  sub: '0b6c1f8e-2d3a-4b5c-9d8e-7f6a5b4c3d2e',
  jti: '1b6c1f8e-2d3a-4b5c-9d8e-7f6a5b4c3d2e',
  iat: 1,
  nbf: 1,
  exp: 2,
};

describe('principal from verified claims', () => {
  it('a user keeps their roles and has no doors', () => {
    expect(principalFromClaims({ ...claims, roles: ['member'], doors: ['x'] })).toMatchObject({
      kind: 'user',
      roles: ['member'],
      doors: [],
    });
  });
  it('a device is only a device, whatever else the token lists', () => {
    const p = principalFromClaims({ ...claims, roles: ['device', 'admin'], doors: [claims.sub] });
    expect(p).toMatchObject({ kind: 'device', roles: ['device'], doors: [claims.sub] });
  });
});

describe('keyring (AES-256-GCM)', () => {
  const key = () => randomBytes(32).toString('base64');
  it('round-trips, and a second key still opens what the first sealed', () => {
    const old = `k1:${key()}`;
    const sealed = new Keyring(old).seal(Buffer.from('secret'), 'ctx');
    expect(sealed.ciphertext).not.toContain(Buffer.from('secret').toString('base64'));
    const rotated = new Keyring(`k2:${key()},${old}`);
    expect(rotated.open(sealed, 'ctx').toString()).toBe('secret');
    expect(rotated.seal(Buffer.from('x'), 'ctx').keyId).toBe('k2');
  });
  it('refuses a wrong context, a flipped bit or an unknown key', () => {
    const ring = new Keyring(`k1:${key()}`);
    const sealed = ring.seal(Buffer.from('secret'), 'ctx');
    expect(() => ring.open(sealed, 'other')).toThrow();
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0]! ^= 1;
    expect(() => ring.open({ ...sealed, ciphertext: flipped.toString('base64') }, 'ctx')).toThrow();
    expect(() => new Keyring(`k9:${key()}`).open(sealed, 'ctx')).toThrow(/unknown key/);
  });
  it('rejects a key that is not 32 bytes', () => {
    expect(() => new Keyring(`k1:${randomBytes(16).toString('base64')}`)).toThrow();
  });
  it('fails closed: no keyring and no ROOMKEY_DEV_KEYS=1 is no start, whatever NODE_ENV says', () => {
    for (const env of [{}, { NODE_ENV: 'development' }, { NODE_ENV: 'staging' }]) {
      const { ROOMKEY_DEV_KEYS } = parseConfig('qr', z.object(devKeysEnv()), env);
      expect(() => keyringOrDevelopment('qr', 'QR_KEYRING', undefined, ROOMKEY_DEV_KEYS)).toThrow(
        /QR_KEYRING: required/,
      );
    }
    const { ROOMKEY_DEV_KEYS } = parseConfig('qr', z.object(devKeysEnv()), {
      ROOMKEY_DEV_KEYS: '1',
    });
    expect(keyringOrDevelopment('qr', 'QR_KEYRING', undefined, ROOMKEY_DEV_KEYS).currentKeyId).toBe(
      'dev',
    );
  });
});

describe('who reads an access request', () => {
  const user = (id: string, roles: TokenRole[] = ['member']): Principal => ({
    kind: 'user',
    id,
    roles,
    doors: [],
    tokenId: 't',
  });
  const kiosk = (id: string, doors: string[]): Principal => ({
    kind: 'device',
    id,
    roles: ['device'],
    doors,
    tokenId: 't',
  });
  const owner = { requesterId: 'member-1', doorId: 'door-1' };

  it('its requester, a kiosk of its door, admin and security; nobody else', () => {
    expect(mayReadAccessRequest(user('member-1'), owner)).toBe(true);
    expect(mayReadAccessRequest(kiosk('kiosk-9', ['door-1']), owner)).toBe(true);
    expect(mayReadAccessRequest(user('a', ['admin']), owner)).toBe(true);
    expect(mayReadAccessRequest(user('s', ['security']), owner)).toBe(true);
    expect(mayReadAccessRequest(user('member-2'), owner)).toBe(false);
    expect(mayReadAccessRequest(kiosk('kiosk-8', ['door-2']), owner)).toBe(false);
    expect(mayReadAccessRequest(kiosk('kiosk-8', ['door-2']), { doorId: 'door-1' })).toBe(false);
    expect(mayReadAccessRequest(user('member-1'), {})).toBe(false);
  });

  it('tells a requester one face reason, and staff the precise ones', () => {
    const reasons = ['face-spoof', 'face-low-quality', 'no-permission'];
    expect(reasonsFor(user('member-1'), reasons)).toEqual(['face-not-verified', 'no-permission']);
    expect(reasonsFor('requester', ['face-no-match'])).toEqual(['face-not-verified']);
    expect(reasonsFor(user('s', ['security']), reasons)).toEqual(reasons);
  });

  it('tells a requester that the door requires active liveness, so it can answer a challenge', () => {
    expect(reasonsFor('requester', ['face-liveness-not-active'])).toEqual([
      'face-liveness-not-active',
    ]);
  });
});
