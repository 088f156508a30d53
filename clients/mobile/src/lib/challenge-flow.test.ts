import {
  EXPIRED,
  TOO_SLOW,
  currentPrompt,
  frameTimes,
  promptsOf,
  step,
  waitBeforeFrame,
  type Challenge,
  type FlowEvent,
  type FlowState,
} from './challenge-flow';
import { NOT_A_DOOR_CODE } from './door-code';

const CODE = 'RK1.R.0B3D9100AAAA4BBB8CCC0123456789AB.59712345.0123456789ABCDEF0123';
const T0 = Date.parse('2026-12-04T10:00:00Z');
const challenge: Challenge = {
  challengeId: '8d7c6b5a-4321-4abc-9def-0123456789ab',
  poses: ['left', 'up'],
  frames: 3,
  minGapMs: 300,
  maxGapMs: 4000,
  expiresAt: new Date(T0 + 30_000).toISOString(),
};

const run = (events: FlowEvent<string>[], from: FlowState<string> = { kind: 'scanning' }) =>
  events.reduce(step, from);
const frame = (photo: string, at: number): FlowEvent<string> => ({
  type: 'frame',
  frame: { photo, at },
});
const ready: FlowEvent<string>[] = [
  { type: 'scanned', text: CODE },
  { type: 'challenge', challenge },
];

describe('opening a door', () => {
  it('asks for a frontal frame first, then one per pose, in plain words', () => {
    expect(promptsOf({ poses: ['left', 'right', 'down'] })).toEqual([
      'Look straight at the camera',
      'Turn your head to your left',
      'Turn your head to your right',
      'Tilt your head down',
    ]);
  });

  it('keeps scanning and says why when the code is not a door code', () => {
    expect(run([{ type: 'scanned', text: 'hello' }])).toEqual({
      kind: 'scanning',
      note: NOT_A_DOOR_CODE,
    });
  });

  it('gets a challenge once the door code is read, and prompts one pose at a time', () => {
    const started = run([{ type: 'scanned', text: CODE }]);
    expect(started).toMatchObject({ kind: 'starting', code: { payload: CODE } });
    const posing = run([...ready, frame('a', T0)]);
    expect(currentPrompt(posing)).toBe('Turn your head to your left');
    expect(posing).toMatchObject({ kind: 'posing', frames: [{ photo: 'a', at: T0 }] });
  });

  it('sends when every frame is taken, with their times since the first', () => {
    const state = run([...ready, frame('a', T0), frame('b', T0 + 700), frame('c', T0 + 1450)]);
    expect(state.kind).toBe('sending');
    if (state.kind !== 'sending') return;
    expect(state.frames.map((f) => f.photo)).toEqual(['a', 'b', 'c']);
    expect(frameTimes(state.frames)).toBe('0,700,1450');
  });

  it('starts over with a new challenge, saying why, when a frame comes too long after the last', () => {
    const state = run([...ready, frame('a', T0), frame('b', T0 + 4001)]);
    expect(state).toMatchObject({ kind: 'starting', note: TOO_SLOW, code: { payload: CODE } });
    // The new challenge keeps the reason on screen until the next frame.
    expect(run([{ type: 'challenge', challenge }], state)).toMatchObject({
      kind: 'posing',
      note: TOO_SLOW,
      frames: [],
    });
  });

  it('starts over when the challenge expires, even while nobody presses the button', () => {
    const waiting = run([...ready, frame('a', T0)]);
    expect(run([{ type: 'tick', now: T0 + 3000 }], waiting).kind).toBe('posing');
    expect(run([{ type: 'tick', now: T0 + 4500 }], waiting)).toMatchObject({ note: TOO_SLOW });
    const idle = run(ready);
    expect(run([{ type: 'tick', now: T0 + 31_000 }], idle)).toMatchObject({
      kind: 'starting',
      note: EXPIRED,
    });
  });

  it('waits out the minimum gap before the next frame', () => {
    expect(waitBeforeFrame(challenge, [], T0)).toBe(0);
    expect(waitBeforeFrame(challenge, [{ at: T0 }], T0 + 100)).toBe(200);
    expect(waitBeforeFrame(challenge, [{ at: T0 }], T0 + 900)).toBe(0);
  });

  it('follows the request to its decision, and goes back to scanning for another door', () => {
    const sent = run([...ready, frame('a', T0), frame('b', T0 + 700), frame('c', T0 + 1400)]);
    const deciding = run([{ type: 'accepted', requestId: 'r1' }], sent);
    expect(deciding).toEqual({ kind: 'deciding', requestId: 'r1' });
    const decided = run(
      [{ type: 'decision', outcome: { status: 'denied', reasons: ['lockdown'] } }],
      deciding,
    );
    expect(decided).toEqual({
      kind: 'decided',
      outcome: { status: 'denied', reasons: ['lockdown'] },
    });
    expect(run([{ type: 'again' }], decided)).toEqual({ kind: 'scanning' });
  });

  it('ignores events that do not belong to the current step', () => {
    const scanning: FlowState<string> = { kind: 'scanning' };
    expect(run([frame('a', T0), { type: 'accepted', requestId: 'r' }], scanning)).toBe(scanning);
    expect(run([{ type: 'failed', message: 'No connection to roomkey' }])).toEqual({
      kind: 'failed',
      message: 'No connection to roomkey',
    });
  });
});
