import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_TOPICS,
  AccessRequestedV1,
  CreateAccessRequestBody,
  DeadLetterV1,
  DLQ_TOPICS,
  EVENT_TOPICS,
  SCALING_PARTITIONS,
  dlqTopicName,
  Instant,
  Text,
} from './index';

const FIXTURES = join(__dirname, '..', 'fixtures');
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));

describe('contracts', () => {
  it.each(EVENT_TOPICS.map((t) => [t.name, t] as const))(
    'the golden fixture of %s still parses',
    (name, spec) => {
      const parsed = spec.schema.safeParse(fixture(name));
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(parsed.success).toBe(true);
    },
  );

  it('the golden dead-letter fixture parses, and every DLQ topic uses that schema', () => {
    expect(DeadLetterV1.safeParse(fixture('dead-letter.v1')).success).toBe(true);
    for (const dlq of DLQ_TOPICS) expect(dlq.schema).toBe(DeadLetterV1);
  });

  it('has one fixture per event version and nothing stale', () => {
    const files = readdirSync(FIXTURES).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...EVENT_TOPICS.map((t) => t.name), 'dead-letter.v1'].sort());
  });

  it('names topics <domain>.<event>.v<N>, each consumed one with a DLQ, positive partitions and retention', () => {
    for (const t of EVENT_TOPICS) {
      expect(t.name).toMatch(/^[a-z]+\.[a-z-]+\.v\d+$/);
      const dlq = expect(ALL_TOPICS.map((x) => x.name));
      if (t.consumers.length > 0) dlq.toContain(dlqTopicName(t.name));
      else dlq.not.toContain(dlqTopicName(t.name));
    }
    for (const t of ALL_TOPICS) {
      expect(t.partitions).toBeGreaterThan(0);
      expect(t.retentionMs).toBeGreaterThan(0);
    }
    expect(new Set(ALL_TOPICS.map((t) => t.name)).size).toBe(ALL_TOPICS.length);
  });

  it('gives every consumed event topic a partition for each instance an app may scale to', () => {
    for (const t of EVENT_TOPICS.filter((x) => x.consumers.length > 0)) {
      expect([t.name, t.partitions]).toEqual([t.name, SCALING_PARTITIONS]);
    }
  });

  it('keeps raw images off every topic but the short-lived capture topics', () => {
    for (const name of ['face.captured.v1', 'face.captured.v2']) {
      const capture = ALL_TOPICS.find((t) => t.name === name);
      expect(capture?.retentionMs).toBeLessThanOrEqual(15 * 60 * 1000);
    }
  });

  it('accepts optional fields a newer producer adds within a version, and strips them', () => {
    const event = fixture('access.requested.v1') as Record<string, unknown>;
    const parsed = AccessRequestedV1.parse({ ...event, addedLater: 1 });
    expect(parsed).not.toHaveProperty('addedLater');
  });

  it('rejects an envelope with a wrong type, a bad id or a missing payload field', () => {
    const event = fixture('access.requested.v1') as { payload: Record<string, unknown> };
    expect(AccessRequestedV1.safeParse({ ...event, type: 'qr.checked' }).success).toBe(false);
    expect(AccessRequestedV1.safeParse({ ...event, eventId: 'nope' }).success).toBe(false);
    const { qr: _qr, ...withoutQr } = event.payload;
    expect(AccessRequestedV1.safeParse({ ...event, payload: withoutQr }).success).toBe(false);
  });

  describe('CreateAccessRequestBody', () => {
    const good = { roomId: '3a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a', qr: 'RK1.x.y' };
    it('accepts a room id and a QR payload', () => {
      expect(CreateAccessRequestBody.parse(good)).toEqual(good);
    });
    it('accepts a QR payload alone: a door code names its door', () => {
      expect(CreateAccessRequestBody.parse({ qr: good.qr })).toEqual({ qr: good.qr });
    });
    it.each([
      ['an unknown field', { ...good, admin: true }],
      ['a non-uuid room', { ...good, roomId: 'lobby' }],
      ['an empty QR', { ...good, qr: '' }],
      ['more text than a QR code holds', { ...good, qr: 'x'.repeat(4297) }],
      ['a number for the QR', { ...good, qr: 5 }],
    ])('rejects %s', (_label, body) => {
      expect(CreateAccessRequestBody.safeParse(body).success).toBe(false);
    });
  });
});

describe('Text', () => {
  it('takes what people type and refuses control characters and lone surrogates', () => {
    const name = Text(20);
    expect(name.parse('  Salle 1 — Ôà  ')).toBe('Salle 1 — Ôà');
    expect(name.parse('会议室 🚪')).toBe('会议室 🚪');
    for (const bad of ['a\u0000b', 'tab\there', 'x\u0085', 'a\udb23b', '   ', 'x'.repeat(21)]) {
      expect(name.safeParse(bad).success).toBe(false);
    }
  });
});

describe('Instant', () => {
  it('takes offsets of real time zones and refuses ones no store can keep', () => {
    for (const ok of [
      '2026-11-24T10:00:00Z',
      '2026-11-24T10:00:00.123+14:00',
      '0536-11-27T21:17:34-12:00',
    ])
      expect(Instant.safeParse(ok).success).toBe(true);
    for (const bad of ['2026-11-24T10:00:00-21:50', '2026-11-24T10:00:00+16:00', '2026-11-24'])
      expect(Instant.safeParse(bad).success).toBe(false);
  });
});
