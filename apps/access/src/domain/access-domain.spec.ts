import { decide, mayDecide, SagaFacts, Situation } from './decide';
import { withinWindows, TimeWindow } from './schedule';
import { commandSigned, isLastWill, reportSigned, signCommand, signReport } from './lock-command';
import { lockAccount } from './lock-account';
import { RefusedReports } from './refused-reports';

describe('weekly windows in a time zone', () => {
  const nine2five: TimeWindow[] = [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' },
  ];
  const NY = 'America/New_York';

  it('holds up to the last instant before the end, not at it (New York, after DST began)', () => {
    // Monday 9 March 2026, EDT (UTC-4): 17:00 local is 21:00Z.
    expect(withinWindows(nine2five, new Date('2026-03-09T20:59:59.999Z'), NY)).toBe(true);
    expect(withinWindows(nine2five, new Date('2026-03-09T21:00:00.000Z'), NY)).toBe(false);
    expect(withinWindows(nine2five, new Date('2026-03-09T13:00:00.000Z'), NY)).toBe(true);
    expect(withinWindows(nine2five, new Date('2026-03-09T12:59:59.999Z'), NY)).toBe(false);
  });

  it('follows the zone across daylight saving (EST, UTC-5, in February)', () => {
    expect(withinWindows(nine2five, new Date('2026-02-09T21:59:59Z'), NY)).toBe(true);
    expect(withinWindows(nine2five, new Date('2026-02-09T22:00:00Z'), NY)).toBe(false);
  });

  it('takes the weekday in the zone, not in UTC', () => {
    // Saturday 01:00Z is still Friday 20:00 in New York: outside 9-17, but inside a Friday evening window.
    const fridayEvening: TimeWindow[] = [{ days: ['fri'], from: '18:00', to: '24:00' }];
    expect(withinWindows(fridayEvening, new Date('2026-03-14T01:00:00Z'), NY)).toBe(true);
    expect(withinWindows(fridayEvening, new Date('2026-03-14T01:00:00Z'), 'UTC')).toBe(false);
  });

  it('no windows means at any time', () => {
    expect(withinWindows(null, new Date(), NY)).toBe(true);
  });
});

describe('the decision', () => {
  const U = 'u';
  const ok: SagaFacts = {
    requested: { at: new Date(), roomId: 'r', doorId: 'd', userId: U, hasFace: true },
    qr: { outcome: 'valid', doorId: 'd', userId: U },
    face: { outcome: 'match', userId: U },
  };
  const fine: Situation = { door: { id: 'd', roomId: 'r' }, lockedDown: false, permitted: true };

  it('grants only when everything holds', () => {
    expect(decide(ok, fine, false)).toEqual({ decision: 'granted', reasons: [] });
  });

  it('waits for what is missing, then times out', () => {
    const { face: _face, ...noFace } = ok;
    expect(decide(noFace, fine, false)).toBeUndefined();
    expect(decide(noFace, fine, true)).toEqual({ decision: 'denied', reasons: ['timeout'] });
  });

  it('a complete set of answers after the deadline is still a timeout', () => {
    expect(decide(ok, fine, true)).toEqual({ decision: 'denied', reasons: ['timeout'] });
  });

  it('denies with every reason that applies', () => {
    const bad: SagaFacts = { ...ok, face: { outcome: 'match', userId: 'someone-else' } };
    expect(
      decide(bad, { ...fine, lockedDown: true, permitted: false }, false)?.reasons.sort(),
    ).toEqual(['face-wrong-person', 'lockdown', 'no-permission']);
    expect(decide({ ...ok, qr: { outcome: 'invalid', reason: 'expired' } }, fine, false)).toEqual({
      decision: 'denied',
      reasons: ['qr-expired'],
    });
    expect(decide(ok, { ...fine, door: undefined }, false)?.reasons).toEqual(['unknown-door']);
  });

  it('at a door that requires active liveness, denies a match judged by passive liveness only', () => {
    const strict = { ...fine, door: { ...fine.door!, requireActiveLiveness: true } };
    const passive: SagaFacts = { ...ok, face: { ...ok.face!, liveness: 'passive' } };
    expect(decide(passive, strict, false)).toEqual({
      decision: 'denied',
      reasons: ['face-liveness-not-active'],
    });
    expect(decide({ ...ok, face: { ...ok.face!, liveness: undefined } }, strict, false)).toEqual({
      decision: 'denied',
      reasons: ['face-liveness-not-active'],
    });
    const active: SagaFacts = { ...ok, face: { ...ok.face!, liveness: 'active' } };
    expect(decide(active, strict, false)).toEqual({ decision: 'granted', reasons: [] });
    // Elsewhere passive liveness is enough.
    expect(decide(passive, fine, false)).toEqual({ decision: 'granted', reasons: [] });
  });

  it('denies a disabled account, whether this app or the qr app saw it first', () => {
    expect(decide(ok, { ...fine, accountDisabled: true }, false)).toEqual({
      decision: 'denied',
      reasons: ['account-disabled'],
    });
    const refusedPass: SagaFacts = {
      ...ok,
      qr: { outcome: 'invalid', reason: 'account-disabled' },
    };
    expect(decide(refusedPass, { ...fine, accountDisabled: true }, false)).toEqual({
      decision: 'denied',
      reasons: ['account-disabled'],
    });
  });

  it('a failed check that arrives before the request waits for it, so the denial names who and where', () => {
    const early: SagaFacts = { qr: { outcome: 'invalid', reason: 'malformed' } };
    expect(decide(early, undefined, false)).toBeUndefined();
    expect(decide(early, undefined, true)).toEqual({
      decision: 'denied',
      reasons: ['qr-malformed'],
    });
    expect(decide({ ...early, requested: ok.requested }, fine, false)).toEqual({
      decision: 'denied',
      reasons: ['qr-malformed'],
    });
  });
});

