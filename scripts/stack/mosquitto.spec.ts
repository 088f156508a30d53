import { ACCESS_ACLS, withStackClients } from './mosquitto';

/** A client as `mosquitto_ctrl dynsec init` wrote it, for the password `adminpw`. */
const MADE_BY_MOSQUITTO = {
  username: 'roomkey-admin',
  password:
    'Kc55xWcEUwEe/s81/WJbUHSb+pnN3vU827fEKTOPX9B+jvk2iwX0NDfBRsOCXFrFqOUJ22N68uv7P/cBjdfJtg==',
  salt: '1TZUstO6ayIo+VmY',
  iterations: 101,
  roles: [{ rolename: 'admin' }],
};
const LOCK = { username: 'lock-L', clientid: 'roomkey-lock-L', roles: [{ rolename: 'lock-L' }] };
const LOCK_ROLE = { rolename: 'lock-L', acls: [] };

describe("the stack's clients in the broker's dynamic security file", () => {
  it('denies by default and gives the access app only its role', () => {
    const file = withStackClients(undefined, { 'roomkey-admin': 'a', 'roomkey-access': 'b' });
    expect(file.defaultACLAccess).toEqual({
      publishClientSend: false,
      publishClientReceive: true,
      subscribe: false,
      unsubscribe: true,
    });
    expect(file.clients.map((c) => [c.username, c.roles])).toEqual([
      ['roomkey-admin', [{ rolename: 'roomkey-admin' }]],
      ['roomkey-access', [{ rolename: 'roomkey-access' }]],
    ]);
    expect(file.roles.find((r) => r.rolename === 'roomkey-access')?.acls).toEqual(ACCESS_ACLS);
    expect(JSON.stringify(file)).not.toMatch(/"b"|"a"/);
  });

  it('keeps a hash that still matches (as Mosquitto makes it), replaces one that does not, and keeps the locks', () => {
    const before = {
      clients: [MADE_BY_MOSQUITTO, LOCK],
      groups: [],
      roles: [LOCK_ROLE],
      defaultACLAccess: {},
    };
    const same = withStackClients(structuredClone(before), {
      'roomkey-admin': 'adminpw',
      'roomkey-access': 'b',
    });
    const admin = same.clients.find((c) => c.username === 'roomkey-admin')!;
    expect(admin).toMatchObject({
      password: MADE_BY_MOSQUITTO.password,
      salt: MADE_BY_MOSQUITTO.salt,
    });
    expect(same.clients).toContainEqual(LOCK);
    expect(same.roles).toContainEqual(LOCK_ROLE);
    const changed = withStackClients(structuredClone(before), {
      'roomkey-admin': 'another',
      'roomkey-access': 'b',
    });
    expect(changed.clients.find((c) => c.username === 'roomkey-admin')!.password).not.toBe(
      MADE_BY_MOSQUITTO.password,
    );
  });
});
