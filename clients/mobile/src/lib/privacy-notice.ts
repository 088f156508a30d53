/**
 * The privacy notice a person agrees to before their face is enrolled. Its version goes with the
 * consent (`POST /v1/me/face/consent`), so that what was agreed to can be shown later; change
 * the version whenever the text changes.
 */
export const NOTICE_VERSION = 'mobile-2026-12';

export const NOTICE = [
  'roomkey can open doors for you when it recognises your face. To do that it needs your explicit consent to process biometric data.',
  'The photos you take now are checked for quality and turned into a sealed template, a set of numbers that describes your face. The photos themselves are never stored.',
  'At a door, the photos taken for the head-turn check are compared with your template and then thrown away.',
  'An admin of your site approves your first enrolment before it opens any door.',
  'You can erase your face data at any time with "Erase my face data". That also withdraws your consent. Doors then open only with a pass.',
];

/** How many photos to ask for, and the most the API takes. */
export const PHOTOS_ASKED = 3;
export const PHOTOS_MAX = 5;

export const photoCount = (taken: number): string =>
  `${taken} of ${Math.max(PHOTOS_ASKED, Math.min(taken, PHOTOS_MAX))} photos`;
