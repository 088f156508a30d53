import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFace1768000000000 implements MigrationInterface {
  name = 'CreateFace1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table face_templates (
        user_id uuid primary key,
        key_id text not null,
        iv text not null,
        tag text not null,
        ciphertext text not null,
        model text not null,
        image_count int not null,
        enrolled_at timestamptz not null,
        last_used_at timestamptz not null
      )`);
    await q.query(`create index face_templates_last_used_idx on face_templates (last_used_at)`);
    await q.query(`create index face_templates_key_idx on face_templates (key_id)`);
    await q.query(`
      create table face_consents (
        user_id uuid primary key,
        given_at timestamptz not null,
        notice_version text not null,
        withdrawn_at timestamptz
      )`);
    await q.query(`
      create table face_qr_results (
        request_id uuid primary key,
        valid boolean not null,
        user_id uuid,
        received_at timestamptz not null
      )`);
    await q.query(`create index face_qr_results_received_idx on face_qr_results (received_at)`);
    await q.query(`
      create table face_checks (
        request_id uuid primary key,
        payload jsonb not null,
        checked_at timestamptz not null
      )`);
    await q.query(`create index face_checks_checked_idx on face_checks (checked_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table face_checks, face_qr_results, face_consents, face_templates`);
  }
}
