import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the face app received each capture and how long its analysis took, beside the answer:
 * what the access flow's time is made of (`npm run bench` reads them). Rows from before have
 * neither.
 */
export class FaceCheckTimings1770000000000 implements MigrationInterface {
  name = 'FaceCheckTimings1770000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table face_checks add column received_at timestamptz, add column analysis_ms real`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table face_checks drop column received_at, drop column analysis_ms`);
  }
}
