import { readUserTextFile, UserFileError } from './user-file.js';
import type { AppConfig } from './config.js';
import { isRecord, jsonSyntaxProblem } from './values.js';

/** A stack config file that cannot be used: says which file, which field, and what was expected. */
export class StackConfigError extends Error {
  override name = 'StackConfigError';
}

/**
 * Reads a declarative stack config (an {@link AppConfig} as JSON: pools with their IDs, groups,
 * users, roles with their IAM policies, buckets with paths and bucket policies). Checks the shape
 * a person can get wrong; the policies themselves are validated when the stack loads them.
 */
export async function loadStackConfigFile(file: string): Promise<AppConfig> {
  let text: string;
  try {
    text = await readUserTextFile(file, { kind: 'stack config' });
  } catch (e) {
    throw new StackConfigError((e as UserFileError).message);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the start of the text: keep only what locates the mistake.
    throw new StackConfigError(`${file} is not valid JSON: ${jsonProblem(e, text)}; fix the JSON (a truncated file ends too early)`);
  }
  const problems: string[] = [];
  const need = (obj: unknown, path: string, check: (v: unknown) => boolean, what: string) => {
    const v = path.split('.').reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), obj);
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
  need(value, 'roles.groups', isRecord, 'an object of group name → { arn, policies }');
  need(value, 'buckets', (v) => Array.isArray(v) && v.length > 0, 'a non-empty list of { name, bucketName, region, paths? }');
  if (problems.length > 0) throw new StackConfigError(`${file} is not a usable stack config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return value as AppConfig;
}

/** What is wrong with `text` as JSON, with its line and column, and none of its content. */
export function jsonProblem(error: unknown, text: string): string {
  const problem = jsonSyntaxProblem(error, text);
  return problem.endsEarly ? problem.detail : `${problem.detail} at line ${problem.line}, column ${problem.column}`;
}

/** True when a JSON document looks like a stack config rather than a scenario. */
export function looksLikeStackConfig(value: unknown): boolean {
  return isRecord(value) && 'userPool' in value && 'identityPool' in value;
}
