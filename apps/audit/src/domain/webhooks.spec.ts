import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { AlertView } from '@roomkey/contracts';
import { webhookBody, webhookMessages } from './webhook-messages';
import { nextAttemptDelay } from './webhook-retry';
import { addressAllowed, checkWebhookUrl, WebhookUrlRefused } from './webhook-url';

const STRICT = { allowPrivate: false, devHttpLoopback: false };
const PRIVATE = { allowPrivate: true, devHttpLoopback: false };
const DEV = { allowPrivate: false, devHttpLoopback: true };

const refusal = (url: string, policy = STRICT) => {
  try {
    checkWebhookUrl(url, policy);
    return 'accepted';
  } catch (err) {
    return (err as WebhookUrlRefused).code;
  }
};

describe('webhook URLs', () => {
  it('takes public https URLs, and refuses http, other schemes, credentials and fragments', () => {
    expect(refusal('https://hooks.example.com/roomkey?team=1')).toBe('accepted');
    expect(refusal('https://93.184.215.14:8443/in')).toBe('accepted');
    expect(refusal('http://hooks.example.com/in')).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect(refusal('ftp://hooks.example.com/in')).toBe('WEBHOOK_URL_INVALID');
    expect(refusal('https://u:p@hooks.example.com/in')).toBe('WEBHOOK_URL_INVALID');
    expect(refusal('https://hooks.example.com/in#x')).toBe('WEBHOOK_URL_INVALID');
    expect(refusal('not a url')).toBe('WEBHOOK_URL_INVALID');
  });

  it('refuses private, loopback, link-local and reserved addresses unless a setting allows them', () => {
    for (const url of [
      'https://10.0.0.5/',
      'https://192.168.1.1/',
      'https://172.16.3.4/',
      'https://127.0.0.1/',
      'https://localhost/',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://169.254.169.254/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
      // Documentation ranges are reserved, not someone's server.
      'https://203.0.113.10/',
    ]) {
      expect([url, refusal(url)]).toEqual([url, 'WEBHOOK_URL_NOT_ALLOWED']);
    }
    expect(refusal('https://10.0.0.5/', PRIVATE)).toBe('accepted');
    expect(refusal('https://127.0.0.1/', PRIVATE)).toBe('accepted');
    // The metadata address stays out whatever the setting.
    expect(refusal('https://169.254.169.254/', PRIVATE)).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect(addressAllowed('fe80::1', PRIVATE)).toBe(false);
  });

  it('lets development send plain http to loopback only', () => {
    expect(refusal('http://127.0.0.1:4000/in', DEV)).toBe('accepted');
    expect(refusal('http://localhost:4000/in', DEV)).toBe('accepted');
    expect(refusal('http://[::1]:4000/in', DEV)).toBe('accepted');
    expect(refusal('http://10.0.0.5/in', DEV)).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect(refusal('http://hooks.example.com/in', DEV)).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect(addressAllowed('10.0.0.5', DEV)).toBe(false);
  });
});

describe('webhook retries', () => {
  const policy = { baseMs: 10_000, maxMs: 3_600_000, maxAttempts: 10 };

  it('doubles the wait after each failure, up to the cap, with at most 20 % taken off', () => {
    expect(nextAttemptDelay(policy, 1, 0.9999999999)).toBe(10_000);
    expect(nextAttemptDelay(policy, 2, 0.9999999999)).toBe(20_000);
    expect(nextAttemptDelay(policy, 3, 0)).toBe(32_000);
    expect(nextAttemptDelay(policy, 9, 0.9999999999)).toBe(2_560_000);
    expect(nextAttemptDelay({ ...policy, maxAttempts: 30 }, 20, 0.9999999999)).toBe(3_600_000);
  });

  it('gives up once the attempts are spent', () => {
    expect(nextAttemptDelay(policy, 10)).toBeNull();
    expect(nextAttemptDelay({ ...policy, maxAttempts: 1 }, 1)).toBeNull();
  });
});

describe('webhook messages', () => {
  const at = new Date('2026-01-15T09:30:00.000Z');
  const row = (topic: string, payload: Record<string, unknown>) => ({
    eventId: randomUUID(),
    topic,
    occurredAt: at,
    payload,
  });

  it('makes one message of a decision, a door forced or held open, and a lock going offline', () => {
    const lockId = randomUUID();
    const decided = row('access.decided.v1', { requestId: randomUUID(), decision: 'denied' });
    expect(webhookMessages(decided, [])).toEqual([
      {
        id: decided.eventId,
        type: 'access.decided',
        data: { ...decided.payload, decidedAt: at.toISOString() },
      },
    ]);
    const types = (topic: string, payload: Record<string, unknown>) =>
      webhookMessages(row(topic, payload), []).map((m) => m.type);
    expect(types('lock.events.v1', { lockId, kind: 'state', state: 'forced' })).toEqual([
      'door.forced',
    ]);
    expect(types('lock.events.v1', { lockId, kind: 'state', state: 'held-open' })).toEqual([
      'door.held-open',
    ]);
    expect(types('lock.events.v1', { lockId, kind: 'offline' })).toEqual(['lock.offline']);
    expect(types('lock.events.v1', { lockId, kind: 'state', state: 'unlocked' })).toEqual([]);
    expect(types('audit.alerts.v1', { state: 'acknowledged' })).toEqual(['alert.acknowledged']);
    expect(types('audit.alerts.v1', { state: 'resolved' })).toEqual(['alert.resolved']);
    // An opened alert is announced from the row that opened it, not from its announcement.
    expect(types('audit.alerts.v1', { state: 'open' })).toEqual([]);
    expect(types('access.requested.v1', { requestId: randomUUID() })).toEqual([]);
  });

  it('announces an opened alert under an id of its own, the same whichever row opened it', () => {
    const alert = { id: randomUUID(), type: 'door-forced' } as AlertView;
    const a = webhookMessages(row('lock.events.v1', { kind: 'ack' }), [alert]);
    const b = webhookMessages(row('face.checked.v1', {}), [alert]);
    expect(a).toEqual(b);
    expect(a[0]).toMatchObject({ type: 'alert.opened', data: { id: alert.id } });
  });

  it('is a body a Standard Webhooks receiver verifies', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const [m] = webhookMessages(row('lock.events.v1', { kind: 'offline', lockId: 'x' }), []);
    const body = webhookBody(m!, at);
    const now = new Date();
    const hook = new Webhook(secret);
    const headers = {
      'webhook-id': m!.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': hook.sign(m!.id, now, body),
    };
    expect(hook.verify(body, headers)).toEqual({
      type: 'lock.offline',
      timestamp: at.toISOString(),
      data: { lockId: 'x', at: at.toISOString() },
    });
  });
});
