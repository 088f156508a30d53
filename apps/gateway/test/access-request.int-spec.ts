import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_REQUESTED_V1 } from '@roomkey/contracts';
import { auditAppOptions } from '../../audit/src/app';
import { loadAuditConfig } from '../../audit/src/config';
import { LOGGED_TOPICS } from '../../audit/src/consumers/event-log.consumer';
import { TEST_AUDIT_KEYS } from '../../audit/test/support';
import { eventually, startTestApp, unique } from '../../../test/support/apps';
import {
  ADMIN,
  call,
  kioskToken,
  login,
  memberToken,
  startAuth,
  startGatewayFor,
  StartedAuth,
} from '../../../test/support/auth';
import { groupAtEnd, publishDecision, topicEnd } from '../../../test/support/kafka';
import { freshDatabase, query } from '../../../test/support/postgres';

const ROOM = '3a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a';

describe('an access request through the gateway, the real broker and the audit log', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let audit: { app: INestApplication; url: string };
  let gateway: { app: INestApplication; url: string };
  let auth: StartedAuth;
  let token: string;
  const bearer = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    auth = await startAuth();
    db = await freshDatabase('roomkey_audit');
    // A new audit group reads every topic from its start: this one starts at their ends, so the
    // test waits for its own records only, however many the topics already hold.
    const group = unique('roomkey.audit.it');
    await groupAtEnd(group, LOGGED_TOPICS);
    audit = await startTestApp(
      auditAppOptions(
        loadAuditConfig({
          DATABASE_URL: db.url,
          JWKS_URL: auth.jwksUrl,
          KAFKA_GROUP_ID: group,
          LOG_LEVEL: 'warn',
          ...TEST_AUDIT_KEYS,
        }),
      ),
    );
    gateway = await startGatewayFor(auth, { AUDIT_URL: audit.url });
    token = (await login(gateway.url, ADMIN.email, ADMIN.password)).accessToken;
  });

  afterAll(async () => {
    await gateway?.app.close();
    await audit?.app.close();
    await auth?.stop();
    await db?.drop();
  });

  const post = (
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) =>
    fetch(`${gateway.url}/v1/access-requests`, {
      method: 'POST',
      headers: { ...bearer(), ...headers },
      body,
    });

  it('answers 202 with a request id, says pending, logs the event, then reports the decision', async () => {
    const res = await post(JSON.stringify({ roomId: ROOM, qr: 'RK1.room.code' }));
    expect(res.status).toBe(202);
    const { requestId } = (await res.json()) as { requestId: string };
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const pending = await fetch(`${gateway.url}/v1/access-requests/${requestId}`, {
      headers: bearer(),
    });
    expect(pending.status).toBe(200);
    expect(await pending.json()).toMatchObject({
      requestId,
      status: 'pending',
      reasons: [],
      decidedAt: null,
    });

    // The audit app consumed access.requested.v1 from the broker and stored it in PostgreSQL.
    const [row] = await eventually(
      async () => {
        const rows = await query<{
          topic: string;
          type: string;
          payload: { roomId: string; qr: string; channel: string };
        }>(db.url, 'select topic, type, payload from event_log where correlation_id = $1', [
          requestId,
        ]);
        return rows.length > 0 ? rows : undefined;
      },
      30000,
      'the audit row',
    );
    expect(row).toMatchObject({ topic: ACCESS_REQUESTED_V1, type: 'access.requested' });
    expect(row.payload).toMatchObject({
      roomId: ROOM,
      // The log keeps that a code was scanned, not the code (a pass is a credential).
      qr: '… (13 characters)',
      channel: 'mobile',
      userId: expect.any(String),
    });

    // A decision, published as the access app (the one principal allowed to), reaches the
    // gateway and the log.
    await publishDecision({
      requestId,
      decision: 'denied',
      reasons: ['no-permission'],
      latencyMs: 12,
    });
    const decided = await eventually(
      async () => {
        const body = (await (
          await fetch(`${gateway.url}/v1/access-requests/${requestId}`, { headers: bearer() })
        ).json()) as { status: string };
        return body.status === 'pending' ? undefined : body;
      },
      30000,
      'the decision',
    );
    expect(decided).toMatchObject({ requestId, status: 'denied', reasons: ['no-permission'] });
    await eventually(
      async () => {
        const rows = await query(
          db.url,
          "select 1 from event_log where correlation_id = $1 and type = 'access.decided'",
          [requestId],
        );
        return rows.length === 1 ? rows : undefined;
      },
      30000,
      'the logged decision',
    );
  });

  it('is read only by its requester, a kiosk of its door and security staff; the requester is told one face reason', async () => {
    const door = randomUUID();
    const member = await memberToken(gateway.url, token);
    const stranger = await memberToken(gateway.url, token);
    const security = await memberToken(gateway.url, token, ['security']);
    const ownKiosk = await kioskToken(gateway.url, token, [door]);
    const otherKiosk = await kioskToken(gateway.url, token, [randomUUID()]);
    const sent = await call(gateway.url, 'POST', '/v1/access-requests', {
      token: member.token,
      body: { roomId: ROOM, doorId: door, qr: 'RK1.R.X' },
    });
    const { requestId } = sent.body as { requestId: string };
    await publishDecision({
      requestId,
      decision: 'denied',
      reasons: ['face-spoof'],
      userId: member.userId,
      doorId: door,
      latencyMs: 9,
    });
    // This instance accepted it; a second one only saw the decision and asks the audit log.
    const other = await startGatewayFor(auth, { AUDIT_URL: audit.url });
    try {
      for (const base of [gateway.url, other.url]) {
        const read = (t: string) =>
          eventually(async () => {
            const res = await call(base, 'GET', `/v1/access-requests/${requestId}`, { token: t });
            return res.status === 200 && res.body.status === 'pending' ? undefined : res;
          }, 30000);
        expect(await read(member.token)).toMatchObject({
          status: 200,
          body: { status: 'denied', reasons: ['face-not-verified'] },
        });
        expect(await read(ownKiosk.token)).toMatchObject({
          status: 200,
          body: { reasons: ['face-not-verified'] },
        });
        expect(await read(security.token)).toMatchObject({
          status: 200,
          body: { reasons: ['face-spoof'] },
        });
        for (const outsider of [stranger.token, otherKiosk.token]) {
          expect(await read(outsider)).toMatchObject({
            status: 404,
            body: { code: 'ACCESS_REQUEST_NOT_FOUND' },
          });
        }
      }
      const history = await eventually(async () => {
        const res = await call(gateway.url, 'GET', '/v1/me/history', { token: member.token });
        return res.body.items?.length ? res : undefined;
      }, 30000);
      expect(history.body.items[0]).toMatchObject({ requestId, reasons: ['face-not-verified'] });
    } finally {
      await other.app.close();
    }
  });

  it("carries the caller's trace from the HTTP request through Kafka into the audit log", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await post(JSON.stringify({ roomId: ROOM, qr: 'RK1.traced' }), {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-b7ad6b7169203331-01`,
    });
    expect(res.status).toBe(202);
    const { requestId } = (await res.json()) as { requestId: string };
    const [row] = await eventually(
      async () => {
        const rows = await query<{ trace_id: string }>(
          db.url,
          'select trace_id from event_log where correlation_id = $1',
          [requestId],
        );
        return rows.length > 0 ? rows : undefined;
      },
      30000,
      'the traced row',
    );
    expect(row.trace_id).toBe(traceId);
  });

  it('answers unknown and malformed ids with 404 and 400', async () => {
    const unknown = await fetch(`${gateway.url}/v1/access-requests/${ROOM}`, { headers: bearer() });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      code: 'ACCESS_REQUEST_NOT_FOUND',
      requestId: expect.any(String),
    });
    const bad = await fetch(`${gateway.url}/v1/access-requests/not-a-uuid`, { headers: bearer() });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it("is refused by audit's internal API without a valid token, and by the gateway", async () => {
    const internal = await fetch(`${audit.url}/internal/access-requests/${ROOM}`);
    expect(internal.status).toBe(401);
    expect(await internal.json()).toMatchObject({ code: 'TOKEN_MISSING' });
    const forged = await fetch(`${audit.url}/internal/access-requests/${ROOM}`, {
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
    const anonymous = await fetch(`${gateway.url}/v1/access-requests/${ROOM}`);
    expect(anonymous.status).toBe(401);
  });

  it.each([
    ['malformed JSON', '{"roomId":', 400, 'MALFORMED_JSON'],
    ['JSON that is not an object', 'null', 400, 'MALFORMED_JSON'],
    [
      'an unknown field',
      JSON.stringify({ roomId: ROOM, qr: 'RK1.x', admin: true }),
      400,
      'VALIDATION_FAILED',
    ],
    ['wrong types', JSON.stringify({ roomId: 7, qr: ['x'] }), 400, 'VALIDATION_FAILED'],
    ['a missing field', JSON.stringify({ roomId: ROOM }), 400, 'VALIDATION_FAILED'],
    ['an empty QR', JSON.stringify({ roomId: ROOM, qr: '' }), 400, 'VALIDATION_FAILED'],
    [
      'an oversized body',
      JSON.stringify({ roomId: ROOM, qr: 'x'.repeat(40000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('rejects %s with a stable 4xx code and emits nothing', async (_label, body, status, code) => {
    const before = await topicEnd(ACCESS_REQUESTED_V1);
    const res = await post(body);
    expect(res.status).toBe(status);
    const answer = (await res.json()) as { code: string; message: string; requestId: string };
    expect(answer).toMatchObject({
      code,
      message: expect.any(String),
      requestId: expect.any(String),
    });
    expect(answer.message).not.toContain('x'.repeat(100));
    expect(await topicEnd(ACCESS_REQUESTED_V1)).toBe(before);
  });

  it('rejects a body that is not JSON with 415 and emits nothing', async () => {
    const before = await topicEnd(ACCESS_REQUESTED_V1);
    const res = await post('roomId=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await topicEnd(ACCESS_REQUESTED_V1)).toBe(before);
  });

  it('serves the OpenAPI document with the contract schemas and error codes', async () => {
    const doc = (await (await fetch(`${gateway.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: {
        schemas: Record<string, { required?: string[]; additionalProperties?: unknown }>;
      };
    };
    expect(Object.keys(doc.paths['/v1/access-requests'].post.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '413', '415']),
    );
    expect(doc.components.schemas.CreateAccessRequestBody.required).toEqual(['qr']);
    expect(doc.components.schemas.CreateAccessRequestBody.additionalProperties).toBe(false);
    expect(doc.components.schemas.ErrorBody.required).toEqual(['code', 'message', 'requestId']);
  });
});
