import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of a person's face, and the enrolments waiting for an admin: a new face that
 * does not match the one on record (or the first one) is held here, sealed, until approved.
 */
export class FaceEnrolments1774000000000 implements MigrationInterface {
  name = 'FaceEnrolments1774000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table face_enrolments (
      id uuid primary key,
      user_id uuid not null,
      state text not null check (state in ('pending', 'enrolled', 'rejected', 'withdrawn', 'erased')),
      via text,
      reason text,
      key_id text, iv text, tag text, ciphertext text,
      model text,
      image_count int,
      requested_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid)`);
    await q.query(
      `create index face_enrolments_user_idx on face_enrolments (user_id, requested_at)`,
    );
    await q.query(
      `create unique index face_enrolments_pending_idx on face_enrolments (user_id)
       where state = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table face_enrolments`);
  }
}
