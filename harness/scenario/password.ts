import { createHash } from 'node:crypto';
import { generatePassword } from '../../emulator/cognito-idp/password-policy.js';

// One generator, the emulator's (AdminCreateUser's temporary passwords are made by it too).
export { generatePassword };

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
