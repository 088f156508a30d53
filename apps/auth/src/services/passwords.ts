import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { DomainError } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { passwordProblem } from '../domain/password-policy';

/** argon2id hashing with the configured cost, and the password policy. */
@Injectable()
export class Passwords implements OnModuleInit {
  private readonly options: argon2.HashOptions;
  /** Verified against when an email has no account, so both cases take the same time. */
  private decoy = '';

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.options = {
      type: argon2.argon2id,
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_PASSES,
      parallelism: 1,
    };
  }

  async onModuleInit(): Promise<void> {
    this.decoy = await this.hash(`decoy-${Math.random()}`);
  }

  /** Throws WEAK_PASSWORD (400) with the reason when the policy rejects it. */
  assertAcceptable(password: string, context: string[]): void {
    const problem = passwordProblem(password, context);
    if (problem) throw new DomainError('WEAK_PASSWORD', `password rejected: ${problem}`, 422);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { ...this.options, raw: false });
  }

  /** False for a wrong password and for a missing account (after the same amount of work). */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? this.decoy, password);
      return ok && hash !== undefined;
    } catch {
      return false;
    }
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }
}
