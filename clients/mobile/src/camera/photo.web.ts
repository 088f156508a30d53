import type { FilePart } from '../lib/forms';
import type { Photo } from './shrink';

export { MAX_SIDE, shrink, shrunkSize, type Photo } from './shrink';

/**
 * In a browser the photo is a data: URL (or a blob: URL); the form needs it as a Blob. A data:
 * URL is decoded here rather than fetched: the page's Content-Security-Policy lets it connect
 * to its own origin only.
 */
export async function filePart(photo: Photo, _name: string): Promise<FilePart> {
  const data = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(photo.uri);
  if (data) {
    const text = data[2] ? atob(data[3]!) : decodeURIComponent(data[3]!);
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    return new Blob([bytes], { type: 'image/jpeg' });
  }
  const blob = await (await fetch(photo.uri)).blob();
  return blob.type === 'image/jpeg' ? blob : new Blob([blob], { type: 'image/jpeg' });
}
