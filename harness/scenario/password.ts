import { createHash, randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
/** Symbols Cognito counts, minus quotes and backslash (they make logs and shells awkward). */
const SYMBOLS = '!#%+-=_^*.@';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/**
 * A random 16-character password that satisfies Cognito's default policy
 * (at least 8 characters, an uppercase and a lowercase letter, a digit and a symbol).
 */
export function generatePassword(length = 16, random: (max: number) => number = randomInt): string {
  const pick = (alphabet: string) => alphabet[random(alphabet.length)]!;
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < Math.max(12, length)) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/**
 * Passwords that are the same on every run for the same seed (and the same order of users):
 * `ase up` uses them so a scenario's generated passwords stay valid across restarts.
 */
export function seededPasswords(seed: string): () => string {
  let counter = 0;
  return () => {
    const digest = createHash('sha256').update(`${seed}#${counter++}`).digest();
    let offset = 0;
    return generatePassword(16, (max) => digest.readUInt16BE((offset++ % 15) * 2) % max);
  };
}
