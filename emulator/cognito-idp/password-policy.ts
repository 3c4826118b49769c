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
