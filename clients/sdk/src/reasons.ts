/** Why an access request was denied, in words a person at the door understands. */
const WORDS: Record<string, string> = {
  'qr-malformed': 'The code could not be read.',
  'qr-unknown-format': 'That is not a roomkey code.',
  'qr-bad-signature': 'The code is not genuine.',
  'qr-expired': 'The code has expired.',
  'qr-not-yet-valid': 'The code is not valid yet.',
  'qr-wrong-door': 'The code is for another door.',
  'qr-unknown-door': 'The code is for a door roomkey does not know.',
  'qr-revoked': 'The pass has been revoked.',
  'qr-used-up': 'The pass has been used up.',
  'qr-invalid': 'The code is not valid.',
  'qr-too-many-failures': 'The pass was refused too many times. Ask for a new one.',
  'account-disabled': 'This account is disabled.',
  'face-not-verified': 'The face could not be verified. Look at the camera and try again.',
  'face-missing': 'No face photo was taken.',
  'face-no-match': 'The face does not match the pass.',
  'face-no-face': 'No face was seen. Look at the camera.',
  'face-many-faces': 'More than one face was seen. One person at a time, please.',
  'face-low-quality': 'The photo was not clear enough. Stand still in good light.',
  'face-spoof': 'That looked like a photo or a screen, not a person.',
  'face-not-enrolled': 'No face is enrolled for this pass.',
  'face-wrong-person': 'The face belongs to someone other than the pass holder.',
  'face-liveness-not-active':
    'This door needs the head-turn check. Follow the prompts on the screen and try again.',
  'unknown-door': 'This door is not set up.',
  'door-not-in-room': 'This door is not part of the room.',
  lockdown: 'The room is locked down.',
  'no-permission': 'You may not enter this room at this time.',
  timeout: 'The check took too long. Please try again.',
};

export function describeReason(reason: string): string {
  return WORDS[reason] ?? `Access was refused (${reason}).`;
}
