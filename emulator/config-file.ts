import { readFile } from 'node:fs/promises';
import type { AppConfig } from './config.js';

/** A stack config file that cannot be used: says which file, which field, and what was expected. */
export class StackConfigError extends Error {
  override name = 'StackConfigError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a declarative stack config (an {@link AppConfig} as JSON: pools with their IDs, groups,
 * users, roles with their IAM policies, buckets with paths and bucket policies). Checks the shape
 * a person can get wrong; the policies themselves are validated when the stack loads them.
 */
export async function loadStackConfigFile(file: string): Promise<AppConfig> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new StackConfigError(`${file}: not a readable JSON file: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const need = (obj: unknown, path: string, check: (v: unknown) => boolean, what: string) => {
    const v = path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), obj);
    if (!check(v)) problems.push(`\`${path}\` must be ${what}`);
  };
  const str = (v: unknown) => typeof v === 'string' && v !== '';
  need(value, 'id', (v) => str(v) && /^[a-z0-9-]+$/.test(String(v)), 'a short id of a-z, 0-9 and -');
  need(value, 'region', str, 'an AWS region such as us-east-1');
  need(value, 'accountId', (v) => /^\d{12}$/.test(String(v)), 'a 12-digit account ID as a string');
  need(value, 'userPool.id', (v) => /^[a-z]{2}(-gov)?-[a-z]+-\d_[A-Za-z0-9]+$/.test(String(v)), 'a user pool ID shaped <region>_<id>');
  need(value, 'userPool.clientIds', (v) => Array.isArray(v) && v.length > 0 && v.every(str), 'a non-empty list of app client IDs');
  need(value, 'userPool.groups', Array.isArray, 'a list (may be empty)');
  need(value, 'userPool.users', Array.isArray, 'a list (may be empty)');
  need(value, 'identityPool.id', (v) => /^[a-z]{2}(-gov)?-[a-z]+-\d:[0-9a-f-]{36}$/.test(String(v)), 'an identity pool ID shaped <region>:<uuid>');
  need(value, 'identityPool.allowGuestAccess', (v) => typeof v === 'boolean', 'true or false');
  need(value, 'identityPool.allowClassicFlow', (v) => v === undefined || typeof v === 'boolean', 'true or false when given (AllowClassicFlow, default false)');
  for (const role of ['guest', 'authenticated']) {
    need(value, `roles.${role}.arn`, (v) => /^arn:aws:iam::\d{12}:role\//.test(String(v)), 'an IAM role ARN');
    need(value, `roles.${role}.policies`, Array.isArray, 'a list of IAM policy documents (may be empty)');
  }
  need(value, 'roles.groups', isObject, 'an object of group name → { arn, policies }');
  need(value, 'buckets', (v) => Array.isArray(v) && v.length > 0, 'a non-empty list of { name, bucketName, region, paths? }');
  if (problems.length > 0) throw new StackConfigError(`${file} is not a usable stack config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return value as AppConfig;
}

/** True when a JSON document looks like a stack config rather than a scenario. */
export function looksLikeStackConfig(value: unknown): boolean {
  return isObject(value) && 'userPool' in value && 'identityPool' in value;
}
