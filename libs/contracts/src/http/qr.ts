import { z } from 'zod';
import { Id, Instant, Text } from '../envelope';
import { pageQuery } from './auth';

/** A QR code three ways: the text it encodes, an SVG document and a PNG image (base64). */
export const QrImage = z.object({
  payload: z.string(),
  svg: z.string(),
  /** PNG bytes in base64; use as `data:image/png;base64,<png>`. */
  png: z.string(),
});
export type QrImage = z.infer<typeof QrImage>;

/** `GET /v1/kiosk/qr`: which door, when the kiosk serves several. */
export const KioskQrQuery = z.strictObject({
  doorId: Id.optional().describe('Which door, when the kiosk serves several'),
});
export type KioskQrQuery = z.infer<typeof KioskQrQuery>;

/** The code a kiosk shows at its door, and when to fetch the next one. */
export const KioskCode = QrImage.extend({
  doorId: Id,
  /** The 30-second time step the code belongs to. */
  step: z.number().int(),
  /** When the next code takes over (this one is still accepted for one more step). */
  nextAt: Instant,
  /** Seconds until `nextAt`: when to ask again. */
  refreshInSeconds: z.number().int().min(1).max(30),
});
export type KioskCode = z.infer<typeof KioskCode>;

/** `GET /v1/me/pass`: the member's own pass, shown on the phone for a kiosk to scan. */
export const PersonalPassCode = QrImage.extend({
  expiresAt: Instant,
  /** When the app should fetch a fresh pass (before this one expires). */
  refreshInSeconds: z.number().int().min(1),
});
export type PersonalPassCode = z.infer<typeof PersonalPassCode>;

/** Longest a visitor pass may be valid for. */
export const MAX_VISITOR_PASS_DAYS = 366;

/** `POST /v1/visitor-passes`: an admin invites a visitor. */
export const CreateVisitorPassBody = z
  .strictObject({
    /** The visitor's name, printed on the pass. */
    name: Text(100),
    doorIds: z.array(Id).min(1).max(100),
    /** Defaults to now. */
    validFrom: Instant.optional(),
    validUntil: Instant,
    /** How many times the pass opens a door; 1 for a single-use pass. */
    maxUses: z.number().int().min(1).max(1000).default(1),
    /** The visitor's account, when they have one with an enrolled face. */
    userId: Id.optional(),
  })
  .refine((b) => !b.validFrom || Date.parse(b.validUntil) > Date.parse(b.validFrom), {
    message: 'validUntil must be after validFrom',
    path: ['validUntil'],
  })
  .refine(
    (b) =>
      Date.parse(b.validUntil) - (b.validFrom ? Date.parse(b.validFrom) : Date.now()) <=
      MAX_VISITOR_PASS_DAYS * 86_400_000,
    {
      message: `a visitor pass is valid for at most ${MAX_VISITOR_PASS_DAYS} days`,
      path: ['validUntil'],
    },
  );
export type CreateVisitorPassBody = z.infer<typeof CreateVisitorPassBody>;

/** active: usable in its window (if uses are left); expired: its window has passed. */
export const VisitorPassStatus = z.enum(['active', 'expired', 'revoked']);
export type VisitorPassStatus = z.infer<typeof VisitorPassStatus>;

export const VisitorPassView = z.object({
  id: Id,
  name: z.string(),
  doorIds: z.array(Id),
  validFrom: Instant,
  validUntil: Instant,
  maxUses: z.number().int(),
  /** Uses so far. */
  uses: z.number().int(),
  status: VisitorPassStatus,
  userId: Id.nullable(),
  createdAt: Instant,
  revokedAt: Instant.nullable(),
});
export type VisitorPassView = z.infer<typeof VisitorPassView>;

/** A pass with its printable code (on creation, and on request for a reprint). */
export const VisitorPassWithCode = VisitorPassView.extend({ code: QrImage });
export type VisitorPassWithCode = z.infer<typeof VisitorPassWithCode>;

export const ListVisitorPassesQuery = z.strictObject({
  ...pageQuery(),
  status: VisitorPassStatus.optional().describe('Only passes in this state'),
});
export type ListVisitorPassesQuery = z.infer<typeof ListVisitorPassesQuery>;

/** Newest first. */
export const VisitorPassPage = z.object({
  items: z.array(VisitorPassView),
  next: Id.nullable(),
});
export type VisitorPassPage = z.infer<typeof VisitorPassPage>;

/** `POST /v1/doors/{id}/qr-secret/rotate`: the door has a new secret (never shown). */
export const DoorSecretRotated = z.object({
  doorId: Id,
  /** 1 for the first secret, +1 per rotation. */
  version: z.number().int(),
  rotatedAt: Instant,
});
export type DoorSecretRotated = z.infer<typeof DoorSecretRotated>;
