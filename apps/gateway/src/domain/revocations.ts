/**
 * Whose access tokens are no longer good, as the auth app announced: an account disabled,
 * deleted or given other roles, a device revoked. A token is refused when it was issued at or
 * before its subject's revocation. Tokens carry their issue time in whole seconds: for a
 * disabling (no token can be issued after it) a token of the same second is refused; for a role
 * change, whose new tokens come moments later, it is kept. An entry is forgotten once every token
 * it could refuse has expired (`horizonMs`).
 */
export class Revocations {
  private readonly since = new Map<string, { atMs: number; sameSecond: boolean }>();

  constructor(private readonly horizonMs: number) {}

  revoke(subject: string, atMs: number, sameSecond: boolean, now = Date.now()): void {
    if (atMs <= now - this.horizonMs) return;
    const known = this.since.get(subject);
    if (!known || atMs > known.atMs || (atMs === known.atMs && sameSecond)) {
      this.since.set(subject, { atMs, sameSecond });
    }
    if (this.since.size % 1024 === 0) this.forgetOld(now);
  }

  /** Whether a token for `subject` issued at `issuedAtS` (seconds, the `iat` claim) is refused. */
  refuses(subject: string, issuedAtS: number, now = Date.now()): boolean {
    const known = this.since.get(subject);
    if (!known) return false;
    if (known.atMs <= now - this.horizonMs) {
      this.since.delete(subject);
      return false;
    }
    const issuedSecondMs = issuedAtS * 1000;
    return (
      issuedSecondMs + 1000 <= known.atMs || (known.sameSecond && issuedSecondMs <= known.atMs)
    );
  }

  get size(): number {
    return this.since.size;
  }

  private forgetOld(now: number): void {
    for (const [subject, { atMs }] of this.since) {
      if (atMs <= now - this.horizonMs) this.since.delete(subject);
    }
  }
}
