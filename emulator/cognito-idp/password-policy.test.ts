import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_POLICY, assertPasswordConforms, passwordPolicyViolation } from './password-policy.js';

describe('password policy', () => {
  it("accepts a password meeting Cognito's default policy", () => {
    expect(passwordPolicyViolation('Passw0rd!', DEFAULT_PASSWORD_POLICY)).toBeUndefined();
  });

  it.each([
    ['Pa0!', 'Password not long enough'],
    ['PASSW0RD!', 'Password must have lowercase characters'],
    ['passw0rd!', 'Password must have uppercase characters'],
    ['Password!', 'Password must have numeric characters'],
    ['Passw0rdd', 'Password must have symbol characters'],
  ])('rejects %s: %s', (password, rule) => {
    expect(passwordPolicyViolation(password, DEFAULT_PASSWORD_POLICY)).toBe(`Password did not conform with policy: ${rule}`);
  });

  it('counts an inner space as a symbol but not a leading or trailing one', () => {
    expect(passwordPolicyViolation('Pass w0rd', DEFAULT_PASSWORD_POLICY)).toBeUndefined();
    expect(passwordPolicyViolation(' Passw0rd', DEFAULT_PASSWORD_POLICY)).toMatch(/symbol/);
    expect(passwordPolicyViolation('Passw0rd ', DEFAULT_PASSWORD_POLICY)).toMatch(/symbol/);
  });

  it('honours a relaxed policy', () => {
    const relaxed = { minimumLength: 6, requireLowercase: false, requireUppercase: false, requireNumbers: false, requireSymbols: false };
    expect(passwordPolicyViolation('aaaaaa', relaxed)).toBeUndefined();
    expect(passwordPolicyViolation('aaaaa', relaxed)).toBe('Password did not conform with policy: Password not long enough');
  });

  it('throws InvalidPasswordException', () => {
    expect(() => assertPasswordConforms('short', DEFAULT_PASSWORD_POLICY)).toThrow(
      expect.objectContaining({ type: 'InvalidPasswordException', statusCode: 400 }),
    );
  });
});
