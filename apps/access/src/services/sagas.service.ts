import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import {
  accessDecidedV1,
  AccessRequestedV1,
  DecisionRecord,
  FaceCheckedV1,
  FaceLiveness,
  QrCheckedV1,
} from '@roomkey/contracts';
import { NotFoundError, PeriodicJob } from '@roomkey/common';
import { ACCESS_CONFIG, AccessConfig } from '../config';
import { decide, doorOf, mayDecide, personOf, SagaFacts, Situation } from '../domain/decide';
import { withinWindows } from '../domain/schedule';
import { PermissionRow, PersonRow, SagaRow } from '../repositories/entities';
import { Locks } from './locks.service';
import { Outbox, outboxInsert } from './outbox';

type Part = 'requested' | 'qr' | 'face';

/**
 * The access saga: one row per request id, fed by access.requested.v1, qr.checked.v1 and
 * face.checked.v1 in any order and any number of times. Each part is kept as first received.
 * Once the request and both answers are in (or the facts alone deny it, or its deadline has
 * passed), the saga decides, reading the door, the room and the permission as they are then:
 * the decision, its access.decided.v1 outbox row and (for a grant) the unlock command are written
 * together by one statement, once; a decided saga never changes.
 * Deadlines live in the row, so they survive a restart.
 */
