import { frameTimes, type Frame } from './challenge-flow';

/**
 * A photo as a form part. A browser sends a Blob; React Native's fetch sends a file from its
 * `uri` when given `{ uri, name, type }`.
 */
export type FilePart = Blob | { uri: string; name: string; type: string };

/** The minimal FormData both platforms have. */
export interface FormLike {
  append(name: string, value: unknown, fileName?: string): void;
}

const appendFile = (form: FormLike, field: string, part: FilePart, name: string) => {
  if (typeof Blob !== 'undefined' && part instanceof Blob) form.append(field, part, name);
  else form.append(field, part);
};

/**
 * The access request answering a challenge: the door's code as scanned, the challenge, the
 * frames' times since the first and the frames as repeated `face` files. No roomId: the door
 * comes from its code.
 */
export function accessRequestForm<F extends FormLike>(
  form: F,
  fields: { qr: string; challengeId: string },
  frames: Frame<FilePart>[],
): F {
  form.append('qr', fields.qr);
  form.append('challengeId', fields.challengeId);
  form.append('frameTimes', frameTimes(frames));
  frames.forEach((f, i) => appendFile(form, 'face', f.photo, `frame-${i}.jpg`));
  return form;
}

/** The face enrolment: 1 to 5 photos as repeated `images` files. */
export function enrolmentForm<F extends FormLike>(form: F, photos: FilePart[]): F {
  photos.forEach((p, i) => appendFile(form, 'images', p, `face-${i}.jpg`));
  return form;
}
