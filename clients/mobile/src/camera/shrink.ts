import { SaveFormat, manipulateAsync } from 'expo-image-manipulator';

export interface Photo {
  uri: string;
  width: number;
  height: number;
}

/** The face app works on 640 px on the longer side: a larger photo only costs upload time. */
export const MAX_SIDE = 640;

/** The size to shrink to, or null when the photo is small enough already. */
export function shrunkSize(
  width: number,
  height: number,
): { width: number } | { height: number } | null {
  const longer = Math.max(width, height);
  if (!longer || longer <= MAX_SIDE) return null;
  return width >= height ? { width: MAX_SIDE } : { height: MAX_SIDE };
}

/** At most 640 px on the longer side, as JPEG. */
export async function shrink(photo: Photo): Promise<Photo> {
  const size = shrunkSize(photo.width, photo.height);
  const result = await manipulateAsync(photo.uri, size ? [{ resize: size }] : [], {
    compress: 0.8,
    format: SaveFormat.JPEG,
  });
  return { uri: result.uri, width: result.width, height: result.height };
}
