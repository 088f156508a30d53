import { MigrationInterface, QueryRunner } from 'typeorm';

/** A person's account status and the revision of the account it reflects, from the auth app. */
export class PeopleStatus1775000000000 implements MigrationInterface {
  name = 'PeopleStatus1775000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table people add column status text not null default 'active',
                   add column version bigint not null default 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table people drop column status, drop column version`);
  }
}