@Injectable()
export class Sagas extends PeriodicJob {
  protected readonly logger = new Logger('access');
  protected readonly jobName = 'deadline sweep';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(SagaRow) private readonly sagas: Repository<SagaRow>,
    @Inject(ACCESS_CONFIG) private readonly config: AccessConfig,
    private readonly outbox: Outbox,
    private readonly locks: Locks,
  ) {
    super();
  }

  /** The sweep runs at the next open deadline it knows of, and every ACCESS_RESCAN_MS besides. */
  protected periodMs(): number {
    return this.config.ACCESS_RESCAN_MS;
  }

  protected runJob(): Promise<void> {
    return this.expire();
  }

  async onRequested(e: AccessRequestedV1): Promise<void> {
    const p = e.payload;
    const part = {
      at: p.at,
      mode: p.mode,
      channel: p.channel,
      hasFace: p.faceCaptureId !== undefined,
      ...(p.roomId ? { roomId: p.roomId } : {}),
      ...(p.doorId ? { doorId: p.doorId } : {}),
      ...(p.userId ? { userId: p.userId } : {}),
    };
    // Roles a token carries are never taken: they are as old as the token. Only the auth app's
    // events say what a person's roles are (People).
    const deadline = new Date(Date.parse(p.at) + this.config.ACCESS_DEADLINE_MS);
    await this.record(p.requestId, 'requested', part, deadline, e.correlationId);
    // A request that reached this instance late may fall due before the sweep's next run.
    this.runIn(deadline.getTime() - Date.now());
  }

  onQrChecked(e: QrCheckedV1): Promise<void> {
    const { requestId, ...rest } = e.payload;
    return this.record(requestId, 'qr', rest, undefined, e.correlationId);
  }

  onFaceChecked(e: FaceCheckedV1): Promise<void> {
    const { requestId, ...rest } = e.payload;
    return this.record(requestId, 'face', rest, undefined, e.correlationId);
  }

  async record(
    requestId: string,
    part: Part,
    value: Record<string, unknown>,
    deadline: Date | undefined,
    correlationId: string,
  ): Promise<void> {
    // A part is kept as first received; the request's own deadline replaces a provisional one.
    // One statement on its own: most parts only wait for the others, and only a part after
    // which the saga may decide opens the decision's transaction.
    const provisional = new Date(Date.now() + this.config.ACCESS_DEADLINE_MS);
    const [row] = (await this.db.query(
      `insert into sagas (request_id, ${part}, deadline, created_at) values ($1, $2, $3, now())
       on conflict (request_id) do update set
         ${part} = coalesce(sagas.${part}, excluded.${part}),
         deadline = case when $4 and sagas.requested is null then excluded.deadline else sagas.deadline end
       returning ${SAGA_STATE}`,
      [requestId, value, deadline ?? provisional, deadline !== undefined],
    )) as SagaState[];
    if (row) await this.decideOn(requestId, row, correlationId);
  }

  /** Decides if the facts allow (or the deadline has passed); a no-op once decided. */
  async tryDecide(requestId: string, correlationId: string = requestId): Promise<void> {
    const row = await this.read(requestId);
    if (row) await this.decideOn(requestId, row, correlationId);
  }

  private async read(requestId: string): Promise<SagaState | undefined> {
    const [row] = (await this.db.query(`select ${SAGA_STATE} from sagas where request_id = $1`, [
      requestId,
    ])) as SagaState[];
    return row;
  }

  /**
   * Decides on the saga as `saga` read it. The decision, its unlock command (a grant) and its
   * event are one statement, which writes only while the saga is undecided and its parts are the
   * ones decided on: one decision per request, with no lock held between statements. Should a
   * part have come in meanwhile, the saga is read again and judged on it.
   */
  private async decideOn(requestId: string, saga: SagaState, correlationId: string): Promise<void> {
    for (let row: SagaState | undefined = saga; row && !row.decision;) {
      const facts = factsOf(row);
      const now = new Date();
      if (!mayDecide(facts, now >= row.deadline)) return;
      const situation = await this.situation(facts);
      const verdict = decide(facts, situation, now >= row.deadline);
      if (!verdict) return;
      const door = situation?.door;
      const lockId = verdict.decision === 'granted' && door ? door.lockId : null;
      const at = facts.requested?.at ?? row.createdAt;
      const person = personOf(facts);
      const written = (await this.db.query(
        `with decided as (
           update sagas set decision = $2, reasons = $3::jsonb, decided_at = $4, door_id = $5,
                            lock_id = $6
           where request_id = $1 and decision is null
             and (requested is null, qr is null, face is null) = ($10, $11, $12)
           returning request_id),
         unlock as (
           insert into lock_commands (request_id, lock_id, created_at)
           select request_id, $6, $4 from decided where $6::uuid is not null
           on conflict do nothing)
         ${outboxInsert('decided', 7)} returning 1`,
        [
          requestId,
          verdict.decision,
          JSON.stringify(verdict.reasons),
          now,
          door?.id ?? doorOf(facts) ?? null,
          lockId,
          ...this.outbox.params(accessDecidedV1, {
            key: requestId,
            correlationId,
            payload: {
              requestId,
              decision: verdict.decision,
              reasons: verdict.reasons,
              ...(person ? { userId: person } : {}),
              ...(facts.requested?.roomId ? { roomId: facts.requested.roomId } : {}),
              ...(door ? { doorId: door.id } : {}),
              ...(lockId ? { lockId } : {}),
              ...livenessOf(facts),
              latencyMs: Math.max(0, now.getTime() - at.getTime()),
            },
          }),
          row.requested === null,
          row.qr === null,
          row.face === null,
        ],
      )) as unknown[];
      if (written.length > 0) {
        this.logger.log(
          `request ${requestId}: ${verdict.decision}${verdict.reasons.length ? ` (${verdict.reasons.join(', ')})` : ''}`,
        );
        // Committed: the decision's event and the unlock go out now rather than at the next tick.
        this.outbox.added();
        if (lockId !== null) this.locks.runSoon();
        return;
      }
      // Decided elsewhere, or a part came in: read the saga again.
      row = await this.read(requestId);
    }
  }

  /**
   * Denies, with `timeout`, every request whose deadline passed with answers missing, and asks
   * for the next run at the earliest deadline still open (counted by the database's clock, as
   * `due` is, so clocks that differ cannot make it run early over and over).
   */
  async expire(): Promise<void> {
    const rows = await this.db.query<{ request_id: string | null; in_ms: number | null }[]>(
      `(select request_id, null::float8 as in_ms from sagas
        where decision is null and deadline <= now() order by deadline limit 100)
       union all
       select null, extract(epoch from min(deadline) - now()) * 1000 from sagas
       where decision is null and deadline > now()`,
    );
    for (const { request_id } of rows) if (request_id) await this.tryDecide(request_id);
    const next = rows.find((r) => r.in_ms !== null)?.in_ms;
    if (next != null) this.runIn(Number(next));
  }

  async decisionRecord(requestId: string): Promise<DecisionRecord> {
    const s = await this.sagas.findOneBy({ requestId });
    if (!s) throw new NotFoundError('DECISION_NOT_FOUND', 'no access request with this id');
    return {
      requestId,
      decision: s.decision,
      reasons: s.reasons ?? [],
      decidedAt: s.decidedAt ? s.decidedAt.toISOString() : null,
      doorId: s.doorId,
      lockId: s.lockId,
      doorConfirmed: s.doorConfirmed,
    };
  }

  /** The door, the room's lockdown and the person's permission, as of the request's time. */
  private async situation(f: SagaFacts): Promise<
    | (Situation & {
        door?: { id: string; roomId: string; lockId: string; requireActiveLiveness: boolean };
      })
    | undefined
  > {
    if (!f.requested) return undefined;
    // The door, its room (else the room asked for), the room's site and rules, and the person's
    // known roles: one round trip.
    const [place] = (await this.db.query(
      `select d.id as door_id, d.room_id as door_room_id, d.lock_id, d.require_active_liveness,
              r.id as room_id, r.locked_down, s.time_zone,
              (select roles from people where user_id = $3) as known_roles,
              (select status from people where user_id = $3) as person_status,
              (select coalesce(json_agg(json_build_object(
                        'subject_type', p.subject_type, 'subject', p.subject,
                        'valid_from', p.valid_from, 'valid_until', p.valid_until,
                        'windows', p.windows)), '[]')
               from permissions p where p.room_id = r.id) as rules
       from (select $1::uuid as door_id, $2::uuid as room_id) asked
       left join doors d on d.id = asked.door_id
       left join rooms r on r.id = coalesce(d.room_id, asked.room_id)
       left join sites s on s.id = r.site_id`,
      [doorOf(f) ?? null, f.requested.roomId ?? null, personOf(f) ?? null],
    )) as Place[];
    let permitted = false;
    if (place?.room_id && place.time_zone) {
      // A valid visitor pass is itself the permission, for the doors and window it names.
      if (f.qr?.outcome === 'valid' && f.qr.passId) permitted = true;
      else {
        const person = personOf(f);
        if (person) permitted = isPermitted(place, place.time_zone, person, f.requested);
      }
    }
    return {
      ...(place?.door_id
        ? {
            door: {
              id: place.door_id,
              roomId: place.door_room_id!,
              lockId: place.lock_id!,
              requireActiveLiveness: place.require_active_liveness ?? false,
            },
          }
        : {}),
      lockedDown: place?.locked_down ?? false,
      permitted,
      accountDisabled: place?.person_status === 'disabled' || place?.person_status === 'deleted',
    };
  }
}

