import type { FilePart } from '../lib/forms';
import type { Photo } from './shrink';

export { MAX_SIDE, shrink, shrunkSize, type Photo } from './shrink';

/** On a phone, React Native's fetch uploads the file behind the uri. */
export async function filePart(photo: Photo, name: string): Promise<FilePart> {
  return { uri: photo.uri, name, type: 'image/jpeg' };
}
