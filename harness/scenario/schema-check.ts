/**
 * Validation against scenario-v1.schema.json, with ajv's errors turned into messages a
 * scenario author can act on: what is wrong, where, and what was expected.
 *
 * Over 400 lines on purpose: one job (ajv error → message), most of it the wording tables
 * (required-key hints, synonyms, alternatives, bucket-name rules) that the messages need; split,
 * each table would sit away from the only code that reads it.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schemaJson from './scenario-v1.schema.json' with { type: 'json' };
import { closest } from './suggest.js';
import { isRecord } from './values.js';
import type { Anchor, Segment } from './yaml-source.js';

type JsonSchema = Record<string, unknown>;

export const SCENARIO_SCHEMA: JsonSchema = schemaJson as JsonSchema;
export const SCENARIO_SCHEMA_ID = 'urn:amplify-storage-emulator:scenario-v1';

const definitions = SCENARIO_SCHEMA['definitions'] as Record<string, JsonSchema>;

/** A schema problem, located by a path in the validated value. */
export interface Problem {
  path: Segment[];
  anchor: Anchor;
  message: string;
}

let compiled: { scenario: ValidateFunction; policy: ValidateFunction } | undefined;

function validators(): { scenario: ValidateFunction; policy: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    const scenario = ajv.compile(SCENARIO_SCHEMA);
    const policy = ajv.getSchema(`${SCENARIO_SCHEMA_ID}#/definitions/iamPolicyDocument`);
    if (!policy) throw new Error('scenario schema: iamPolicyDocument definition missing');
    compiled = { scenario, policy };
  }
  return compiled;
}

/** Problems of a whole scenario document. */
export function checkScenarioSchema(data: unknown): Problem[] {
  const validate = validators().scenario;
  if (validate(data)) return [];
  const derive = isRecord(data) ? data['derive'] : undefined;
  const errors = (validate.errors ?? []).filter(
    // `derive: "yes"` gets its own message; "missing cases" on top of it would mislead.
    (e) => !(e.keyword === 'required' && e.instancePath === '' && (e.params as { missingProperty?: string }).missingProperty === 'cases' && derive !== undefined && typeof derive !== 'boolean'),
  );
  return translate(errors, data, 'at the top level', (_error, path) =>
    // Keys of `paths` are checked by the paths validator, which says more than a pattern can.
    isPathsMap(path),
  );
}

/** Problems of an IAM policy document read from a file (paths relative to the document). */
export function checkPolicyDocumentSchema(data: unknown): Problem[] {
  const validate = validators().policy;
  if (validate(data)) return [];
  return translate(validate.errors ?? [], data, 'at the top level of the document', () => false);
}

function isPathsMap(path: Segment[]): boolean {
  return path.length === 3 && path[0] === 'buckets' && path[2] === 'paths';
}

// ---------------------------------------------------------------------------------------------
// Translation

