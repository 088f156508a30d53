import { MigrationInterface, QueryRunner } from 'typeorm';

/** A door may require active liveness of every face, its kiosk's included (ADR 028). */
export class DoorActiveLiveness1777000000000 implements MigrationInterface {
  name = 'DoorActiveLiveness1777000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table doors add column require_active_liveness boolean not null default false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table doors drop column require_active_liveness`);
  }
}
