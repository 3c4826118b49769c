import { describe, expect, it } from 'vitest';
import { passwordPolicyViolation, DEFAULT_PASSWORD_POLICY } from '../../emulator/cognito-idp/password-policy.js';
import { generatePassword, seededPasswords } from './password.js';

describe('generated passwords', () => {
  it('always satisfy Cognito default policy', () => {
    for (let i = 0; i < 200; i++) expect(passwordPolicyViolation(generatePassword(), DEFAULT_PASSWORD_POLICY)).toBeUndefined();
  });

  it('are the same sequence for the same seed (ase up keeps them across restarts), and differ across seeds', () => {
    const a = seededPasswords('/app/scenario.yaml');
    const b = seededPasswords('/app/scenario.yaml');
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(new Set(first).size).toBe(3);
    expect(seededPasswords('/app/other.yaml')()).not.toBe(first[0]);
    for (const p of first) expect(passwordPolicyViolation(p, DEFAULT_PASSWORD_POLICY)).toBeUndefined();
  });
});
