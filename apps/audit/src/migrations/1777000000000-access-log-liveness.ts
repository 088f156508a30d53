import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which liveness judged the face of each decision (access.decided.v1's `liveness`). Rows logged
 * before it have none; `npm run replay -- --rebuild access-log` cannot add it either, as their
 * decisions did not carry it.
 */
export class AccessLogLiveness1777000000000 implements MigrationInterface {
  name = 'AccessLogLiveness1777000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table access_log add column liveness text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table access_log drop column liveness`);
  }
}