function translate(
  errors: ErrorObject[],
  data: unknown,
  rootWhere: string,
  ignorePropertyNames: (error: ErrorObject, path: Segment[]) => boolean,
): Problem[] {
  const withPaths = errors.map((error) => ({ error, path: toPath(error.instancePath, data) }));
  const kept = resolveAlternatives(withPaths, data);
  // A misspelt required key shows up twice (unknown `Efect`, missing `Effect`): keep the first.
  const misspelt = new Set(
    kept
      .filter(({ error }) => error.keyword === 'additionalProperties')
      .map(({ error, path }) => {
        const properties = Object.keys(((error.parentSchema as JsonSchema | undefined)?.['properties'] as object | undefined) ?? {});
        return `${JSON.stringify(path)}|${closest(String((error.params as Record<string, unknown>)['additionalProperty']), properties) ?? ''}`;
      }),
  );
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const { error, path } of kept) {
    if (error.keyword === 'required' && misspelt.has(`${JSON.stringify(path)}|${String((error.params as Record<string, unknown>)['missingProperty'])}`)) {
      continue;
    }
    if (error.keyword === 'if') continue;
    if ((error as { propertyName?: string }).propertyName !== undefined) continue;
    if (error.keyword === 'propertyNames' && ignorePropertyNames(error, path)) continue;
    const problem = describeError(error, path, data, rootWhere);
    const id = `${JSON.stringify(problem.path)}|${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

function toPath(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const path: Segment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(seg);
      path.push(index);
      node = node[index];
    } else {
      path.push(seg);
      node = isRecord(node) ? node[seg] : undefined;
    }
  }
  return path;
}

function valueAt(data: unknown, path: Segment[]): unknown {
  let node = data;
  for (const seg of path) {
    if (Array.isArray(node)) node = node[seg as number];
    else if (isRecord(node)) node = node[String(seg)];
    else return undefined;
  }
  return node;
}

/**
 * ajv reports every branch of a `oneOf`. The branches of this schema differ by JSON type, so
 * keep only the branch whose type matches the value; when none matches, keep the `oneOf`
 * error alone (it becomes "must be X or Y").
 */
function resolveAlternatives(
  errors: Array<{ error: ErrorObject; path: Segment[] }>,
  data: unknown,
): Array<{ error: ErrorObject; path: Segment[] }> {
  const dropped = new Set<ErrorObject>();
  for (const { error, path } of errors) {
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;
    const branches = (Array.isArray(error.schema) ? error.schema : []) as JsonSchema[];
    const value = valueAt(data, path);
    const matching = branches.map((b, i) => (schemaTypes(b).some((t) => typeMatches(t, value)) ? i : -1)).filter((i) => i >= 0);
    const samePlace = errors.filter((e) => e.error !== error && e.error.instancePath === error.instancePath);
    if (matching.length === 1) {
      const chosen = matching[0]!;
      dropped.add(error);
      for (const other of samePlace) {
        const branch = branchOf(other.error.schemaPath, error.schemaPath);
        if (other.error.keyword === 'type' || (branch !== undefined && branch !== chosen)) dropped.add(other.error);
      }
    } else if (matching.length === 0) {
      for (const other of samePlace) dropped.add(other.error);
    }
  }
  return errors.filter((e) => !dropped.has(e.error));
}

function branchOf(schemaPath: string, alternativesPath: string): number | undefined {
  if (!schemaPath.startsWith(`${alternativesPath}/`)) return undefined;
  const index = Number(schemaPath.slice(alternativesPath.length + 1).split('/')[0]);
  return Number.isInteger(index) ? index : undefined;
}

function schemaTypes(schema: JsonSchema): string[] {
  if (typeof schema['$ref'] === 'string') {
    const name = (schema['$ref'] as string).replace('#/definitions/', '');
    const target = definitions[name];
    if (target) return schemaTypes(target);
  }
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type as string[];
  if ('const' in schema) return [jsonType(schema['const'])];
  if (Array.isArray(schema['enum'])) return [...new Set((schema['enum'] as unknown[]).map(jsonType))];
  if (Array.isArray(schema['oneOf'])) return (schema['oneOf'] as JsonSchema[]).flatMap(schemaTypes);
  return ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(type: string, value: unknown): boolean {
  const actual = jsonType(value);
  return type === actual || (type === 'number' && actual === 'integer');
}

// ---------------------------------------------------------------------------------------------
// Messages

/** `auth.users.alice.groups[0]`; keys that are not plain words are quoted: `paths["public/*"]`. */
export function describePath(path: readonly Segment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function where(path: Segment[], rootWhere: string): string {
  return path.length === 0 ? rootWhere : `in ${describePath(path)}`;
}

function subject(path: Segment[]): string {
  return path.length === 0 ? 'the document' : `\`${describePath(path)}\``;
}

