import { COMMON_PASSWORDS } from './common-passwords';

export const MIN_PASSWORD_LENGTH = 8;

const normalize = (s: string) => s.normalize('NFKC').toLowerCase();
const COMMON = new Set(COMMON_PASSWORDS.map(normalize));

const SEQUENCES = [
  '0123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
];

/**
 * NIST SP 800-63B §5.1.1.2: at least 8 characters (counted as Unicode code points), no
 * composition rules, any printable or Unicode character, long passphrases allowed; reject
 * values from a list of common passwords, repetitive or sequential characters, and
 * context-specific words (the account's email and name). Returns what is wrong, or null.
 */
export function passwordProblem(password: string, context: string[] = []): string | null {
  const normalized = normalize(password);
  if ([...normalized].length < MIN_PASSWORD_LENGTH) {
    return `use at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (COMMON.has(normalized)) return 'this is one of the most common passwords';
  if (new Set(normalized).size === 1) return 'a single repeated character is too easy to guess';
  if (SEQUENCES.some((seq) => isRun(seq, normalized)))
    return 'a run of sequential characters is too easy to guess';
  const words = context
    .flatMap((c) => [c, c.split('@')[0] ?? ''])
    .map(normalize)
    .filter((w) => w.length >= 4);
  if (words.includes(normalized)) return 'do not use your email or name as the password';
  return null;
}

function isRun(seq: string, s: string): boolean {
  const reversed = [...seq].reverse().join('');
  return seq.includes(s) || reversed.includes(s);
}
