import { z } from 'zod';
import { Id, Text } from '../envelope';

/** What a person may do. `device` is never a person's role: it marks kiosk and lock tokens. */
export const UserRole = z.enum(['admin', 'security', 'member', 'visitor']);
export type UserRole = z.infer<typeof UserRole>;
export const TokenRole = z.enum([...UserRole.options, 'device']);
export type TokenRole = z.infer<typeof TokenRole>;

export const UserStatus = z.enum(['active', 'disabled']);
export type UserStatus = z.infer<typeof UserStatus>;

export const Email = z.email().max(254);
/**
 * Only the length is checked here; the password policy (NIST 800-63B: at least 8 characters,
 * no composition rules, not a common password) runs in the auth app and answers WEAK_PASSWORD.
 * Long passphrases are welcome: up to 256 characters.
 */
export const Password = z.string().min(1).max(256);
export const DisplayName = Text(100);

/** `POST /v1/auth/register`: a member signs up (when self-registration is on) or an admin adds one. */
export const RegisterBody = z.strictObject({
  email: Email,
  password: Password,
  displayName: DisplayName,
});
export type RegisterBody = z.infer<typeof RegisterBody>;

/** `POST /v1/users`: an admin creates an account with any roles. */
export const CreateUserBody = RegisterBody.extend({
  roles: z.array(UserRole).min(1).max(4).default(['member']),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

/** `PATCH /v1/users/{id}`: rename, change roles, disable or enable. */
export const UpdateUserBody = z
  .strictObject({
    displayName: DisplayName.optional(),
    roles: z.array(UserRole).min(1).max(4).optional(),
    status: UserStatus.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'at least one field to change');
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const LoginBody = z.strictObject({ email: Email, password: Password });
export type LoginBody = z.infer<typeof LoginBody>;

/** An opaque secret: a recognisable prefix and 256 random bits as 43 base64url characters. */
const opaque = (prefix: 'rkr_' | 'rkd_' | 'rkp_', what: string) =>
  z
    .string()
    .max(128)
    .regex(new RegExp(`^${prefix}[A-Za-z0-9_-]{43}$`), `not a ${what}`);

/** An opaque refresh token (`rkr_…`). */
export const RefreshToken = opaque('rkr_', 'refresh token');
export const RefreshBody = z.strictObject({ refreshToken: RefreshToken });
export type RefreshBody = z.infer<typeof RefreshBody>;

/**
 * `POST /v1/me/password`: a person changes their own password, proving the current one. The
 * answer is a new session; every other session of the account ends.
 */
export const ChangePasswordBody = z.strictObject({
  currentPassword: Password,
  newPassword: Password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

/** A password reset token (`rkp_…`): single use, for 30 minutes. */
export const PasswordResetToken = opaque('rkp_', 'password reset token');

/** Answer of `POST /v1/users/{id}/password-reset`: shown once, to the admin who asked. */
export const PasswordResetIssued = z.object({
  /** Put in the link the person opens: `/reset-password#token=<token>` on the admin web. */
  token: PasswordResetToken,
  expiresAt: z.iso.datetime({ offset: true }),
});
export type PasswordResetIssued = z.infer<typeof PasswordResetIssued>;

/** `POST /v1/auth/password-reset`: the person sets a new password with the token of a link. */
export const ResetPasswordBody = z.strictObject({
  token: PasswordResetToken,
  newPassword: Password,
});
export type ResetPasswordBody = z.infer<typeof ResetPasswordBody>;

/** Answer of login and refresh. */
export const TokenPair = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  refreshToken: RefreshToken,
  /** Seconds until the refresh token expires (it is single-use: each refresh returns a new one). */
  refreshExpiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const UserView = z.object({
  id: Id,
  email: Email,
  displayName: z.string(),
  roles: z.array(UserRole),
  status: UserStatus,
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type UserView = z.infer<typeof UserView>;

/**
 * What every paged list takes: a page size and the `next` of the previous page. A query's
 * descriptions are its parameters' in the OpenAPI document.
 */
export const pageQuery = () => ({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size'),
  after: Id.optional().describe('`next` of the previous page'),
});

/** `GET /v1/users?limit=&after=`: pages ordered by id. */
export const ListUsersQuery = z.strictObject({
  ...pageQuery(),
  q: Text(100)
    .optional()
    .describe('Only accounts whose email or name contains this text (any case)'),
  role: UserRole.optional().describe('Only accounts with this role'),
  status: UserStatus.optional().describe('Only accounts in this state'),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const UserPage = z.object({
  items: z.array(UserView),
  /** Pass as `after` for the next page; null on the last page. */
  next: Id.nullable(),
});
export type UserPage = z.infer<typeof UserPage>;

export const DeviceKind = z.enum(['kiosk', 'lock']);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** `POST /v1/devices`: an admin registers a kiosk or a lock for specific doors. */
export const CreateDeviceBody = z.strictObject({
  name: Text(100),
  kind: DeviceKind,
  doorIds: z.array(Id).min(1).max(100),
});
export type CreateDeviceBody = z.infer<typeof CreateDeviceBody>;
/**
 * `PATCH /v1/devices/{id}`: a new name. Its doors are fixed: tokens it already holds name them,
 * so a kiosk moves to other doors by being registered again (and the old one revoked).
 */
export const UpdateDeviceBody = z.strictObject({ name: Text(100) });
export type UpdateDeviceBody = z.infer<typeof UpdateDeviceBody>;

export const DeviceView = z.object({
  id: Id,
  name: z.string(),
  kind: DeviceKind,
  doorIds: z.array(Id),
  status: z.enum(['active', 'revoked']),
  createdAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type DeviceView = z.infer<typeof DeviceView>;

/** A device secret (`rkd_…`). Shown once, at registration. */
export const DeviceSecret = opaque('rkd_', 'device secret');

export const DeviceRegistered = DeviceView.extend({ secret: DeviceSecret });
export type DeviceRegistered = z.infer<typeof DeviceRegistered>;

/** `POST /v1/auth/device-token`: a device trades its secret for a short access token. */
export const DeviceTokenBody = z.strictObject({ deviceId: Id, secret: DeviceSecret });
export type DeviceTokenBody = z.infer<typeof DeviceTokenBody>;

export const DeviceToken = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  expiresIn: z.number().int(),
});
export type DeviceToken = z.infer<typeof DeviceToken>;

/** A public signing key as served in the JWKS (RFC 7517). */
export const PublicJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal('ES256'),
  use: z.literal('sig'),
});
export const Jwks = z.object({ keys: z.array(PublicJwk) });
export type Jwks = z.infer<typeof Jwks>;

/**
 * The claims of every access token, checked after the signature. Users carry their roles;
 * devices carry `roles: ['device']` and the doors they serve.
 */
export const AccessClaims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: Id,
  roles: z.array(TokenRole).min(1),
  doors: z.array(Id).optional(),
  jti: Id,
  /** When the person last signed in with their password (seconds since the epoch). */
  auth_time: z.number().int().nonnegative().optional(),
  iat: z.number(),
  nbf: z.number(),
  exp: z.number(),
});
export type AccessClaims = z.infer<typeof AccessClaims>;
