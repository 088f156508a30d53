import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DeviceToken, TokenPair, TokenRole } from '@roomkey/contracts';
import { DomainError, TOKEN_ALGORITHM } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { opaqueSecret, sha256 } from '../domain/secrets';
import { RefreshTokenRow } from '../repositories/schemas';
import { SigningKeys } from './signing-keys.service';

export const invalidRefresh = () =>
  new DomainError(
    'REFRESH_TOKEN_INVALID',
    'the refresh token is unknown, expired, used or revoked; sign in again',
    401,
  );

export type RefreshOutcome =
  | { kind: 'rotated'; userId: string; familyId: string; authTime: Date }
  | { kind: 'reused'; userId: string; familyId: string }
  | { kind: 'invalid' };

/** Signs access tokens and keeps the refresh-token ledger. */
@Injectable()
export class Tokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeys,
    @InjectModel(RefreshTokenRow.name) private readonly refresh: Model<RefreshTokenRow>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /**
   * `authTime`: when the person last proved their password (`auth_time`, in seconds), for
   * the operations that need a recent sign-in.
   */
  async access(
    sub: string,
    roles: TokenRole[],
    ttlSeconds: number,
    { doors, authTime }: { doors?: string[]; authTime?: Date } = {},
  ): Promise<string> {
    const key = this.keys.current();
    const claims = {
      roles,
      ...(doors ? { doors } : {}),
      ...(authTime ? { auth_time: Math.floor(authTime.getTime() / 1000) } : {}),
    };
    return this.jwt.signAsync(claims, {
      algorithm: TOKEN_ALGORITHM,
      privateKey: key.privatePem,
      keyid: key.kid,
      issuer: this.config.TOKEN_ISSUER,
      audience: this.config.TOKEN_AUDIENCE,
      subject: sub,
      jwtid: randomUUID(),
      expiresIn: ttlSeconds,
      notBefore: 0,
    });
  }

  async deviceToken(deviceId: string, doors: string[]): Promise<DeviceToken> {
    const ttl = this.config.DEVICE_TOKEN_TTL_S;
    return {
      tokenType: 'Bearer',
      accessToken: await this.access(deviceId, ['device'], ttl, { doors }),
      expiresIn: ttl,
    };
  }

  /**
   * A fresh access token and a refresh token, in a new family (a sign-in with the password:
   * `authTime` now) or continuing one (a rotation: the family's `authTime`).
   */
  async pair(
    userId: string,
    roles: TokenRole[],
    session: { familyId: string; authTime: Date } = {
      familyId: randomUUID(),
      authTime: new Date(),
    },
  ): Promise<TokenPair> {
    const refreshToken = opaqueSecret('rkr_');
    const now = new Date();
    const { familyId, authTime } = session;
    await this.refresh.create({
      _id: sha256(refreshToken),
      familyId,
      userId,
      createdAt: now,
      authTime,
      expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_S * 1000),
    });
    return {
      tokenType: 'Bearer',
      accessToken: await this.access(userId, roles, this.config.ACCESS_TOKEN_TTL_S, { authTime }),
      expiresIn: this.config.ACCESS_TOKEN_TTL_S,
      refreshToken,
      refreshExpiresIn: this.config.REFRESH_TOKEN_TTL_S,
    };
  }

  /**
   * Marks a refresh token used, atomically, so it works exactly once. A token presented again
   * after its use is a theft signal: its whole family is revoked.
   */
  async consume(refreshToken: string, now = new Date()): Promise<RefreshOutcome> {
    const id = sha256(refreshToken);
    const row = await this.refresh
      .findOneAndUpdate(
        { _id: id, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
        { $set: { usedAt: now } },
        { new: false },
      )
      .lean();
    if (row) {
      // A row from before sign-in times were kept counts as signed in when it was made.
      const authTime = row.authTime ?? row.createdAt;
      return { kind: 'rotated', userId: row.userId, familyId: row.familyId, authTime };
    }
    const known = await this.refresh.findById(id).lean();
    if (known?.usedAt && !known.revokedAt) {
      await this.revokeFamily(known.familyId, now);
      return { kind: 'reused', userId: known.userId, familyId: known.familyId };
    }
    return { kind: 'invalid' };
  }

  /** Revokes the family the token belongs to; the user id, or null when the token is unknown. */
  async revokeFamilyOf(refreshToken: string): Promise<string | null> {
    const known = await this.refresh.findById(sha256(refreshToken)).lean();
    if (!known) return null;
    await this.revokeFamily(known.familyId);
    return known.userId;
  }

  async revokeFamily(familyId: string, now = new Date()): Promise<void> {
    await this.refresh.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
  }

  async revokeAllFor(userId: string, now = new Date()): Promise<void> {
    await this.refresh.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: now } });
  }

  /** Forgets rows whose token expired a day ago (no TTL indexes on FerretDB). */
  async sweep(now = new Date()): Promise<number> {
    const { deletedCount } = await this.refresh.deleteMany({
      expiresAt: { $lt: new Date(now.getTime() - 86400_000) },
    });
    return deletedCount;
  }
}
