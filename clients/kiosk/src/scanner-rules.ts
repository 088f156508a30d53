/** A pass (a member's or a visitor's), as opposed to a door's own rotating code. */
export const isPassCode = (text: string): boolean =>
  /^RK1\.[A-Z]\./.test(text) && !text.startsWith('RK1.R.');
