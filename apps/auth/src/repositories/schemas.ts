import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { DeviceKind, UserRole, UserStatus } from '@roomkey/contracts';
import type { Sealed } from '@roomkey/common';

/*
 * Collections of the auth app. Only what MongoDB and FerretDB 1.x both do: unique indexes,
 * single-document atomic updates; no TTL indexes (expired rows are swept), no transactions.
 */

@Schema({ collection: 'users', timestamps: true, versionKey: false })
export class User {
  @Prop({ type: String, required: true }) _id!: string;
  /** As the person typed it. */
  @Prop({ type: String, required: true }) email!: string;
  /** Lower-cased and trimmed: what uniqueness and sign-in compare. */
  @Prop({ type: String, required: true, unique: true }) emailKey!: string;
  @Prop({ type: String, required: true }) displayName!: string;
  @Prop({ type: [String], required: true }) roles!: UserRole[];
  @Prop({ type: String, required: true, index: true }) status!: UserStatus;
  /** argon2id, PHC string. */
  @Prop({ type: String, required: true }) passwordHash!: string;
  /** The account's revision: +1 per announced change (roles, status, deletion). */
  @Prop({ type: Number }) version?: number;
  /**
   * The outbox: `auth.events.v1` envelopes of changes not yet published, written by the same
   * single-document update as the change (FerretDB 1.x has no multi-document transactions).
   */
  @Prop({ type: [Object], default: [] }) outbox!: Record<string, unknown>[];
  /** Since when the outbox holds something; null when it is empty. */
  @Prop({ type: Date, default: null, index: true }) pendingSince!: Date | null;
  /** Deleted, and removed once the outbox has announced it. */
  @Prop({ type: Date, default: null }) deletedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
export const UserSchema = SchemaFactory.createForClass(User);

/** One row per refresh token ever issued; `_id` is the SHA-256 of the token, never the token. */
@Schema({ collection: 'refresh_tokens', versionKey: false })
export class RefreshTokenRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true, index: true }) familyId!: string;
  @Prop({ type: String, required: true, index: true }) userId!: string;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  /** When the person last proved their password in this family (kept across rotations). */
  @Prop({ type: Date, default: null }) authTime!: Date | null;
  @Prop({ type: Date, required: true, index: true }) expiresAt!: Date;
  @Prop({ type: Date, default: null }) usedAt!: Date | null;
  @Prop({ type: Date, default: null }) revokedAt!: Date | null;
}
export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshTokenRow);

@Schema({ collection: 'devices', versionKey: false })
export class Device {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) name!: string;
  @Prop({ type: String, required: true }) kind!: DeviceKind;
  @Prop({ type: [String], required: true }) doorIds!: string[];
  /** SHA-256 of the 256-bit secret (a random secret needs no slow hash). */
  @Prop({ type: String, required: true }) secretHash!: string;
  @Prop({ type: String, required: true }) status!: 'active' | 'revoked';
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, default: null }) revokedAt!: Date | null;
}
export const DeviceSchema = SchemaFactory.createForClass(Device);

/** An ES256 key pair; the private half sealed with AES-256-GCM under the signing keyring. */
@Schema({ collection: 'signing_keys', versionKey: false })
export class SigningKeyRow {
  /** The `kid`. */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: Object, required: true }) publicJwk!: Record<string, string>;
  @Prop({ type: Object, required: true }) privateKey!: Sealed;
  @Prop({ type: Date, required: true, index: true }) createdAt!: Date;
}
export const SigningKeySchema = SchemaFactory.createForClass(SigningKeyRow);

/**
 * An account's sign-in lock (`acct:<sha256 of email>`); the checks themselves are slots of the
 * counter `acct:<sha256>:r<lockouts>` (one round per lock).
 */
@Schema({ collection: 'login_attempts', versionKey: false })
export class LoginAttempt {
  @Prop({ type: String, required: true }) _id!: string;
  /** How many times the account was locked since its last successful sign-in. */
  @Prop({ type: Number, required: true, default: 0 }) lockouts!: number;
  @Prop({ type: Date, default: null }) lockedUntil!: Date | null;
  @Prop({ type: Date, required: true, index: true }) updatedAt!: Date;
}
export const LoginAttemptSchema = SchemaFactory.createForClass(LoginAttempt);

/** One taken slot of a per-caller counter (see MongoCounterStore). */
@Schema({ collection: 'rate_counters', versionKey: false })
export class RateCounterRow {
  /** `<counter>#<n>`. */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true, index: true }) counter!: string;
  @Prop({ type: Date, required: true, index: true }) expiresAt!: Date;
}
export const RateCounterSchema = SchemaFactory.createForClass(RateCounterRow);

/** A password reset link; `_id` is the SHA-256 of its token, never the token. */
@Schema({ collection: 'password_resets', versionKey: false })
export class PasswordResetRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true, index: true }) userId!: string;
  /** The admin who issued it. */
  @Prop({ type: String, required: true }) issuedBy!: string;
  @Prop({ type: Date, required: true, index: true }) expiresAt!: Date;
  @Prop({ type: Date, default: null }) usedAt!: Date | null;
}
export const PasswordResetSchema = SchemaFactory.createForClass(PasswordResetRow);

export const AUTH_MODELS = [
  { name: User.name, schema: UserSchema },
  { name: RefreshTokenRow.name, schema: RefreshTokenSchema },
  { name: Device.name, schema: DeviceSchema },
  { name: SigningKeyRow.name, schema: SigningKeySchema },
  { name: LoginAttempt.name, schema: LoginAttemptSchema },
  { name: RateCounterRow.name, schema: RateCounterSchema },
  { name: PasswordResetRow.name, schema: PasswordResetSchema },
];
