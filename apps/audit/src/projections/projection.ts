import type { EntityManager } from 'typeorm';

/** A row of the event log as projections read it: the logged (redacted) content. */
export interface LoggedRow {
  /** The row's id in `event_log`: the order everything was logged in. */
  id: string;
  eventId: string;
  topic: string;
  occurredAt: Date;
  payload: unknown;
}

/**
 * A table derived from the event log. It is updated in the transaction that logs each row, and
 * can be rebuilt from the log into a fresh table (`npm run replay -- --rebuild <name>`): the
 * same rows in the same order give the same table.
 */
export interface Projection<R = unknown> {
  readonly name: string;
  /** The live table. */
  readonly table: string;
  /** The topics it reads; rows of other topics are skipped on a rebuild. */
  readonly topics: readonly string[];
  /** A `bigserial` column whose values a rebuild keeps for rows that exist live. */
  readonly serial?: { column: string; key: string };
  /** Applies one logged row to `table` (the live table or a rebuild's). */
  apply(m: EntityManager, table: string, row: LoggedRow): Promise<R>;
}

/** Only for table names the projections themselves declare: they end up in SQL. */
export function tableName(name: string): string {
  if (!/^[a-z_]{1,50}$/.test(name)) throw new Error(`not a table name: ${name}`);
  return name;
}
