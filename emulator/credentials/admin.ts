import { randomBytes } from 'node:crypto';

/**
 * The stack's administrator credentials: the only IAM credentials the emulated user-pool admin
 * API accepts (AWS would accept any IAM principal whose policy allows the action; the emulator has
 * one administrator). Random per stack, shaped like an IAM user's long-term access key.
 */
export interface AdminCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The administrator's identity, as STS GetCallerIdentity names it. */
export const ADMIN_ACCOUNT_ID = '000000000000';
export const ADMIN_USER_NAME = 'ase-admin';
export const ADMIN_USER_ARN = `arn:aws:iam::${ADMIN_ACCOUNT_ID}:user/${ADMIN_USER_NAME}`;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomText(length: number, alphabet: string): string {
  // Both alphabets (32 and 64 characters) divide 256, so every character is equally likely.
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** `AKIA` + 16 base-32 characters and a 40-character secret: 80 + 240 random bits. */
export function generateAdminCredentials(): AdminCredentials {
  return { accessKeyId: `AKIA${randomText(16, BASE32)}`, secretAccessKey: randomText(40, SECRET) };
}