/** How a value reads in a message. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') {
    // Short values locate a typo; a long or multi-line one is more likely a file that is not a
    // scenario (e.g. /etc/shadow read as one YAML string): its content is not echoed.
    return value.length <= 40 && !/[\r\n]/.test(value) ? `the string ${JSON.stringify(value)}` : `a string of ${value.length} characters`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `\`${value}\``;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

function typeWords(types: string[]): string {
  const words = types.filter((t) => t !== 'null' || types.length === 1).map((t) => TYPE_WORDS[t] ?? t);
  return words.length <= 1 ? (words[0] ?? 'something else') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function lastKey(path: Segment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return undefined;
}

const REQUIRED_HINTS: Record<string, string> = {
  version: 'add `version: 1`',
  bucketName: 'add `bucketName:` with the S3 bucket name',
  paths: 'add `paths:` with the access map, as in amplify_outputs.json (e.g. "public/*": { guest: [get, list] })',
  buckets: 'list the buckets under `buckets:`, or give `outputs: ./amplify_outputs.json` to take them from a real outputs file',
  cases: 'list the cases under `cases:`, or set `derive: true` to derive them from `paths`',
  as: 'add `as: guest` or `as: <user from auth.users>`',
  op: 'add `op:` with one of upload, download, list, remove, getProperties, getUrl, copy',
  expect: 'add `expect: allow`, `deny`, `not-found`, or a mapping such as { outcome: allow, keys: [...] }',
  from: 'op copy needs `from:` with the source path (`path` is the destination)',
  outcome: 'add `outcome:` with one of allow, deny, not-found, error',
  Version:
    'add "Version": "2012-10-17" (without it AWS reads the policy as version 2008-10-17, where ${...} policy variables are not substituted)',
  Statement: 'add "Statement" with the policy statements',
  Effect: 'add "Effect": "Allow" or "Deny"',
};

function requiredHint(property: string, path: Segment[]): string {
  const parent = lastKey(path);
  if (property === 'name') {
    if (path.length === 0) return 'add `name:` with what this scenario checks';
    if (parent === 'buckets') return 'add `name:` with the friendly name the client uses (options.bucket)';
    if (parent === 'groups') return 'add `name:` with the group name';
  }
  if (property === 'path') {
    if (parent === 'objects') return 'add `path:` with the object key';
    if (parent === 'cases') return 'add `path:` with the object key (the prefix for list, the destination for copy)';
  }
  return REQUIRED_HINTS[property] ?? `add \`${property}\``;
}

/** Synonyms people reach for, by enum field. */
const SYNONYMS: Record<string, Record<string, string>> = {
  op: {
    delete: 'remove',
    del: 'remove',
    get: 'download',
    read: 'download',
    put: 'upload',
    write: 'upload',
    head: 'getProperties',
    properties: 'getProperties',
    url: 'getUrl',
    getURL: 'getUrl',
    ls: 'list',
    cp: 'copy',
  },
  expect: { denied: 'deny', allowed: 'allow', notfound: 'not-found', not_found: 'not-found', '404': 'not-found', '403': 'deny' },
  outcome: { denied: 'deny', allowed: 'allow', notfound: 'not-found', not_found: 'not-found', '404': 'not-found', '403': 'deny' },
};

function suggestion(field: string | undefined, value: unknown, allowed: string[]): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value);
  const synonym = field ? SYNONYMS[field]?.[text] ?? SYNONYMS[field]?.[text.toLowerCase()] : undefined;
  if (synonym && allowed.includes(synonym)) return synonym;
  const caseless = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
  return caseless ?? closest(text, allowed);
}

const ALTERNATIVES: Array<[JsonSchema | undefined, string]> = [
  [definitions['group'], 'a group name, or a mapping { name, precedence }'],
  [definitions['policyRef'], 'a file path (relative to the scenario file), or an inline IAM policy document (a mapping)'],
  [definitions['expectation'], 'allow, deny, not-found, or a mapping { outcome, error, body, keys, contains }'],
  [definitions['principal'], '"*", or a mapping such as { AWS: <role ARN> }'],
  [definitions['stringOrStrings'], 'a string or a list of strings'],
  [definitions['conditionValue'], 'a string, a number, true/false, or a list of them'],
  [(definitions['iamPolicyDocument']?.['properties'] as Record<string, JsonSchema> | undefined)?.['Statement'], 'a statement (a mapping) or a list of statements'],
];

