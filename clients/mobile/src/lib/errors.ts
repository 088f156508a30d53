import { ApiError, NetworkError } from '@roomkey/sdk';

export const OFFLINE = 'No connection to roomkey';
export const REGISTRATION_CLOSED =
  'Registration is closed. Ask an admin of your site for an account.';

const isBusy = (err: ApiError) => err.status >= 500 || err.code.startsWith('UPSTREAM_');

/** Any failure, in plain words: the cases every screen shares. */
export function errorMessage(err: unknown): string {
  if (err instanceof NetworkError) return OFFLINE;
  if (err instanceof ApiError) {
    if (isBusy(err)) return 'roomkey is not answering right now. Try again in a moment.';
    if (err.code === 'RATE_LIMITED' || err.code === 'TOO_MANY_PHOTOS') {
      return 'Too many tries at once. Wait a minute and try again.';
    }
    if (err.status === 401) return 'Your session has ended. Sign in again.';
    return err.message || `Something went wrong (${err.code}).`;
  }
  return 'Something went wrong. Try again.';
}

export function signInMessage(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'INVALID_CREDENTIALS':
        return 'The email or the password is not right.';
      case 'ACCOUNT_DISABLED':
        return 'This account is disabled. Ask an admin of your site.';
      case 'ACCOUNT_LOCKED':
      case 'TOO_MANY_ATTEMPTS':
        return 'Too many failed tries. Wait a few minutes and try again.';
      case 'VALIDATION_FAILED':
        return 'Enter your email address and your password.';
    }
  }
  return errorMessage(err);
}

export function registerMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return REGISTRATION_CLOSED;
    switch (err.code) {
      case 'EMAIL_TAKEN':
        return 'There is already an account with this email. Sign in instead.';
      case 'WEAK_PASSWORD':
        return 'Choose a stronger password: at least 8 characters, not a common one, and not your email or name.';
      case 'VALIDATION_FAILED':
        return 'Enter your name, a valid email address and a password.';
    }
  }
  return errorMessage(err);
}

/** What is wrong with one enrolment photo, from the API's reason for it. */
const PHOTO_PROBLEMS: Record<string, string> = {
  'no-face': 'no face was seen. Face the camera',
  'many-faces': 'more than one face was seen. Only you, please',
  'face-too-small': 'your face is too small. Come closer',
  'low-detection-score': 'your face is not clear. Face the camera in good light',
  'too-blurry': 'the photo is blurred. Hold the phone still',
  spoof: 'it looked like a photo or a screen, not a person',
  'not-an-image': 'it is not a photo',
  'unsupported-format': 'it is not a photo',
  'too-large': 'the photo is too large',
};

export interface EnrolFailure {
  status: number;
  code: string;
  message?: string;
  details?: unknown;
}

/** Feedback on a refused enrolment, one line per problem, naming the photo (counted from 1). */
export function enrolMessages(failure: EnrolFailure): string[] {
  switch (failure.code) {
    case 'FACE_REJECTED':
    case 'PHOTO_TOO_LARGE': {
      const items = Array.isArray(failure.details) ? failure.details : [];
      const lines = items.flatMap((d: unknown) => {
        if (typeof d !== 'object' || d === null) return [];
        const { image, reason } = d as { image?: number; reason?: string };
        const problem = (reason && PHOTO_PROBLEMS[reason]) ?? reason ?? 'it cannot be used';
        return [`Photo ${typeof image === 'number' ? image + 1 : '?'}: ${problem}.`];
      });
      return lines.length > 0 ? lines : ['A photo cannot be used. Take the photos again.'];
    }
    case 'FACES_DO_NOT_MATCH':
      return ['The photos do not all show the same face. Take them again.'];
    case 'CONSENT_REQUIRED':
      return ['Agree to the privacy notice first.'];
    case 'RECENT_SIGN_IN_REQUIRED':
      return ['For your safety, sign out and sign in again before you enrol your face.'];
    case 'IMAGE_TOO_LARGE':
      return ['A photo is too large. Take it again.'];
    case 'IMAGES_REQUIRED':
      return ['Take at least one photo.'];
  }
  return [errorMessage(new ApiError(failure.status, failure.code, failure.message ?? ''))];
}