describe('when the saga decides', () => {
  const requested = { at: new Date(), roomId: 'r', doorId: 'd', userId: 'u', hasFace: true };
  const qr = { outcome: 'valid' as const, doorId: 'd', userId: 'u' };
  const face = { outcome: 'match', userId: 'u' };

  it('waits, without reading the door or the permission, while an answer is missing', () => {
    expect(mayDecide({ requested }, false)).toBe(false);
    expect(mayDecide({ requested, qr }, false)).toBe(false);
    expect(mayDecide({ requested, face }, false)).toBe(false);
    expect(mayDecide({ qr, face }, false)).toBe(false);
  });

  it('decides with the request and both answers in, or when the facts alone deny it', () => {
    expect(mayDecide({ requested, qr, face }, false)).toBe(true);
    expect(mayDecide({ requested: { ...requested, hasFace: false } }, false)).toBe(true);
    expect(mayDecide({ requested, qr: { outcome: 'invalid', reason: 'expired' } }, false)).toBe(
      true,
    );
    expect(mayDecide({ requested, face: { outcome: 'no-match' } }, false)).toBe(true);
  });

  it('decides whatever it knows once the deadline has passed', () => {
    expect(mayDecide({}, true)).toBe(true);
    expect(mayDecide({ qr }, true)).toBe(true);
  });
});

describe('lock commands', () => {
  it('a changed field or another secret breaks the signature', () => {
    const secret = Buffer.alloc(32, 1);
    const c = signCommand(secret, {
      lockId: 'l',
      requestId: 'r',
      action: 'unlock',
      durationS: 5,
      counter: 7,
      expiresAt: 1,
    });
    expect(commandSigned(secret, c)).toBe(true);
    expect(commandSigned(secret, { ...c, counter: 8 })).toBe(false);
    expect(commandSigned(secret, { ...c, durationS: 60 })).toBe(false);
    expect(commandSigned(Buffer.alloc(32, 2), c)).toBe(false);
  });
});

describe('lock state reports', () => {
  const secret = Buffer.alloc(32, 1);
  const report = signReport(secret, { lockId: 'l', counter: 1_700_000_000_000, state: 'locked' });

  it('a changed state, counter or lock, an added field or another secret breaks the signature', () => {
    expect(reportSigned(secret, report)).toBe(true);
    expect(reportSigned(secret, { ...report, state: 'forced' })).toBe(false);
    expect(reportSigned(secret, { ...report, counter: report.counter + 1 })).toBe(false);
    expect(reportSigned(secret, { ...report, lockId: 'm' })).toBe(false);
    expect(reportSigned(secret, { ...report, online: true })).toBe(false);
    expect(reportSigned(Buffer.alloc(32, 2), report)).toBe(false);
    const { mac: _mac, ...unsigned } = report;
    expect(reportSigned(secret, unsigned as typeof report)).toBe(false);
  });

  it('an acknowledgement’s MAC is no report’s', () => {
    const online = signReport(secret, { lockId: 'l', counter: 5, online: true });
    expect(reportSigned(secret, { ...online, state: 'locked', mac: online.mac })).toBe(false);
  });

  it('takes only the bare `{"online":false}` as the last will', () => {
    expect(isLastWill({ online: false })).toBe(true);
    expect(isLastWill({ online: true })).toBe(false);
    expect(isLastWill({ online: false, state: 'forced' })).toBe(false);
    expect(isLastWill({ online: 'false' })).toBe(false);
  });
});

describe('a lock’s broker account', () => {
  it('reads only its own commands and writes only its own state and acknowledgements', () => {
    expect(lockAccount('L')).toEqual({
      username: 'lock-L',
      clientId: 'roomkey-lock-L',
      role: 'lock-L',
      acls: [
        { acltype: 'subscribeLiteral', topic: 'locks/L/cmd', allow: true },
        { acltype: 'publishClientSend', topic: 'locks/L/state', allow: true },
        { acltype: 'publishClientSend', topic: 'locks/L/ack', allow: true },
      ],
    });
  });
});

describe('refused reports', () => {
  it('tells once when a lock reaches the threshold within the window, then counts again', () => {
    const refused = new RefusedReports(3, 60_000);
    expect([0, 1000].map((t) => refused.add('a', t))).toEqual([undefined, undefined]);
    expect(refused.add('b', 1500)).toBeUndefined();
    expect(refused.add('a', 2000)).toBe(3);
    expect([3000, 4000].map((t) => refused.add('a', t))).toEqual([undefined, undefined]);
    expect(refused.add('a', 5000)).toBe(3);
  });

  it('forgets refusals older than the window', () => {
    const refused = new RefusedReports(3, 60_000);
    refused.add('a', 0);
    refused.add('a', 1000);
    // At 60 500 the first is out of the window, the second still in.
    expect(refused.add('a', 60_500)).toBeUndefined();
    expect(refused.add('a', 61_500)).toBeUndefined();
    expect(refused.add('a', 61_600)).toBe(3);
  });
});
