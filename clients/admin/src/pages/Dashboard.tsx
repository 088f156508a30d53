import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { describeReason, unwrap } from '@roomkey/sdk';
import { useApi } from '../session';
import { Empty, Loaded, useLoad } from '../ui';

const hourLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const ms = (n: number | null) => (n === null ? '—' : `${Math.round(n)} ms`);

/** The last 24 hours: attempts per hour, denials by reason, decision latency, doors offline. */
export function Dashboard() {
  const api = useApi();
  const load = useLoad(async () => {
    const [stats, locks, doors] = await Promise.all([
      unwrap(api.GET('/v1/stats')),
      unwrap(api.GET('/v1/locks')),
      unwrap(api.GET('/v1/doors')),
    ]);
    const offline = locks.filter((l) => !l.online).map((l) => l.id);
    return { stats, offlineDoors: doors.filter((d) => offline.includes(d.lockId)) };
  }, [api]);
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <Loaded load={load}>
        {({ stats, offlineDoors }) => (
          <>
            <div className="tiles">
              <Tile label="Attempts (24 h)" value={stats.attempts} />
              <Tile label="Granted" value={stats.granted} />
              <Tile label="Denied" value={stats.denied} />
              <Tile label="Decision p50" value={ms(stats.latencyMs.p50)} />
              <Tile label="Decision p95" value={ms(stats.latencyMs.p95)} />
              <Tile
                label="Doors offline"
                value={offlineDoors.length}
                warn={offlineDoors.length > 0}
              />
            </div>
            <div className="charts">
              <figure>
                <figcaption>Attempts per hour</figcaption>
                {stats.attempts === 0 ? (
                  <Empty>No attempts in the last 24 hours.</Empty>
                ) : (
                  <ResponsiveContainer width="100%" height={260}>
                    <BarChart data={stats.perHour.map((h) => ({ ...h, hour: hourLabel(h.hour) }))}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="hour" />
                      <YAxis allowDecimals={false} />
                      <Tooltip />
                      <Legend />
                      <Bar dataKey="granted" stackId="a" fill="#2e7d32" name="Granted" />
                      <Bar dataKey="denied" stackId="a" fill="#c62828" name="Denied" />
                    </BarChart>
                  </ResponsiveContainer>
                )}
              </figure>
              <figure>
                <figcaption>Denials by reason</figcaption>
                {stats.denialsByReason.length === 0 ? (
                  <Empty>No denials in the last 24 hours.</Empty>
                ) : (
                  <ResponsiveContainer width="100%" height={260}>
                    <BarChart data={stats.denialsByReason} layout="vertical" margin={{ left: 40 }}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis type="number" allowDecimals={false} />
                      <YAxis type="category" dataKey="reason" width={140} />
                      <Tooltip
                        formatter={(v, _n, item) => [
                          v,
                          describeReason(String(item.payload.reason)),
                        ]}
                      />
                      <Bar dataKey="count" fill="#c62828" name="Denials" />
                    </BarChart>
                  </ResponsiveContainer>
                )}
              </figure>
            </div>
            <h2>Doors offline</h2>
            {offlineDoors.length === 0 ? (
              <Empty>Every door's lock is online.</Empty>
            ) : (
              <ul>
                {offlineDoors.map((d) => (
                  <li key={d.id}>{d.name}</li>
                ))}
              </ul>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function Tile({ label, value, warn }: { label: string; value: string | number; warn?: boolean }) {
  return (
    <div className={warn ? 'tile warn' : 'tile'}>
      <span className="tile-label">{label}</span>
      <strong className="tile-value">{value}</strong>
    </div>
  );
}
