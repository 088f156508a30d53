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

  /** Not reversible: the table held only answers of requests decided long ago. */
  async down(): Promise<void> {
    throw new Error('DropQrResults1776000000000 cannot be reverted');
  }
}
