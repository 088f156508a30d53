import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each lock's state reports are numbered: the last one taken, which the next must be above. */
export class LockReportCounter1774000000000 implements MigrationInterface {
  name = 'LockReportCounter1774000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table locks add column report_counter bigint not null default 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table locks drop column report_counter`);
  }
}
