import { parseDoorCode, type DoorCode } from './door-code';

/**
 * Opening a door with the phone, as a state machine with no I/O: scan the door's code, answer
 * an active liveness challenge (a frontal frame, then one frame per pose, each within the gaps
 * the challenge allows), send, and wait for the decision. The screen feeds it events and shows
 * its state; the rules (what to ask next, when to start over) live here.
 */
export type Pose = 'left' | 'right' | 'up' | 'down';

export interface Challenge {
  challengeId: string;
  poses: Pose[];
  frames: number;
  minGapMs: number;
  maxGapMs: number;
  expiresAt: string;
}

/** A photo taken for the challenge, and when (Date.now()). */
export interface Frame<P = unknown> {
  photo: P;
  at: number;
}

export interface Outcome {
  status: 'granted' | 'denied';
  reasons: string[];
}

export type FlowState<P = unknown> =
  | { kind: 'scanning'; note?: string }
  | { kind: 'starting'; code: DoorCode; note?: string }
  | { kind: 'posing'; code: DoorCode; challenge: Challenge; frames: Frame<P>[]; note?: string }
  | { kind: 'sending'; code: DoorCode; challenge: Challenge; frames: Frame<P>[] }
  | { kind: 'deciding'; requestId: string }
  | { kind: 'decided'; outcome: Outcome }
  | { kind: 'failed'; message: string };

export type FlowEvent<P = unknown> =
  | { type: 'scanned'; text: string }
  | { type: 'challenge'; challenge: Challenge }
  | { type: 'frame'; frame: Frame<P> }
  | { type: 'tick'; now: number }
  | { type: 'accepted'; requestId: string }
  | { type: 'decision'; outcome: Outcome }
  | { type: 'failed'; message: string }
  | { type: 'again' };

export const PROMPTS: Record<Pose | 'front', string> = {
  front: 'Look straight at the camera',
  left: 'Turn your head to your left',
  right: 'Turn your head to your right',
  up: 'Tilt your head up',
  down: 'Tilt your head down',
};

export const TOO_SLOW = 'That took too long between photos, so we start again with new prompts.';
export const EXPIRED = 'The time for these photos ran out, so we start again with new prompts.';

/** The prompts of a challenge in order: a frontal frame first, then one per pose. */
export const promptsOf = (challenge: Pick<Challenge, 'poses'>): string[] => [
  PROMPTS.front,
  ...challenge.poses.map((p) => PROMPTS[p]),
];

/** How many frames the challenge wants: one frontal, then one per pose. */
export const framesWanted = (challenge: Pick<Challenge, 'poses'>): number =>
  1 + challenge.poses.length;

/** The prompt for the next frame, or null when every frame is taken. */
export function currentPrompt<P>(state: FlowState<P>): string | null {
  if (state.kind !== 'posing') return null;
  return promptsOf(state.challenge)[state.frames.length] ?? null;
}

/**
 * Why the challenge can no longer be answered at `now`, if it cannot: the last frame was too
 * long ago, or the challenge has expired.
 */
export function timingProblem(
  challenge: Pick<Challenge, 'maxGapMs' | 'expiresAt'>,
  frames: Pick<Frame, 'at'>[],
  now: number,
): 'too-slow' | 'expired' | null {
  if (now > Date.parse(challenge.expiresAt)) return 'expired';
  const last = frames[frames.length - 1];
  if (last && now - last.at > challenge.maxGapMs) return 'too-slow';
  return null;
}

/** How long to wait before taking the next frame so that it is at least minGapMs after the last. */
export function waitBeforeFrame(
  challenge: Pick<Challenge, 'minGapMs'>,
  frames: Pick<Frame, 'at'>[],
  now: number,
): number {
  const last = frames[frames.length - 1];
  if (!last) return 0;
  return Math.max(0, last.at + challenge.minGapMs - now);
}

/** The frames' times since the first, as the API's `frameTimes` field: "0,700,1450". */
export const frameTimes = (frames: Pick<Frame, 'at'>[]): string =>
  frames.map((f) => Math.max(0, Math.round(f.at - (frames[0]?.at ?? 0)))).join(',');

const restart = <P>(
  state: Extract<FlowState<P>, { kind: 'posing' }>,
  why: 'too-slow' | 'expired',
): FlowState<P> => ({
  kind: 'starting',
  code: state.code,
  note: why === 'expired' ? EXPIRED : TOO_SLOW,
});

export function step<P>(state: FlowState<P>, event: FlowEvent<P>): FlowState<P> {
  if (event.type === 'again') return { kind: 'scanning' };
  if (event.type === 'failed') return { kind: 'failed', message: event.message };
  switch (state.kind) {
    case 'scanning': {
      if (event.type !== 'scanned') return state;
      const parsed = parseDoorCode(event.text);
      return parsed.ok
        ? { kind: 'starting', code: parsed.code }
        : { kind: 'scanning', note: parsed.message };
    }
    case 'starting':
      if (event.type !== 'challenge') return state;
      return {
        kind: 'posing',
        code: state.code,
        challenge: event.challenge,
        frames: [],
        ...(state.note ? { note: state.note } : {}),
      };
    case 'posing': {
      if (event.type === 'tick') {
        const problem = timingProblem(state.challenge, state.frames, event.now);
        return problem ? restart(state, problem) : state;
      }
      if (event.type !== 'frame') return state;
      const problem = timingProblem(state.challenge, state.frames, event.frame.at);
      if (problem) return restart(state, problem);
      const frames = [...state.frames, event.frame];
      if (frames.length >= framesWanted(state.challenge)) {
        return { kind: 'sending', code: state.code, challenge: state.challenge, frames };
      }
      return { kind: 'posing', code: state.code, challenge: state.challenge, frames };
    }
    case 'sending':
      if (event.type !== 'accepted') return state;
      return { kind: 'deciding', requestId: event.requestId };
    case 'deciding':
      if (event.type !== 'decision') return state;
      return { kind: 'decided', outcome: event.outcome };
    default:
      return state;
  }
}
