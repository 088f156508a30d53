import type { RateCounterStore, RateSlot } from './rate-limit';

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * Counters in the app's PostgreSQL table `rate_counters` (id text primary key, count integer,
 * expires_at timestamptz), shared by every instance of the app: one upsert counts, so
 * concurrent takes never pass a limit together (a full counter is left as it is). Expired rows are deleted at most once a minute.
 */
export class PostgresCounterStore implements RateCounterStore {
  private lastSweep = 0;

  constructor(private readonly query: Query) {}

  async take(id: string, limit: number, expiresAt: Date): Promise<RateSlot | null> {
    this.sweep();
    // A full counter is not updated, so the upsert returns no row.
    const rows = (await this.query(
      `insert into rate_counters (id, count, expires_at) values ($1, 1, $2)
       on conflict (id) do update set count = rate_counters.count + 1
         where rate_counters.count < $3
       returning count`,
      [id, expiresAt, limit],
    )) as { count: number }[];
    if (rows.length === 0) return null;
    return {
      n: rows[0]!.count,
      release: async () => {
        await this.query(`update rate_counters set count = count - 1 where id = $1 and count > 0`, [
          id,
        ]);
      },
    };
  }

  private sweep(): void {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    this.query(`delete from rate_counters where expires_at < now()`, []).catch(() => undefined);
  }
}
