/**
 * What a script can tell from `roomkey`'s exit code. Listed in the README's CLI section; a code
 * never changes meaning.
 */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** Done, and the answer is no: a row refused, a door denied, an audit log broken. */
  NEGATIVE: 1,
  /** The command line or an input file is wrong; nothing was done. */
  USAGE: 2,
  /** Not signed in, the session is over, or the email or password is wrong. */
  AUTH: 3,
  /** Signed in, but the account's role may not do this. */
  FORBIDDEN: 4,
  /** The API refused the request (not found, conflict, validation): its code is printed. */
  REFUSED: 5,
  /** The gateway, Kafka or the database cannot be reached or answered with a server error. */
  UNAVAILABLE: 6,
  /** Anything else: a fault of the CLI itself. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
