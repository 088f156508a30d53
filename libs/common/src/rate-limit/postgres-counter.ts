import type { RateCounterStore } from './rate-limit';

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * Counters in the app's PostgreSQL table `rate_counters` (id text primary key, count integer,
 * expires_at timestamptz), shared by every instance of the app: one upsert counts, so
 * concurrent takes never pass a limit together. Expired rows are deleted at most once a minute.
 */
export class PostgresCounterStore implements RateCounterStore {
  private lastSweep = 0;

  constructor(private readonly query: Query) {}

  async increment(id: string, expiresAt: Date): Promise<number> {
    this.sweep();
    const rows = (await this.query(
      `insert into rate_counters (id, count, expires_at) values ($1, 1, $2)
       on conflict (id) do update set count = rate_counters.count + 1
       returning count`,
      [id, expiresAt],
    )) as { count: number }[];
    return rows[0]!.count;
  }

  async decrement(id: string): Promise<void> {
    await this.query(`update rate_counters set count = count - 1 where id = $1 and count > 0`, [
      id,
    ]);
  }

  private sweep(): void {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    this.query(`delete from rate_counters where expires_at < now()`, []).catch(() => undefined);
  }
}
