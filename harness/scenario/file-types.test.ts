/**
 * The scenario format has one definition, scenario-v1.schema.json: the types of a file as written
 * (file-types.ts) have exactly its keys, each with the same kinds of value (string, number,
 * boolean, object, array and of what, enum values), and the loader is shown every key by the
 * fixture that loads into an exact Scenario (load.test.ts, "a file using every feature").
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

/**
 * What a value of a key may be, one word per alternative, as the schema says it and as the types
 * say it: string, number, boolean, null, object, array (or `array of <kind>` where the items are
 * described), and a literal (an enum value or const) as its JSON, e.g. `"allow"` or `1`.
 */
type Kind<V> = V extends null
  ? 'null'
  : V extends readonly (infer E)[]
    ? unknown extends E ? 'array' : `array of ${ItemKind<E>}`
    : V extends string
      ? string extends V ? 'string' : `"${V}"`
      : V extends number
        ? number extends V ? 'number' : `${V}`
        : V extends boolean
          ? 'boolean'
          : V extends object ? 'object' : never;
type ItemKind<E> = E extends readonly unknown[] ? 'array' : Kind<E>;

type Kinds<T> = { [K in keyof T]-?: readonly Kind<Exclude<T[K], undefined>>[] };
type Missing<T, S extends Kinds<T>> = { [K in keyof T]-?: Exclude<Kind<Exclude<T[K], undefined>>, S[K][number]> }[keyof T];

/**
 * Every key of `T` with every kind of its value, as a value the compiler checks (npm run
 * typecheck): a key missing or extra, or a kind missing or extra, is a type error.
 */
const kinds = <T>() =>
  <const S extends Kinds<T>>(
    all: S & Record<Exclude<keyof S, keyof T>, never> & ([Missing<T, S>] extends [never] ? unknown : { missingKinds: Missing<T, S> }),
  ): Record<string, string[]> =>
    Object.fromEntries(Object.entries(all as Record<string, readonly string[]>).map(([key, list]) => [key, [...list].sort()]));

/** Each object of the format: its keys and their kinds in file-types.ts, and its schema object. */
const objects: Array<[string, Record<string, string[]>, Json]> = [
  ['top level', kinds<ScenarioFile>()({
    $schema: ['string'], version: ['1'], name: ['string'], description: ['string'], region: ['string'], auth: ['object'],
    client: ['"node"', '"browser"', 'array of "node"', 'array of "browser"'], origin: ['string'], buckets: ['array of object'],
    outputs: ['string'], backend: ['string'], template: ['string'], policies: ['object'], objects: ['array of object'], derive: ['boolean'],
    cases: ['array of object'],
  }), schema as unknown as Json],
  ['auth', kinds<AuthFile>()({
    guestAccess: ['boolean'], groups: ['array of string', 'array of object'], users: ['object'], accountId: ['string'], roles: ['object'],
    allowClassicFlow: ['boolean'],
  }), definitions['auth']!],
  ['auth.roles', kinds<RolesFile>()({ guest: ['string'], authenticated: ['string'], groups: ['object'] }), (definitions['auth']!['properties'] as Record<string, Json>)['roles']!],
  ['a group', kinds<GroupFile>()({ name: ['string'], precedence: ['number'] }), objectBranch(definitions['group']!)],
  ['a user', kinds<UserFile>()({ password: ['string'], email: ['string'], groups: ['array of string'] }), definitions['user']!],
  ['a bucket', kinds<BucketFile>()({
    name: ['string'], bucketName: ['string'], region: ['string'], default: ['boolean'], paths: ['object'], bucketPolicy: ['string', 'object'],
    crossAccount: ['boolean'], cors: ['"none"', 'object', 'array'],
  }), definitions['bucket']!],
  ['policies', kinds<PoliciesFile>()({
    guest: ['array of string', 'array of object'], authenticated: ['array of string', 'array of object'], groups: ['object'],
  }), definitions['policies']!],
  ['an object', kinds<ObjectFile>()({ path: ['string'], body: ['string'], bucket: ['string'] }), definitions['object']!],
  ['a case', kinds<CaseFile>()({
    name: ['string'], as: ['string'],
    op: ['"upload"', '"download"', '"list"', '"remove"', '"getProperties"', '"getUrl"', '"copy"'],
    path: ['string'], from: ['string'], bucket: ['string'], body: ['string'], size: ['number', 'string'], options: ['object'],
    expect: ['"allow"', '"deny"', '"not-found"', 'object'], inBrowser: ['"allow"', '"deny"', '"not-found"', 'object'],
  }), definitions['case']!],
  ['an expectation', kinds<ExpectationObjectFile>()({
    outcome: ['"allow"', '"deny"', '"not-found"', '"error"'], error: ['string'], body: ['string'], keys: ['array of string'],
    contains: ['array of string'],
  }), objectBranch(definitions['expectation']!)],
];

/** The kinds a schema node allows (see {@link Kind}), following `$ref` and `oneOf`. */
function schemaKinds(node: Json): string[] {
  const ref = node['$ref'];
  if (typeof ref === 'string') return schemaKinds(definitions[ref.replace('#/definitions/', '')]!);
  if (Array.isArray(node['oneOf'])) return (node['oneOf'] as Json[]).flatMap(schemaKinds);
  if ('const' in node) return [JSON.stringify(node['const'])];
  if (Array.isArray(node['enum'])) return (node['enum'] as unknown[]).map((value) => JSON.stringify(value));
  const types = ([] as unknown[]).concat(node['type'] ?? []) as string[];
  return types.flatMap((type) => {
    if (type === 'integer') return ['number'];
    if (type !== 'array' || node['items'] === undefined) return [type];
    const items = schemaKinds(node['items'] as Json);
    return items.length === 0 ? ['array'] : items.map((item) => (item.startsWith('array') ? 'array' : `array of ${item}`));
  });
}

const schemaKindsByKey = (object: Json): Record<string, string[]> =>
  Object.fromEntries(Object.entries((object['properties'] as Record<string, Json> | undefined) ?? {}).map(([key, value]) => [key, [...new Set(schemaKinds(value))].sort()]));

function objectBranch(schemaWithAlternatives: Json): Json {
  return (schemaWithAlternatives['oneOf'] as Json[]).find((branch) => branch['type'] === 'object')!;
}

const schemaKeys = (object: Json): string[] => Object.keys((object['properties'] as Json | undefined) ?? {}).sort();

describe('scenario-v1.schema.json is the one definition of the format', () => {
  test.each(objects)('%s: the types have exactly the schema’s keys', (_where, typed, object) => {
    expect(Object.keys(typed).sort()).toStrictEqual(schemaKeys(object));
  });

  test.each(objects)('%s: each key’s value has the same kinds (types, enum values) in the types as in the schema', (_where, typed, object) => {
    const expected = schemaKindsByKey(object);
    for (const [key, list] of Object.entries(expected)) expect(list.length, `${key}: the schema says what it may be`).toBeGreaterThan(0);
    expect(typed).toStrictEqual(expected);
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
