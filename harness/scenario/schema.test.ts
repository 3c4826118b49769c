/** The JSON Schema as editors use it: on its own, without the loader's checks and messages. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import schema from './scenario-v1.schema.json' with { type: 'json' };

const here = dirname(fileURLToPath(import.meta.url));
type Json = Record<string, unknown>;

const validate = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true }).compile(schema);
const ok = (value: unknown): boolean => validate(value) === true;

const base = {
  version: 1,
  name: 'n',
  buckets: [{ name: 'b', bucketName: 'bucket-one', paths: { 'public/*': { guest: ['get'] } } }],
  cases: [{ as: 'guest', op: 'download', path: 'public/a', expect: 'allow' }],
};

describe('scenario-v1.schema.json', () => {
  test('is a draft-07 schema with a stable $id, and compiles in ajv strict mode', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe('urn:amplify-storage-emulator:scenario-v1');
    expect(typeof validate).toBe('function');
  });

  test.each(['full.yaml', 'outputs.yaml', 'outputs-legacy.yaml', 'spec/spec-example.yaml'])('accepts fixtures/valid/%s', async (name) => {
    const data: unknown = parse(await readFile(join(here, 'fixtures', 'valid', name), 'utf8'));
    expect(ok(data), JSON.stringify(validate.errors)).toBe(true);
  });

  test('unknown keys are errors, at every level', () => {
    expect(ok(base)).toBe(true);
    expect(ok({ ...base, extra: 1 })).toBe(false);
    expect(ok({ ...base, auth: { gruops: [] } })).toBe(false);
    expect(ok({ ...base, buckets: [{ ...base.buckets[0], extra: true }] })).toBe(false);
    expect(ok({ ...base, cases: [{ ...base.cases[0], extra: true }] })).toBe(false);
    expect(ok({ ...base, cases: [{ ...base.cases[0], expect: { outcome: 'allow', extra: 1 } }] })).toBe(false);
  });

  test('conditional requirements: buckets unless outputs, cases unless derive, from only for copy, body only for upload', () => {
    const { buckets: _b, ...noBuckets } = base;
    expect(ok(noBuckets)).toBe(false);
    expect(ok({ ...noBuckets, outputs: './amplify_outputs.json' })).toBe(true);
    const { cases: _c, ...noCases } = base;
    expect(ok(noCases)).toBe(false);
    expect(ok({ ...noCases, derive: false })).toBe(false);
    expect(ok({ ...noCases, derive: true })).toBe(true);
    const copy = { as: 'guest', op: 'copy', path: 'a', expect: 'deny' };
    expect(ok({ ...base, cases: [copy] })).toBe(false);
    expect(ok({ ...base, cases: [{ ...copy, from: 'b' }] })).toBe(true);
    expect(ok({ ...base, cases: [{ ...base.cases[0], from: 'b' }] })).toBe(false);
    expect(ok({ ...base, cases: [{ ...base.cases[0], body: 'x' }] })).toBe(false);
    expect(ok({ ...base, cases: [{ ...base.cases[0], op: 'upload', body: 'x' }] })).toBe(true);
  });

  test('values: version, op, expect, access keys, actions, bucket names', () => {
    expect(ok({ ...base, version: 2 })).toBe(false);
    expect(ok({ ...base, cases: [{ ...base.cases[0], op: 'delete' }] })).toBe(false);
    expect(ok({ ...base, cases: [{ ...base.cases[0], expect: 'error' }] })).toBe(false);
    expect(ok({ ...base, cases: [{ ...base.cases[0], expect: { outcome: 'error', error: 'NoBucket' } }] })).toBe(true);
    const paths = (p: unknown) => ({ ...base, buckets: [{ ...base.buckets[0], paths: p }] });
    expect(ok(paths({ 'a/*': { guest: ['read'], authenticated: ['get'], groupsadmin: ['list'], entityidentity: ['write', 'delete'] } }))).toBe(true);
    expect(ok(paths({ 'a/*': { owner: ['get'] } }))).toBe(false);
    expect(ok(paths({ 'a/*': { guest: ['fetch'] } }))).toBe(false);
    // Keys, empty lists and repeated actions are the paths model's to judge (with Amplify's messages).
    expect(ok(paths({ a: { guest: ['get'] } }))).toBe(true);
    expect(ok(paths({ 'a/*': { guest: [], authenticated: ['get', 'get'] }, 'b/*': {}, 'c/*': { resource: ['write'] } }))).toBe(true);
    const bucketName = (n: string) => ({ ...base, buckets: [{ ...base.buckets[0], bucketName: n }] });
    for (const good of ['abc', 'my.bucket-1', 'a'.repeat(63)]) expect(ok(bucketName(good)), good).toBe(true);
    for (const bad of ['ab', 'My_Bucket', '-abc', 'abc-', 'a..b', '192.168.0.1', 'xn--abc', 'abc-s3alias', 'a'.repeat(64)]) {
      expect(ok(bucketName(bad)), bad).toBe(false);
    }
  });

  test('every key the format defines has a description for editors', () => {
    const definitions = schema.definitions as Record<string, Json>;
    const resolve = (s: Json): Json => (typeof s['$ref'] === 'string' ? { ...definitions[(s['$ref'] as string).split('/').pop()!], ...s } : s);
    const missing: string[] = [];
    const visit = (s: Json, where: string): void => {
      for (const [key, value] of Object.entries((s['properties'] as Record<string, Json> | undefined) ?? {})) {
        const target = resolve(value);
        if (typeof target['description'] !== 'string' && !where.startsWith('iam')) missing.push(`${where}.${key}`);
      }
    };
    visit(schema as unknown as Json, 'top');
    for (const name of ['auth', 'user', 'bucket', 'policies', 'object', 'case']) visit(definitions[name]!, name);
    visit((definitions['auth']!['properties'] as Record<string, Json>)['roles']!, 'auth.roles');
    expect(missing).toStrictEqual([]);
  });

  test('the role ARN defaults are documented', () => {
    const text = JSON.stringify(schema);
    expect(text).toContain('arn:aws:iam::<accountId>:role/ase-guest');
    expect(text).toContain('arn:aws:iam::<accountId>:role/ase-authenticated');
    expect(text).toContain('arn:aws:iam::<accountId>:role/ase-group-<name>');
    expect(text).toContain('Default: \\"123456789012\\"');
  });
});
