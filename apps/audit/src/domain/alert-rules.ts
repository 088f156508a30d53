/**
 * The alert rules, as data: which events raise which alert about what. Single-event rules fire
 * on one event; the repeated-denials rules count denials in a window (the service counts them
 * in the log). An alert is about a subject (`user:<id>`, `door:<id>`, `lock:<id>`, ...) and
 * stays one alert, its count growing, while it is open.
 */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface AlertHit {
  type: string;
  severity: Severity;
  subject: string;
}

type Payload = Record<string, unknown>;

/**
 * Active liveness failures a person in front of the camera causes by following the prompts
 * badly or slowly (ADR 028): not worth an alert. A replayed burst, another caller's challenge,
 * two people or impossible timing are.
 */
const HONEST_CHALLENGE_FAILURES = new Set(['wrong-pose', 'challenge-expired']);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function singleEventAlerts(topic: string, p: Payload): AlertHit[] {
  const hits: AlertHit[] = [];
  const hit = (type: string, severity: Severity, subject: string | undefined) => {
    if (subject) hits.push({ type, severity, subject });
  };
  switch (topic) {
    case 'face.checked.v1':
      if (p.outcome === 'spoof' && !HONEST_CHALLENGE_FAILURES.has(str(p.challenge) ?? '')) {
        hit('spoof', 'high', p.userId ? `user:${str(p.userId)}` : `request:${str(p.requestId)}`);
      }
      break;
    case 'lock.events.v1': {
      const lock = `lock:${str(p.lockId)}`;
      if (p.state === 'forced') hit('door-forced', 'critical', lock);
      if (p.state === 'held-open') hit('door-held-open', 'medium', lock);
      if (p.kind === 'offline') hit('lock-offline', 'high', lock);
      if (p.kind === 'command-timeout') hit('lock-command-timeout', 'high', lock);
      // Someone who can write the lock's topic without its secret: stolen broker credentials.
      if (p.kind === 'reports-refused') hit('lock-reports-refused', 'high', lock);
      break;
    }
    case 'access.decided.v1':
      if (Array.isArray(p.reasons) && p.reasons.includes('lockdown')) {
        hit(
          'lockdown-attempt',
          'high',
          p.roomId ? `room:${str(p.roomId)}` : `door:${str(p.doorId)}`,
        );
      }
      break;
    case 'face.enrolment.v1': {
      // The face that opens a person's doors changed, or someone asks for it to change.
      const user = `user:${str(p.userId)}`;
      if (p.kind === 'enrolled') hit('face-enrolled', p.via === 'matched' ? 'low' : 'medium', user);
      if (p.kind === 'pending') hit('face-enrolment-pending', 'medium', user);
      break;
    }
    case 'webhooks.events.v1':
      // Integrations stopped hearing from the system.
      if (p.kind === 'disabled') hit('webhook-disabled', 'high', `webhook:${str(p.endpointId)}`);
      break;
    case 'auth.events.v1':
      if (p.kind === 'locked-out') hit('account-locked', 'medium', `user:${str(p.userId)}`);
      if (p.kind === 'token-reuse-detected') hit('token-reuse', 'high', `user:${str(p.userId)}`);
      break;
  }
  return hits;
}

/** What a denial counts against: the person and the door, each its own window. */
export function denialSubjects(topic: string, p: Payload): { user?: string; door?: string } {
  if (topic !== 'access.decided.v1' || p.decision !== 'denied') return {};
  return {
    ...(typeof p.userId === 'string' ? { user: p.userId } : {}),
    ...(typeof p.doorId === 'string' ? { door: p.doorId } : {}),
  };
}

/** Device sign-ins refused for a device that is unknown or revoked. */
export const DEVICE_REJECTIONS = ['device-unknown', 'device-revoked'];

/**
 * Where a refused device sign-in came from: its alert is about the source, not the device id
 * it named, so made-up ids from one place make one alert with a count, not one alert each.
 */
export function deviceRejectionSource(topic: string, p: Payload): string | undefined {
  if (topic !== 'auth.events.v1' || p.kind !== 'login-failed') return undefined;
  if (!DEVICE_REJECTIONS.includes(str(p.reason) ?? '')) return undefined;
  return str(p.ip) ?? 'unknown';
}
