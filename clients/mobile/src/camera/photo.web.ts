import type { FilePart } from '../lib/forms';
import type { Photo } from './shrink';

export { MAX_SIDE, shrink, shrunkSize, type Photo } from './shrink';

/** In a browser the photo is a data: or blob: URL; the form needs it as a Blob. */
export async function filePart(photo: Photo, _name: string): Promise<FilePart> {
  const res = await fetch(photo.uri);
  const blob = await res.blob();
  return blob.type === 'image/jpeg' ? blob : new Blob([blob], { type: 'image/jpeg' });
}
