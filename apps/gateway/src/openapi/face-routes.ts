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
      "Enrol your face: 1 to 5 photos (JPEG, PNG or WebP) in the `images` field, each passing the quality and liveness checks, all of the same face. Needs a sign-in with your password in the last minutes (FACE_ENROL_SIGN_IN_MAX_AGE_S). A face that matches the one on record replaces it at once; a first face, or another one, waits for an admin's approval (202), and the face on record stays until then. The photos are never stored; a sealed template is.",
    access: 'any-user',
    upload: { field: 'images', maxFiles: 5 },
    ok: {
      status: 201,
      schema: 'FaceStatus',
      description: 'Enrolled: it matches the face on record',
    },
    okToo: { status: 202, description: "Waiting for an admin's approval (`pending`)" },
    errors: {
      400: 'IMAGES_REQUIRED, TOO_MANY_IMAGES, UNEXPECTED_FIELD or MALFORMED_MULTIPART',
      401: TOKEN,
      403: 'RECENT_SIGN_IN_REQUIRED, CONSENT_REQUIRED or INSUFFICIENT_ROLE',
      413: 'IMAGE_TOO_LARGE (bytes), or PHOTO_TOO_LARGE (pixels by its header, over 12 MP by default; details: which photo)',
      415: 'UNSUPPORTED_MEDIA_TYPE (not multipart/form-data)',
      422: 'FACE_REJECTED (details: which photo and why: not-an-image, unsupported-format, too-large, no-face, many-faces, face-too-small, low-detection-score, too-blurry, spoof) or FACES_DO_NOT_MATCH',
      429: `TOO_MANY_PHOTOS (as many of your photos are being checked as you may have at once), or ${RATE_LIMITED}`,
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
    method: 'get',
    path: '/v1/users/{id}/face',
    summary:
      "A person's face data status: enrolled or not, an enrolment waiting for approval, and the history of changes. Never the template.",
    access: 'staff',
    ok: { status: 200, schema: 'FaceStatus', description: 'Their face data status' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: 'INSUFFICIENT_ROLE (admin or security only)' },
  },
  {
    method: 'post',
    path: '/v1/users/{id}/face',
    summary:
      'Enrol a person standing in front of you (they have given consent): 1 to 5 photos in the `images` field, in use at once. Needs your own sign-in with your password in the last minutes.',
    access: 'admin',
    upload: { field: 'images', maxFiles: 5 },
    ok: { status: 201, schema: 'FaceStatus', description: 'Enrolled' },
    errors: {
      400: `${BAD_ID}, IMAGES_REQUIRED, TOO_MANY_IMAGES, UNEXPECTED_FIELD or MALFORMED_MULTIPART`,
      401: TOKEN,
      403: 'RECENT_SIGN_IN_REQUIRED, CONSENT_REQUIRED (the person has not agreed) or INSUFFICIENT_ROLE (admin only)',
      413: 'IMAGE_TOO_LARGE (bytes), or PHOTO_TOO_LARGE (pixels by its header)',
      415: 'UNSUPPORTED_MEDIA_TYPE (not multipart/form-data)',
      422: 'FACE_REJECTED or FACES_DO_NOT_MATCH',
      429: "TOO_MANY_PHOTOS (as many of the person's photos are being checked as they may have at once)",
    },
  },
  {
    method: 'post',
    path: '/v1/users/{id}/face/approve',
    summary:
      "Approve the person's enrolment waiting for approval: it becomes the face that opens their doors.",
    access: 'admin',
    ok: { status: 200, schema: 'FaceStatus', description: 'Enrolled' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'NO_PENDING_ENROLMENT',
    },
  },
  {
    method: 'post',
    path: '/v1/users/{id}/face/reject',
    summary: "Refuse the person's enrolment waiting for approval; the face on record stays.",
    access: 'admin',
    ok: { status: 200, schema: 'FaceStatus', description: 'Refused' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'NO_PENDING_ENROLMENT' },
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