/** Which liveness judged the face the decision used, as access.decided.v1 names it. */
function livenessOf(f: SagaFacts) {
  const parsed = FaceLiveness.safeParse(f.face?.liveness);
  return parsed.success ? { liveness: parsed.data } : {};
}

/** Where a request is for, as `situation` reads it. */
interface Place {
  door_id: string | null;
  door_room_id: string | null;
  lock_id: string | null;
  require_active_liveness: boolean | null;
  room_id: string | null;
  locked_down: boolean | null;
  time_zone: string | null;
  known_roles: string[] | null;
  person_status: PersonRow['status'] | null;
  /** The room's permissions (timestamps as ISO strings). */
  rules: {
    subject_type: PermissionRow['subjectType'];
    subject: string;
    valid_from: string | null;
    valid_until: string | null;
    windows: PermissionRow['windows'];
  }[];
}

/** Whether a rule of the room lets the person (by id, or by a role) in at the request's time. */
function isPermitted(
  place: Place,
  timeZone: string,
  userId: string,
  requested: NonNullable<SagaFacts['requested']>,
): boolean {
  const { at } = requested;
  const roles = new Set(place.known_roles ?? []);
  return place.rules.some(
    (r) =>
      (r.subject_type === 'user' ? r.subject === userId : roles.has(r.subject)) &&
      (!r.valid_from || at >= new Date(r.valid_from)) &&
      (!r.valid_until || at < new Date(r.valid_until)) &&
      withinWindows(r.windows, at, timeZone),
  );
}

type Stored = SagaFacts['requested'] & { at: string };

/** What deciding reads of a saga's row. */
type SagaState = Pick<SagaRow, 'requested' | 'qr' | 'face' | 'deadline' | 'decision' | 'createdAt'>;
const SAGA_STATE = 'requested, qr, face, deadline, decision, created_at as "createdAt"';

function factsOf(s: Pick<SagaState, 'requested' | 'qr' | 'face'>): SagaFacts {
  const req = s.requested as unknown as Stored | null;
  return {
    ...(req ? { requested: { ...req, at: new Date(req.at) } } : {}),
    ...(s.qr ? { qr: s.qr as unknown as SagaFacts['qr'] } : {}),
    ...(s.face ? { face: s.face as unknown as SagaFacts['face'] } : {}),
  };
}
