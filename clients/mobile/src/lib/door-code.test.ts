import { NOT_A_DOOR_CODE, parseDoorCode } from './door-code';

const DOOR = '0B3D9100AAAA4BBB8CCC0123456789AB';
const CODE = `RK1.R.${DOOR}.59712345.0123456789ABCDEF0123`;

describe('a door code', () => {
  it('is read into its door and time step, the payload kept as scanned', () => {
    const parsed = parseDoorCode(CODE);
    expect(parsed).toEqual({
      ok: true,
      code: { payload: CODE, doorId: '0b3d9100-aaaa-4bbb-8ccc-0123456789ab', step: 59712345 },
    });
  });

  it('is read with the spaces or line end a scanner may add', () => {
    const parsed = parseDoorCode(` ${CODE}\n`);
    expect(parsed.ok && parsed.code.payload).toBe(CODE);
  });

  it.each([
    ['a personal pass', `RK1.P.k1.${DOOR}.1767225600.0123456789ABCDEF.0123456789ABCDEF0123`],
    ['a visitor pass', `RK1.V.k1.${DOOR}.0123456789ABCDEF0123`],
    ['a web address', 'https://example.org/door/1'],
    ['a code with a short MAC', `RK1.R.${DOOR}.59712345.0123`],
    ['a code in lower case', CODE.toLowerCase()],
  ])('is not %s', (_what, text) => {
    expect(parseDoorCode(text)).toEqual({ ok: false, message: NOT_A_DOOR_CODE });
  });
});
