import { ApiError, NetworkError } from '@roomkey/sdk';
import {
  OFFLINE,
  REGISTRATION_CLOSED,
  enrolMessages,
  errorMessage,
  registerMessage,
  signInMessage,
} from './errors';

describe('errors in plain words', () => {
  it('says there is no connection when roomkey cannot be reached', () => {
    const offline = new NetworkError(new TypeError('Network request failed'));
    expect(errorMessage(offline)).toBe(OFFLINE);
    expect(signInMessage(offline)).toBe(OFFLINE);
  });

  it('tells a wrong password and a locked account apart, without saying whether the email exists', () => {
    expect(signInMessage(new ApiError(401, 'INVALID_CREDENTIALS', ''))).toBe(
      'The email or the password is not right.',
    );
    expect(signInMessage(new ApiError(429, 'ACCOUNT_LOCKED', ''))).toMatch(/Wait a few minutes/);
    expect(signInMessage(new ApiError(503, 'UPSTREAM_UNAVAILABLE', ''))).toMatch(/not answering/);
  });

  it('says plainly that registration is closed', () => {
    expect(registerMessage(new ApiError(403, 'SELF_REGISTRATION_DISABLED', 'forbidden'))).toBe(
      REGISTRATION_CLOSED,
    );
    expect(registerMessage(new ApiError(409, 'EMAIL_TAKEN', ''))).toMatch(/Sign in instead/);
  });

  it('gives quality feedback photo by photo, counted from one', () => {
    const lines = enrolMessages({
      status: 422,
      code: 'FACE_REJECTED',
      details: [
        { image: 0, reason: 'too-blurry' },
        { image: 2, reason: 'face-too-small' },
        { image: 1, reason: 'something-new' },
      ],
    });
    expect(lines).toEqual([
      'Photo 1: the photo is blurred. Hold the phone still.',
      'Photo 3: your face is too small. Come closer.',
      'Photo 2: something-new.',
    ]);
    expect(enrolMessages({ status: 422, code: 'FACES_DO_NOT_MATCH' })[0]).toMatch(/same face/);
    expect(enrolMessages({ status: 403, code: 'RECENT_SIGN_IN_REQUIRED' })[0]).toMatch(
      /sign in again/,
    );
  });
});
