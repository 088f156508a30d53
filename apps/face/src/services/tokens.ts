export const FACE_PIPELINE = Symbol('FACE_PIPELINE');
export const TEMPLATE_KEYRING = Symbol('TEMPLATE_KEYRING');
export const CAPTURE_KEYRING = Symbol('CAPTURE_KEYRING');
/** The CallerQuota of photos each caller may have held or analysed here at once. */
export const PHOTO_QUOTA = Symbol('PHOTO_QUOTA');
