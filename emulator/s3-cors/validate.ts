import type { CORSConfiguration } from './rules.js';

/** A problem PutBucketCors would refuse, with where it is (relative to the configuration). */
export interface CorsProblem {
  path: Array<string | number>;
  /** The S3 error code PutBucketCors answers with. */
  code: 'MalformedXML' | 'InvalidRequest' | 'InvalidArgument';
  message: string;
}

const METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];
const RULE_KEYS = ['ID', 'AllowedHeaders', 'AllowedMethods', 'AllowedOrigins', 'ExposeHeaders', 'MaxAgeSeconds'];
const MAX_RULES = 100;

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Checks a CORS configuration (the JSON of `aws s3api put-bucket-cors --cors-configuration`) as
 * PutBucketCors does: 1 to 100 rules, each with AllowedMethods (GET, PUT, HEAD, POST, DELETE only,
 * as written) and AllowedOrigins, at most one `*` per origin and per header, an integer
 * MaxAgeSeconds, an ID of at most 255 characters, and no other keys. Empty: valid.
 */
export function validateCorsConfiguration(value: unknown): CorsProblem[] {
  const problems: CorsProblem[] = [];
  const add = (path: CorsProblem['path'], code: CorsProblem['code'], message: string) => problems.push({ path, code, message });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    add([], 'MalformedXML', Array.isArray(value)
      ? 'a CORS configuration is an object `{ CORSRules: [...] }` (a bare list of rules is the S3 console\'s form; wrap it in CORSRules)'
      : 'a CORS configuration is an object `{ CORSRules: [...] }`, or `none` for a bucket without one');
    return problems;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'CORSRules') add([key], 'MalformedXML', `unknown key \`${key}\`; a CORS configuration has only CORSRules`);
  }
  const rules = (value as Record<string, unknown>)['CORSRules'];
  if (!Array.isArray(rules) || rules.length === 0) {
    add(['CORSRules'], 'MalformedXML', 'CORSRules must be a list of 1 to 100 rules (for a bucket without CORS write `cors: none`)');
    return problems;
  }
  if (rules.length > MAX_RULES) add(['CORSRules'], 'InvalidRequest', `a CORS configuration holds at most ${MAX_RULES} rules, not ${rules.length}`);
  rules.forEach((rule: unknown, i) => {
    const at = (...rest: Array<string | number>) => ['CORSRules', i, ...rest];
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      add(at(), 'MalformedXML', 'a CORS rule is an object with AllowedMethods and AllowedOrigins');
      return;
    }
    const r = rule as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (!RULE_KEYS.includes(key)) add(at(key), 'MalformedXML', `unknown key \`${key}\` in a CORS rule; must be one of: ${RULE_KEYS.join(', ')}`);
    }
    for (const key of ['AllowedMethods', 'AllowedOrigins']) {
      if (r[key] === undefined) add(at(key), 'MalformedXML', `a CORS rule needs ${key}`);
      else if (!isStringList(r[key]) || (r[key] as string[]).length === 0) add(at(key), 'MalformedXML', `${key} must be a non-empty list of strings`);
    }
    for (const key of ['AllowedHeaders', 'ExposeHeaders']) {
      if (r[key] !== undefined && !isStringList(r[key])) add(at(key), 'MalformedXML', `${key} must be a list of strings`);
    }
    if (isStringList(r['AllowedMethods'])) {
      r['AllowedMethods'].forEach((m, j) => {
        if (!METHODS.includes(m)) {
          add(at('AllowedMethods', j), 'InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}${METHODS.includes(m.toUpperCase()) ? ` (write ${m.toUpperCase()}: S3 takes methods in capitals)` : ''}`);
        }
      });
    }
    for (const [key, singular] of [['AllowedOrigins', 'AllowedOrigin'], ['AllowedHeaders', 'AllowedHeader']] as const) {
      const list = r[key];
      if (!isStringList(list)) continue;
      list.forEach((entry, j) => {
        if ((entry.match(/\*/g) ?? []).length > 1) add(at(key, j), 'InvalidRequest', `${singular} "${entry}" can not have more than one wildcard.`);
      });
    }
    const maxAge = r['MaxAgeSeconds'];
    if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0)) {
      add(at('MaxAgeSeconds'), 'MalformedXML', 'MaxAgeSeconds must be a whole number of seconds ≥ 0');
    }
    const id = r['ID'];
    if (id !== undefined && typeof id !== 'string') add(at('ID'), 'MalformedXML', 'ID must be a string');
    else if (typeof id === 'string' && id.length > 255) add(at('ID'), 'InvalidArgument', 'The ID length should not exceed allowed limit of 255');
  });
  return problems;
}

/** The configuration, checked; throws with every problem in one message. */
export function assertCorsConfiguration(value: unknown, where: string): CORSConfiguration {
  const problems = validateCorsConfiguration(value);
  if (problems.length > 0) {
    throw new Error(`${where}: invalid CORS configuration: ${problems.map((p) => `${p.path.join('.') || '(top)'}: ${p.message}`).join('; ')}`);
  }
  return value as CORSConfiguration;
}
