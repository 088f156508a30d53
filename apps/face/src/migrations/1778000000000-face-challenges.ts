import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Active liveness challenges: one row per nonce, marked used by the first burst that answers
 * it, so every face instance agrees that a nonce answers one request at most.
 */
export class FaceChallenges1778000000000 implements MigrationInterface {
  name = 'FaceChallenges1778000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `create table face_challenges (
         id uuid primary key,
         caller_id uuid not null,
         poses jsonb not null,
         issued_at timestamptz not null,
         expires_at timestamptz not null,
         used_at timestamptz,
         request_id uuid
       )`,
    );
    await q.query(`create index face_challenges_expires_at on face_challenges (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table face_challenges`);
  }
}
