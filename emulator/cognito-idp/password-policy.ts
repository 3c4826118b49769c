import { randomInt } from 'node:crypto';
import type { PasswordPolicyConfig } from '../config.js';
import { InvalidPasswordException } from './errors.js';

/** Cognito's default policy for new user pools. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicyConfig = {
  minimumLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
};

/** The special characters Cognito counts as symbols (plus a non-leading, non-trailing space). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-');

const hasSymbol = (password: string): boolean =>
  [...password].some((ch) => SYMBOLS.has(ch)) || / /.test(password.slice(1, -1));

const PREFIX = 'Password did not conform with policy: ';

/** The first rule `password` breaks, in Cognito's words, or undefined when it conforms. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicyConfig): string | undefined {
  if ([...password].length < policy.minimumLength) return `${PREFIX}Password not long enough`;
  if (policy.requireLowercase && !/[a-z]/.test(password)) return `${PREFIX}Password must have lowercase characters`;
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return `${PREFIX}Password must have uppercase characters`;
  if (policy.requireNumbers && !/[0-9]/.test(password)) return `${PREFIX}Password must have numeric characters`;
  if (policy.requireSymbols && !hasSymbol(password)) return `${PREFIX}Password must have symbol characters`;
  return undefined;
}

/** Throws InvalidPasswordException when `password` breaks `policy`. */
export function assertPasswordConforms(password: string, policy: PasswordPolicyConfig): void {
  const violation = passwordPolicyViolation(password, policy);
  if (violation) throw new InvalidPasswordException(violation);
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
/** Symbols Cognito counts, minus quotes and backslash (they make logs and shells awkward). */
const PASSWORD_SYMBOLS = '!#%+-=_^*.@';
const ALL = UPPER + LOWER + DIGITS + PASSWORD_SYMBOLS;

/**
 * A random password of `length` characters (at least 12) with an uppercase and a lowercase letter,
 * a digit and a symbol, so it satisfies any policy of that minimum length (Cognito's default
 * included): the scenario's users' passwords and AdminCreateUser's temporary ones. `random(max)`
 * is an integer below max (default: crypto's).
 */
export function generatePassword(length = 16, random: (max: number) => number = randomInt): string {
  const pick = (alphabet: string) => alphabet[random(alphabet.length)]!;
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(PASSWORD_SYMBOLS)];
  while (chars.length < Math.max(12, length)) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
