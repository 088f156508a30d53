import { describeReason } from '@roomkey/sdk';

/**
 * Why the door stayed shut, in plain words. The SDK knows the reasons the access app gives; a
 * few more are worded here for what a phone user meets. A reason nobody has worded yet is shown
 * as it is, so that it can still be reported.
 */
const PHONE_WORDS: Record<string, string> = {
  'face-mismatch': 'Your face did not match the face on record.',
  'face-no-match': 'Your face did not match the face on record.',
  'face-not-verified': 'Your face could not be checked. Follow the prompts and try again.',
  'face-spoof': 'That looked like a photo or a screen, not a person.',
  'liveness-failed': 'The head-turn check did not pass. Follow the prompts and try again.',
  'wrong-pose': 'A photo did not show the head turn that was asked for. Try again.',
  'qr-expired': "The door's code had changed. Scan it again.",
  'qr-wrong-door': 'The code is for another door.',
  lockdown: 'The room is locked down.',
  'outside-schedule': 'You may not enter this room at this time of day.',
  'no-permission': 'You have no permission for this room at this time.',
  'face-not-enrolled': 'You have not enrolled your face yet. Go to "My face".',
  'challenge-expired': 'The photos took too long. Try again.',
};

export function reasonInWords(reason: string): string {
  const own = PHONE_WORDS[reason];
  if (own) return own;
  const sdk = describeReason(reason);
  // The SDK's fallback repeats the code inside a sentence: show the code as it is instead.
  return sdk.includes(`(${reason})`) ? reason : sdk;
}

export type Decision =
  { status: 'granted' } | { status: 'denied'; reasons: string[] } | { status: 'pending' };

/** The headline of a decision: what the decision text says first. */
export function decisionHeadline(decision: Decision): string {
  if (decision.status === 'granted') return 'Granted — the door is open';
  if (decision.status === 'denied') return 'Denied';
  return 'Checking…';
}

/** The whole decision as one sentence list: headline, then each reason in words. */
export function decisionLines(decision: Decision): string[] {
  if (decision.status !== 'denied') return [decisionHeadline(decision)];
  const reasons = decision.reasons.length > 0 ? decision.reasons.map(reasonInWords) : [];
  return [decisionHeadline(decision), ...reasons];
}
