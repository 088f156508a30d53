import { kioskSetupLink } from './seed';

describe('kioskSetupLink', () => {
  it('carries the kiosk, its door and room as the kiosk page reads them (base64url JSON after #setup=)', () => {
    const setup = {
      deviceId: '8d7c6b5a-4f3e-4d2c-9b1a-0e9f8d7c6b5a',
      secret: `rkd_${'A-_b'.repeat(10)}xyz`,
      doorId: '3a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a',
      roomId: '1f2e3d4c-5b6a-4e6a-8c9d-3a9e7c1d5b2f',
    };
    const link = kioskSetupLink('http://127.0.0.1:3101/', setup);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3101\/#setup=[A-Za-z0-9_-]+$/);
    // Decoded as the kiosk does it: the URL-safe alphabet turned back, then atob.
    const code = link.slice(link.indexOf('#setup=') + 7);
    expect(JSON.parse(atob(code.replace(/-/g, '+').replace(/_/g, '/')))).toEqual(setup);
  });
});
