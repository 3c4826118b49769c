import { createHash } from 'node:crypto';

/** A stable `AROA…` unique ID for a role ARN, shaped like IAM's role IDs. */
export function roleIdFor(roleArn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(roleArn).digest();
  let id = 'AROA';
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! % 32];
  return id;
}
