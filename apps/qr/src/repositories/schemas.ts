import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Sealed } from '@roomkey/common';

/*
 * Collections of the qr app. Only what MongoDB and FerretDB 1.x both do: unique indexes,
 * single-document atomic writes; no TTL indexes (expired rows are swept), no transactions.
 * Secrets are sealed with AES-256-GCM under QR_KEYRING, bound to their row by the AAD.
 */

/** The secret a door's rotating code is signed with. `_id` is the door id. */
@Schema({ collection: 'door_secrets', versionKey: false })
export class DoorSecretRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: Object, required: true }) secret!: Sealed;
  /** 1 for the first secret, +1 on each rotation. */
  @Prop({ type: Number, required: true }) version!: number;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, required: true }) rotatedAt!: Date;
}
export const DoorSecretSchema = SchemaFactory.createForClass(DoorSecretRow);

/** A key that signs personal and visitor passes. `_id` is the key id written into passes. */
@Schema({ collection: 'pass_keys', versionKey: false })
export class PassKeyRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: Object, required: true }) secret!: Sealed;
  @Prop({ type: Date, required: true, index: true }) createdAt!: Date;
}
export const PassKeySchema = SchemaFactory.createForClass(PassKeyRow);

@Schema({ collection: 'visitor_passes', versionKey: false })
export class VisitorPassRow {
  @Prop({ type: String, required: true }) _id!: string;
  /** The visitor's name, for the printed pass and the admin's list. */
  @Prop({ type: String, required: true }) name!: string;
  @Prop({ type: [String], required: true }) doorIds!: string[];
  @Prop({ type: Date, required: true }) validFrom!: Date;
  @Prop({ type: Date, required: true, index: true }) validUntil!: Date;
  @Prop({ type: Number, required: true }) maxUses!: number;
  /** The visitor's account, when they have one (and an enrolled face). */
  @Prop({ type: String, default: null, index: true }) userId!: string | null;
  @Prop({ type: String, required: true }) createdBy!: string;
  @Prop({ type: Date, required: true, index: true }) createdAt!: Date;
  @Prop({ type: Date, default: null }) revokedAt!: Date | null;
}
export const VisitorPassSchema = SchemaFactory.createForClass(VisitorPassRow);

/**
 * The used-pass ledger: one row per use, held from the QR check and given back if the request is
 * denied. `_id` is `<subject>#<n>` for the n-th use, so the
 * unique `_id` index is what stops a use beyond the limit, even from two kiosks at the same
 * instant; `requestId` is unique too, so one request never spends two uses.
 */
@Schema({ collection: 'pass_uses', versionKey: false })
export class PassUseRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true, index: true }) subject!: string;
  @Prop({ type: String, required: true, unique: true }) requestId!: string;
  @Prop({ type: Date, required: true }) usedAt!: Date;
  @Prop({ type: Date, required: true, index: true }) expiresAt!: Date;
}
export const PassUseSchema = SchemaFactory.createForClass(PassUseRow);

/**
 * A request that presented a pass and was denied: one row per request (`_id` =
 * `<subject>|<requestId>`), counted against the pass's limit of failed attempts.
 */
@Schema({ collection: 'pass_failures', versionKey: false })
export class PassFailureRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true, index: true }) subject!: string;
  @Prop({ type: Date, required: true, index: true }) expiresAt!: Date;
}
export const PassFailureSchema = SchemaFactory.createForClass(PassFailureRow);

/**
 * A denied request, kept for as long as its QR check could still come: a check that arrives
 * after the denial gives its use straight back. `_id` is the request id.
 */
@Schema({ collection: 'denied_requests', versionKey: false })
export class DeniedRequestRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: Date, required: true, index: true }) expiresAt!: Date;
}
export const DeniedRequestSchema = SchemaFactory.createForClass(DeniedRequestRow);

/** Account status as the auth app announces it. `_id` is the user id. */
@Schema({ collection: 'accounts', versionKey: false })
export class AccountRow {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) status!: 'active' | 'disabled' | 'deleted';
  /** The account revision it reflects (0 for an event without one). */
  @Prop({ type: Number, required: true }) version!: number;
}
export const AccountSchema = SchemaFactory.createForClass(AccountRow);

/** The answer given to each access request, so a redelivered request gets the same one. */
@Schema({ collection: 'qr_checks', versionKey: false })
export class QrCheckRow {
  /** The request id. */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) outcome!: 'valid' | 'invalid';
  @Prop({ type: String, default: null }) reason!: string | null;
  @Prop({ type: String, default: null }) doorId!: string | null;
  @Prop({ type: String, default: null }) userId!: string | null;
  @Prop({ type: String, default: null }) passId!: string | null;
  @Prop({ type: Date, required: true, index: true }) checkedAt!: Date;
}
export const QrCheckSchema = SchemaFactory.createForClass(QrCheckRow);

export const QR_MODELS = [
  { name: DoorSecretRow.name, schema: DoorSecretSchema },
  { name: PassKeyRow.name, schema: PassKeySchema },
  { name: VisitorPassRow.name, schema: VisitorPassSchema },
  { name: PassUseRow.name, schema: PassUseSchema },
  { name: QrCheckRow.name, schema: QrCheckSchema },
  { name: PassFailureRow.name, schema: PassFailureSchema },
  { name: DeniedRequestRow.name, schema: DeniedRequestSchema },
  { name: AccountRow.name, schema: AccountSchema },
];