function alternativesText(error: ErrorObject): string {
  for (const [schema, text] of ALTERNATIVES) if (schema && error.parentSchema === schema) return text;
  const branches = (Array.isArray(error.schema) ? error.schema : []) as JsonSchema[];
  return typeWords([...new Set(branches.flatMap(schemaTypes))]);
}

function patternMessage(path: Segment[], value: unknown): string {
  const field = lastKey(path);
  const parent = path.length >= 2 ? path[path.length - 2] : undefined;
  const shown = JSON.stringify(value);
  if (field === 'bucketName') return bucketNameMessage(String(value));
  if (field === 'region') return `${subject(path)} is ${shown}, not an AWS region name; write a region such as us-east-1`;
  if (field === 'accountId') return `${subject(path)} is ${shown}; expected a 12-digit AWS account ID in quotes, such as "123456789012"`;
  if (field === 'email') return `${subject(path)} is ${shown}, not an email address; write one such as alice@example.com`;
  if (field === 'guest' || field === 'authenticated' || (parent !== undefined && path[path.length - 3] === 'roles')) {
    return `${subject(path)} is ${shown}, not an IAM role ARN; write one such as arn:aws:iam::123456789012:role/my-role`;
  }
  if (field === 'groups' || field === 'name') {
    return `${subject(path)} is ${shown}, not a valid group name; use letters, digits and punctuation, without spaces`;
  }
  return `${subject(path)} is ${shown}, which does not have the expected form`;
}

