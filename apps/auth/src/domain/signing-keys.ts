export interface KeyAge {
  kid: string;
  createdAt: Date;
}

const newestFirst = <K extends KeyAge>(keys: readonly K[]) =>
  [...keys].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());

/** The key that signs now: the newest. */
export const signingKey = <K extends KeyAge>(keys: readonly K[]): K | undefined =>
  newestFirst(keys)[0];

export const needsRotation = (
  keys: readonly KeyAge[],
  now: Date,
  rotateAfterMs: number,
): boolean => {
  const newest = signingKey(keys);
  return !newest || now.getTime() - newest.createdAt.getTime() >= rotateAfterMs;
};

/**
 * The keys a verifier must still know: the newest, and each older key until the last token it
 * could have signed has expired (its successor's birth + the longest token lifetime + skew).
 */
export function publishedKeys<K extends KeyAge>(
  keys: readonly K[],
  now: Date,
  longestTokenMs: number,
): K[] {
  const sorted = newestFirst(keys);
  return sorted.filter((_key, i) => {
    if (i === 0) return true;
    const successor = sorted[i - 1]!;
    return successor.createdAt.getTime() + longestTokenMs > now.getTime();
  });
}
