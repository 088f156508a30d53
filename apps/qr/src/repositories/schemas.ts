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
 * The used-pass ledger: one row per use. `_id` is `<subject>#<n>` for the n-th use, so the
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
];