/** Why `name` is not a valid S3 bucket name, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `it is ${name.length} character${name.length === 1 ? '' : 's'} long, and 3 to 63 are allowed`;
  if (/[A-Z]/.test(name)) return 'it has uppercase letters';
  if (/[^a-z0-9.-]/.test(name)) return 'it has characters other than lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'it must start and end with a letter or digit';
  if (name.includes('..')) return 'it has two dots in a row';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'it is shaped like an IP address';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(prefix)) return `the prefix ${prefix} is reserved`;
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3']) if (name.endsWith(suffix)) return `the suffix ${suffix} is reserved`;
  return undefined;
}

export function bucketNameMessage(name: string): string {
  const why = bucketNameProblem(name) ?? 'it breaks the S3 bucket naming rules';
  return (
    `bucketName ${JSON.stringify(name)} is not a valid S3 bucket name: ${why}; ` +
    'use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (e.g. my-app-media-1234)'
  );
}

function describeError(error: ErrorObject, path: Segment[], data: unknown, rootWhere: string): Problem {
  const value = valueAt(data, path);
  const params = error.params as Record<string, unknown>;
  const at = (message: string, anchor: Anchor = 'value', p: Segment[] = path): Problem => ({ path: p, anchor, message });
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const properties = Object.keys(((error.parentSchema as JsonSchema | undefined)?.['properties'] as object | undefined) ?? {}).filter(
        (k) => k !== '$schema',
      );
      const guess = closest(key, properties);
      // A short key locates a typo; a long one is more likely content of a file that is not a
      // scenario (e.g. a line of /etc/shadow): not echoed.
      const shown = key.length <= 40 && !/[\r\n]/.test(key) ? `\`${key}\`` : `of ${key.length} characters`;
      return at(
        `unknown key ${shown} ${where(path, rootWhere)}; expected one of ${properties.join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
        'key',
        [...path, key],
      );
    }
    case 'required': {
      const property = String(params['missingProperty']);
      return at(`missing \`${property}\` ${where(path, rootWhere)}; ${requiredHint(property, path)}`, 'container');
    }
    case 'type': {
      const expected = String(params['type']).split(',');
      let hint = '';
      if (expected.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) {
        hint = `; put it in quotes: "${String(value)}"`;
      } else if (expected.includes('boolean') && typeof value === 'string') {
        hint = '; write true or false, without quotes';
      } else if (value === null && (expected.includes('object') || expected.includes('array'))) {
        hint = '; give it content, or remove the key';
      }
      return at(`${subject(path)} must be ${typeWords(expected)}, not ${describeValue(value)}${hint}`);
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const field = lastKey(path);
      const guess = suggestion(path.length >= 2 && path[path.length - 2] === 'expect' ? 'outcome' : field, value, allowed);
      const shown = typeof value === 'string' ? `\`${value}\`` : describeValue(value);
      return at(`${subject(path)} is ${shown}; expected one of ${allowed.join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
    }
    case 'const': {
      if (path.length === 1 && path[0] === 'version') {
        if (value === '1') return at('`version` must be the number 1, not the string "1"; write `version: 1` without quotes');
        return at(
          `unsupported version ${typeof value === 'string' ? JSON.stringify(value) : String(value)}; this release reads scenario files of version 1: write \`version: 1\``,
        );
      }
      return at(`${subject(path)} must be ${JSON.stringify(params['allowedValue'])}, not ${describeValue(value)}`);
    }
    case 'pattern':
      return at(patternMessage(path, value));
    case 'minLength':
      if (lastKey(path) === 'bucketName') return at(bucketNameMessage(String(value)));
      return at(`${subject(path)} is empty; give a value`);
    case 'maxLength':
      if (lastKey(path) === 'bucketName') return at(bucketNameMessage(String(value)));
      return at(`${subject(path)} is longer than ${String(params['limit'])} characters; shorten it`);
    case 'minItems':
      if (path.length === 1 && path[0] === 'buckets') return at('`buckets` is empty; list at least one bucket, or use `outputs:`');
      if (path.length === 5 && path[0] === 'buckets' && path[2] === 'paths') {
        return at(`${subject(path)} grants no actions (Amplify fails with "At least one permission must be specified"); list some of read, get, list, write, delete, or remove the rule`);
      }
      return at(`${subject(path)} is an empty list; give at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}`);
    case 'uniqueItems': {
      const later = Math.max(Number(params['i']), Number(params['j']));
      const item = Array.isArray(value) ? value[later] : undefined;
      return at(`${subject(path)} lists ${JSON.stringify(item)} twice; remove the repeated entry`, 'value', [...path, later]);
    }
    case 'minimum':
      return at(`${subject(path)} is ${String(value)}; it must be ${String(params['limit'])} or more`);
    case 'propertyNames':
      return propertyNameProblem(String(params['propertyName']), path);
    case 'false schema': {
      const field = lastKey(path);
      if (field === 'from') return at('`from` is only for op copy (the copy source); remove it, or use `op: copy`', 'key');
      if (field === 'body') return at('`body` is only for op upload (the content to upload); remove it, or use `op: upload`', 'key');
      return at(`\`${field ?? ''}\` is not allowed here; remove it`, 'key');
    }
    case 'oneOf':
    case 'anyOf':
      return at(`${subject(path)} must be ${alternativesText(error)}, not ${describeValue(value)}`);
    default:
      return at(`${subject(path)} ${error.message ?? 'is not valid'}`);
  }
}

function propertyNameProblem(key: string, path: Segment[]): Problem {
  const at = (message: string): Problem => ({ path: [...path, key], anchor: 'key', message });
  const field = lastKey(path);
  if (field === 'users') {
    if (key === 'guest') return at('a user cannot be called `guest`: `as: guest` means an unauthenticated visitor; rename the user');
    return at(`user name ${JSON.stringify(key)} is not valid; use letters, digits and punctuation, without spaces`);
  }
  if (path.length >= 2 && path[path.length - 2] === 'paths') {
    const guess = closest(key, ['guest', 'authenticated', 'entityidentity']);
    return at(
      `unknown access key \`${key}\` in ${describePath(path)}; expected guest, authenticated, groups<Name> (e.g. groupsadmin) or entityidentity${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
    );
  }
  if (field === 'groups') return at(`group name ${JSON.stringify(key)} is not valid; use letters, digits and punctuation, without spaces`);
  return at(`key ${JSON.stringify(key)} is not allowed in ${describePath(path)}`);
}
