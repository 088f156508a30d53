export const FACE_PIPELINE = Symbol('FACE_PIPELINE');
export const TEMPLATE_KEYRING = Symbol('TEMPLATE_KEYRING');
export const CAPTURE_KEYRING = Symbol('CAPTURE_KEYRING');
