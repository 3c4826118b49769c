/**
 * The scenario format has one definition, scenario-v1.schema.json: the types of a file as written
 * (file-types.ts) have exactly its keys, and the loader is shown every key by the fixture that
 * loads into an exact Scenario (load.test.ts, "a file using every feature").
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import type {
  AuthFile, BucketFile, CaseFile, ExpectationObjectFile, GroupFile, ObjectFile, PoliciesFile, RolesFile, ScenarioFile, UserFile,
} from './file-types.js';
import schema from './scenario-v1.schema.json' with { type: 'json' };

type Json = Record<string, unknown>;
const definitions = schema.definitions as unknown as Record<string, Json>;

/** Every key of `T`, as a value the compiler checks: a key missing or extra is a type error. */
const keys = <T>(all: Record<keyof T, true>): string[] => Object.keys(all).sort();

/** Each object of the format: its keys in file-types.ts, and its schema object. */
const objects: Array<[string, string[], Json]> = [
  ['top level', keys<ScenarioFile>({
    $schema: true, version: true, name: true, description: true, region: true, auth: true, client: true, origin: true, buckets: true,
    outputs: true, backend: true, template: true, policies: true, objects: true, derive: true, cases: true,
  }), schema as unknown as Json],
  ['auth', keys<AuthFile>({ guestAccess: true, groups: true, users: true, accountId: true, roles: true, allowClassicFlow: true }), definitions['auth']!],
  ['auth.roles', keys<RolesFile>({ guest: true, authenticated: true, groups: true }), (definitions['auth']!['properties'] as Record<string, Json>)['roles']!],
  ['a group', keys<GroupFile>({ name: true, precedence: true }), objectBranch(definitions['group']!)],
  ['a user', keys<UserFile>({ password: true, email: true, groups: true }), definitions['user']!],
  ['a bucket', keys<BucketFile>({
    name: true, bucketName: true, region: true, default: true, paths: true, bucketPolicy: true, crossAccount: true, cors: true,
  }), definitions['bucket']!],
  ['policies', keys<PoliciesFile>({ guest: true, authenticated: true, groups: true }), definitions['policies']!],
  ['an object', keys<ObjectFile>({ path: true, body: true, bucket: true }), definitions['object']!],
  ['a case', keys<CaseFile>({
    name: true, as: true, op: true, path: true, from: true, bucket: true, body: true, size: true, options: true, expect: true, inBrowser: true,
  }), definitions['case']!],
  ['an expectation', keys<ExpectationObjectFile>({ outcome: true, error: true, body: true, keys: true, contains: true }), objectBranch(definitions['expectation']!)],
];

function objectBranch(schemaWithAlternatives: Json): Json {
  return (schemaWithAlternatives['oneOf'] as Json[]).find((branch) => branch['type'] === 'object')!;
}

const schemaKeys = (object: Json): string[] => Object.keys((object['properties'] as Json | undefined) ?? {}).sort();

describe('scenario-v1.schema.json is the one definition of the format', () => {
  test.each(objects)('%s: the types have exactly the schema’s keys', (_where, typed, object) => {
    expect(typed).toStrictEqual(schemaKeys(object));
  });

  test('every object of the schema that closes its keys is listed above', () => {
    const closed = Object.entries(definitions)
      .filter(([name, d]) => d['additionalProperties'] === false && !name.startsWith('iam'))
      .map(([, d]) => d);
    for (const d of closed) expect(objects.some(([, , o]) => o === d), JSON.stringify(Object.keys(d['properties'] as Json))).toBe(true);
  });

  test('the fixture that loads into an exact Scenario uses every key (so the loader is shown each one)', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const full = parse(await readFile(join(here, 'fixtures', 'valid', 'full.yaml'), 'utf8')) as Json;
    const auth = full['auth'] as Json;
    const seen = (values: unknown[]): string[] =>
      [...new Set(values.flatMap((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : [])))].sort();
    const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
    const used: Record<string, string[]> = {
      'top level': seen([full]),
      auth: seen([auth]),
      'auth.roles': seen([auth['roles']]),
      'a group': seen(list(auth['groups'])),
      'a user': seen(Object.values(auth['users'] as Json)),
      'a bucket': seen(list(full['buckets'])),
      policies: seen([full['policies']]),
      'an object': seen(list(full['objects'])),
      'a case': seen(list(full['cases'])),
      'an expectation': seen(list(full['cases']).flatMap((c) => [(c as Json)['expect'], (c as Json)['inBrowser']])),
    };
    // Shown elsewhere: `$schema` is for editors and ignored; `backend`/`template` need a synthesized
    // app (harness/backend tests) and exclude `outputs`, which this fixture uses; the fixture leaves
    // out `guestAccess` and `roles.authenticated` to show their defaults, and load.test.ts's
    // "minimal" tests write them.
    const elsewhere = new Set(['top level.$schema', 'top level.backend', 'top level.template', 'auth.guestAccess', 'auth.roles.authenticated']);
    const missing = objects.flatMap(([where, , object]) =>
      schemaKeys(object).filter((key) => !used[where]!.includes(key) && !elsewhere.has(`${where}.${key}`)).map((key) => `${where}.${key}`));
    expect(missing).toStrictEqual([]);
  });
});
