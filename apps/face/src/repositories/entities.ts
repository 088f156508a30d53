import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A person's face template: 128 numbers sealed with AES-256-GCM under the template keyring,
 * the user id bound as associated data so a row moved to another user does not open.
 */
@Entity({ name: 'face_templates' })
export class FaceTemplateRow {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ name: 'key_id', type: 'text' }) keyId!: string;
  @Column({ type: 'text' }) iv!: string;
  @Column({ type: 'text' }) tag!: string;
  @Column({ type: 'text' }) ciphertext!: string;
  /** The embedding model the template was made with. */
  @Column({ type: 'text' }) model!: string;
  @Column({ name: 'image_count', type: 'int' }) imageCount!: number;
  @Column({ name: 'enrolled_at', type: 'timestamptz' }) enrolledAt!: Date;
  /** Last time the template was compared at a door; retention counts from here. */
  @Column({ name: 'last_used_at', type: 'timestamptz' }) lastUsedAt!: Date;
}

export type EnrolmentState = 'pending' | 'enrolled' | 'rejected' | 'withdrawn' | 'erased';

/**
 * One change of a person's face: an enrolment (how it was accepted), one waiting for an admin
 * (its template sealed here until then), refused, withdrawn, or an erasure. The person's face
 * history.
 */
@Entity({ name: 'face_enrolments' })
export class FaceEnrolmentRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'text' }) state!: EnrolmentState;
  /** Enrolled: `matched`, `approved` or `supervised`; erased: by whom. */
  @Column({ type: 'text', nullable: true }) via!: string | null;
  /** Pending: `no-template` or `no-match`. */
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'key_id', type: 'text', nullable: true }) keyId!: string | null;
  @Column({ type: 'text', nullable: true }) iv!: string | null;
  @Column({ type: 'text', nullable: true }) tag!: string | null;
  @Column({ type: 'text', nullable: true }) ciphertext!: string | null;
  @Column({ type: 'text', nullable: true }) model!: string | null;
  @Column({ name: 'image_count', type: 'int', nullable: true }) imageCount!: number | null;
  @Column({ name: 'requested_at', type: 'timestamptz' }) requestedAt!: Date;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  /** The admin who approved, refused or supervised it. */
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
}

/** Consent to biometric processing (GDPR Art. 9(2)(a), BIPA): when, and to which notice. */
@Entity({ name: 'face_consents' })
export class FaceConsentRow {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ name: 'given_at', type: 'timestamptz' }) givenAt!: Date;
  @Column({ name: 'notice_version', type: 'text' }) noticeVersion!: string;
  /** Set when the person erased their face data, which withdraws consent. */
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt!: Date | null;
}

/** The face step's answer per request, so redelivery gets the same one. */
@Entity({ name: 'face_checks' })
export class FaceCheckRow {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' }) requestId!: string;
  @Column({ type: 'jsonb' }) payload!: Record<string, unknown>;
  @Column({ name: 'checked_at', type: 'timestamptz' }) checkedAt!: Date;
  /** When this app received the capture. */
  @Column({ name: 'received_at', type: 'timestamptz', nullable: true }) receivedAt!: Date | null;
  /** How long the analysis of the capture took; null when no face was compared. */
  @Column({ name: 'analysis_ms', type: 'real', nullable: true }) analysisMs!: number | null;
}

/** An active liveness challenge: its poses, for whom, until when, and the request that used it. */
@Entity({ name: 'face_challenges' })
export class FaceChallengeRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'caller_id', type: 'uuid' }) callerId!: string;
  @Column({ type: 'jsonb' }) poses!: string[];
  @Column({ name: 'issued_at', type: 'timestamptz' }) issuedAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true }) usedAt!: Date | null;
  @Column({ name: 'request_id', type: 'uuid', nullable: true }) requestId!: string | null;
}

export const FACE_ENTITIES = [
  FaceTemplateRow,
  FaceEnrolmentRow,
  FaceConsentRow,
  FaceCheckRow,
  FaceChallengeRow,
];
