import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * QR answers are no longer kept in the database: every face instance reads them all from the
 * topic and joins them with its captures in memory.
 */
export class DropQrResults1776000000000 implements MigrationInterface {
  name = 'DropQrResults1776000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`drop table face_qr_results`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      create table face_qr_results (
        request_id uuid primary key,
        valid boolean not null,
        user_id uuid,
        received_at timestamptz not null
      )`);
    await q.query(`create index face_qr_results_received_idx on face_qr_results (received_at)`);
  }
}
