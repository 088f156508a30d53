import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  ForwardedRoute,
  RATE_LIMITED,
  TOKEN,
} from './forwarded-routes';

const PEOPLE_ONLY = 'INSUFFICIENT_ROLE (device tokens have no face)';

/** The routes the gateway forwards to the face app. */
export const FACE_ROUTES: ForwardedRoute[] = [
  {
    method: 'post',
    path: '/v1/me/face/consent',
    summary:
      'Agree to biometric processing under a privacy notice (GDPR Art. 9, BIPA). Needed before the first enrolment; erasing your face withdraws it.',
    access: 'any-user',
    body: 'FaceConsentBody',
    ok: { status: 200, schema: 'FaceStatus', description: 'Your face data status' },
    errors: { 400: BAD_BODY, 401: TOKEN, 403: PEOPLE_ONLY },
  },
  {
    method: 'post',
    path: '/v1/me/face',
    summary:
      'Enrol your face: 1 to 5 photos (JPEG, PNG or WebP) in the `images` field, each passing the quality and liveness checks, all of the same face. Replaces an earlier enrolment. The photos are never stored; a sealed template is.',
    access: 'any-user',
    upload: { field: 'images', maxFiles: 5 },
    ok: { status: 201, schema: 'FaceStatus', description: 'Enrolled' },
    errors: {
      400: 'IMAGES_REQUIRED, TOO_MANY_IMAGES, UNEXPECTED_FIELD or MALFORMED_MULTIPART',
      401: TOKEN,
      403: 'CONSENT_REQUIRED or INSUFFICIENT_ROLE',
      413: 'IMAGE_TOO_LARGE',
      415: 'UNSUPPORTED_MEDIA_TYPE (not multipart/form-data)',
      422: 'FACE_REJECTED (details: which photo and why: not-an-image, unsupported-format, too-large, no-face, many-faces, face-too-small, low-detection-score, too-blurry, spoof) or FACES_DO_NOT_MATCH',
      429: RATE_LIMITED,
    },
  },
  {
    method: 'get',
    path: '/v1/me/face',
    summary:
      'Whether your face is enrolled, when, with which model, and your consent. Never the template.',
    access: 'any-user',
    ok: { status: 200, schema: 'FaceStatus', description: 'Your face data status' },
    errors: { 401: TOKEN, 403: PEOPLE_ONLY },
  },
  {
    method: 'delete',
    path: '/v1/me/face',
    summary: 'Erase your face template and withdraw consent. Harmless when there is none.',
    access: 'any-user',
    ok: { status: 204, description: 'Erased' },
    errors: { 401: TOKEN, 403: PEOPLE_ONLY },
  },
  {
    method: 'delete',
    path: '/v1/users/{id}/face',
    summary: "Erase a person's face template (an erasure request). Harmless when there is none.",
    access: 'admin',
    ok: { status: 204, description: 'Erased' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY },
  },
];
