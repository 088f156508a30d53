import type { Schemas } from '@roomkey/sdk';

export type Pose = Schemas['FaceChallenge']['poses'][number];

/** What the screen asks for each pose: the person's own left and right, as a mirror shows. */
export const PROMPTS: Record<Pose | 'front', string> = {
  front: 'Look straight at the camera.',
  left: 'Turn your head to your left.',
  right: 'Turn your head to your right.',
  up: 'Tilt your head up.',
  down: 'Tilt your head down.',
};

/** The prompts of a challenge in order: a frontal frame first, then one per pose. */
export const promptsOf = (challenge: Pick<Schemas['FaceChallenge'], 'poses'>): string[] => [
  PROMPTS.front,
  ...challenge.poses.map((p) => PROMPTS[p]),
];

/**
 * The form of an access request answering a challenge: the frames as `face` files in order and
 * their times since the first (ADR 028).
 */
export function burstForm(
  fields: { roomId: string; doorId: string; qr: string; challengeId: string },
  frames: { blob: Blob; at: number }[],
): FormData {
  const form = new FormData();
  form.set('roomId', fields.roomId);
  form.set('doorId', fields.doorId);
  form.set('qr', fields.qr);
  form.set('challengeId', fields.challengeId);
  const first = frames[0]?.at ?? 0;
  form.set('frameTimes', frames.map((f) => Math.round(f.at - first)).join(','));
  frames.forEach((f, i) => form.append('face', f.blob, `frame-${i}.jpg`));
  return form;
}
