import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_PASSWORD_POLICY, passwordPolicyViolation } from '../../emulator/cognito-idp/password-policy.js';
import { loadScenarioFiles } from './load-many.js';
import { loadScenarioFile, loadScenarioText, ScenarioError } from './load.js';
import type { PathsValidator } from './load.js';
import { amplifyPathRules } from './paths-check.js';
import { generatePassword } from './password.js';
import type { Scenario } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const valid = (name: string): string => join(here, 'fixtures', 'valid', name);
const fixedPassword = { generatePassword: () => 'Generated-Pass-1!' };

async function issuesOf(promise: Promise<unknown>): Promise<ScenarioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return error as ScenarioError;
}

describe('a file using every feature', () => {
  test('loads into exactly the expected Scenario', async () => {
    const file = valid('full.yaml');
    const scenario = await loadScenarioFile(file, fixedPassword);
    const expected: Scenario = {
      file,
      version: 1,
      name: 'Every feature of the format',
      description: 'Loads into exactly the expected Scenario (load.test.ts).',
      region: 'eu-west-1',
      auth: {
        // Not written in the file: taken from outputs/amplify_outputs.json.
        guestAccess: false,
        allowClassicFlow: true,
        // Written in the file, so the outputs file's `owners` group is not used.
        groups: [
          { name: 'admin', precedence: 0 },
          { name: 'editors', precedence: 5 },
        ],
        users: [
          { name: 'alice', password: 'Alice-Pass-123', email: 'alice@example.com', groups: ['admin'] },
          { name: 'bob', password: 'Generated-Pass-1!', groups: [] },
          { name: 'carol', password: 'Generated-Pass-1!', groups: ['editors', 'admin'] },
          { name: 'dave', password: 'Generated-Pass-1!', groups: [] },
        ],
        accountId: '111122223333',
        roles: {
          guest: 'arn:aws:iam::111122223333:role/my-unauth',
          authenticated: 'arn:aws:iam::111122223333:role/ase-authenticated',
          groups: {
            admin: 'arn:aws:iam::111122223333:role/admins',
            editors: 'arn:aws:iam::111122223333:role/ase-group-editors',
          },
        },
      },
      buckets: [
        {
          name: 'media',
          bucketName: 'ase-media-bucket-1',
          region: 'eu-west-1',
          default: false,
          paths: {
            'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] },
            // "protected/{entity_id}/*" as Amplify substitutes it: `*` for everyone but the owner.
            // and in the amplify_outputs.json form: `read` is written `get`, `list`, as Amplify writes it.
            'protected/*': { authenticated: ['get', 'list'] },
            'protected/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get', 'list', 'write', 'delete'] },
            'admin/*': { authenticated: ['get', 'list'], groupsadmin: ['get', 'list', 'write', 'delete'] },
          },
          bucketPolicy: JSON.parse(await readFile(valid('policies/bucket-policy.json'), 'utf8')),
          bucketPolicySource: valid('policies/bucket-policy.json'),
          crossAccount: false,
        },
        {
          name: 'archive',
          bucketName: 'ase-archive.bucket-2',
          region: 'us-west-2',
          default: true,
          paths: {
            'private/*': { authenticated: ['list'] },
            'private/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get', 'list', 'write', 'delete'] },
          },
          bucketPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::111122223333:role/ase-authenticated' },
                Action: ['s3:GetObject', 's3:PutObject'],
                Resource: 'arn:aws:s3:::ase-archive.bucket-2/private/*',
              },
            ],
          },
          bucketPolicySource: 'inline',
          crossAccount: true,
          cors: { CORSRules: [{ AllowedOrigins: ['http://localhost:5173'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'] }] },
        },
      ],
      policies: {
        guest: [{ source: valid('policies/guest.json'), document: JSON.parse(await readFile(valid('policies/guest.json'), 'utf8')) }],
        authenticated: [
          { source: valid('policies/authenticated.json'), document: JSON.parse(await readFile(valid('policies/authenticated.json'), 'utf8')) },
          {
            source: `${file}#policies.authenticated[1]`,
            document: {
              Version: '2012-10-17',
              Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::ase-media-bucket-1' },
            },
          },
        ],
        groups: {
          admin: [{ source: valid('policies/admin.json'), document: JSON.parse(await readFile(valid('policies/admin.json'), 'utf8')) }],
          editors: [
            {
              source: `${file}#policies.groups.editors[0]`,
              document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }] },
            },
          ],
        },
      },
      objects: [
        { path: 'public/readme.txt', body: 'hello', bucket: 'media' },
        { path: 'protected/{identity:alice}/photo.jpg', body: 'seed', bucket: 'media' },
        { path: 'private/{sub:bob}/notes.txt', body: '', bucket: 'archive' },
      ],
      derive: true,
      cases: [
        { index: 0, as: 'guest', op: 'download', bucket: 'media', path: 'public/readme.txt', expect: { outcome: 'allow' }, line: 76 },
        {
          index: 1,
          name: "bob cannot delete alice's photo",
          as: 'bob',
          op: 'remove',
          bucket: 'media',
          path: 'protected/{identity:alice}/photo.jpg',
          expect: { outcome: 'deny' },
          line: 82,
        },
        {
          index: 2,
          as: 'alice',
          op: 'upload',
          bucket: 'archive',
          path: 'private/{identity}/new.txt',
          body: 'some text',
          expect: { outcome: 'allow' },
          line: 89,
        },
        // No body: the runner uploads its default ("data").
        { index: 3, as: 'alice', op: 'upload', bucket: 'archive', path: 'private/{identity}/default-body.txt', expect: { outcome: 'allow' }, line: 95 },
        {
          index: 4,
          as: 'alice',
          op: 'copy',
          bucket: 'media',
          from: 'public/readme.txt',
          path: 'protected/{identity}/copy.txt',
          expect: { outcome: 'allow' },
          line: 100,
        },
        {
          index: 5,
          as: 'alice',
          op: 'list',
          bucket: 'media',
          path: 'protected/{identity:alice}/',
          options: { subpathStrategy: 'exclude', pageSize: 10 },
          expect: { outcome: 'allow', keys: ['protected/{identity:alice}/photo.jpg', 'protected/{identity}/copy.txt'] },
          line: 107,
        },
        {
          index: 6,
          as: 'carol',
          op: 'list',
          bucket: 'media',
          path: 'public/',
          expect: { outcome: 'allow', contains: ['public/readme.txt'] },
          line: 115,
        },
        { index: 7, as: 'dave', op: 'getProperties', bucket: 'media', path: 'public/missing.txt', expect: { outcome: 'not-found' }, line: 121 },
        { index: 8, as: 'guest', op: 'getUrl', bucket: 'media', path: 'public/readme.txt', expect: { outcome: 'allow', body: 'hello' }, line: 127 },
        {
          index: 9,
          as: 'bob',
          op: 'download',
          bucket: 'archive',
          path: 'private/{sub:bob}/notes.txt',
          expect: { outcome: 'error', error: 'AccessDenied' },
          line: 133,
        },
        {
          index: 10,
          name: 'six bytes from the browser, where CORS lets no PUT through',
          as: 'guest',
          op: 'upload',
          bucket: 'media',
          path: 'public/generated.bin',
          size: 6,
          expect: { outcome: 'deny' },
          inBrowser: { outcome: 'error', error: 'NetworkError' },
          line: 138,
        },
      ],
      clients: ['node', 'browser'],
      origin: 'http://localhost:5173',
    };
    expect(scenario).toStrictEqual(expected);
  });

  test('every op and every expect form is covered by the fixture', async () => {
    const scenario = await loadScenarioFile(valid('full.yaml'));
    expect(new Set(scenario.cases.map((c) => c.op))).toStrictEqual(
      new Set(['upload', 'download', 'list', 'remove', 'getProperties', 'getUrl', 'copy']),
    );
    expect(new Set(scenario.cases.map((c) => c.expect.outcome))).toStrictEqual(new Set(['allow', 'deny', 'not-found', 'error']));
  });

  test('generated passwords differ per user and satisfy Cognito’s default policy', async () => {
    const scenario = await loadScenarioFile(valid('full.yaml'));
    const generated = scenario.auth.users.filter((u) => u.name !== 'alice').map((u) => u.password);
    expect(new Set(generated).size).toBe(3);
    for (const password of generated) {
      expect(password.length).toBeGreaterThanOrEqual(12);
      expect(passwordPolicyViolation(password, DEFAULT_PASSWORD_POLICY)).toBeUndefined();
    }
  });
});

describe('outputs:', () => {
  test('buckets, groups and guest access come from a Gen2 amplify_outputs.json', async () => {
    const file = valid('outputs.yaml');
    const scenario = await loadScenarioFile(file, fixedPassword);
    expect(scenario.auth).toStrictEqual({
      guestAccess: true,
      groups: [
        { name: 'ADMINS', precedence: 0 },
        { name: 'EDITORS', precedence: 1 },
      ],
      // The outputs file signs users in by email (username_attributes), so does the scenario's pool.
      usernameAttributes: ['email'],
      users: [{ name: 'admin-user', password: 'Generated-Pass-1!', groups: ['ADMINS'], signInName: 'admin-user@example.com' }],
      accountId: '123456789012',
      roles: {
        guest: 'arn:aws:iam::123456789012:role/ase-guest',
        authenticated: 'arn:aws:iam::123456789012:role/ase-authenticated',
        groups: {
          ADMINS: 'arn:aws:iam::123456789012:role/ase-group-ADMINS',
          EDITORS: 'arn:aws:iam::123456789012:role/ase-group-EDITORS',
        },
      },
    });
    expect(scenario.buckets).toStrictEqual([
      {
        name: 'firstBucket',
        bucketName: 'amplify-app-first-bucket-1234',
        region: 'us-west-2',
        default: false,
        paths: {
          'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] },
          'private/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get', 'list', 'write', 'delete'] },
          // `resource` rules grant backend functions, not client roles: left out, as Amplify's outputs do.
          'jobs/*': { authenticated: ['get', 'list'] },
        },
        crossAccount: false,
      },
      {
        // storage.bucket_name names it: the client's default bucket.
        name: 'secondBucket',
        bucketName: 'amplify-app-second-bucket-5678',
        region: 'us-east-1',
        default: true,
        paths: { 'admin/*': { groupsADMINS: ['get', 'list', 'write', 'delete'], groupsEDITORS: ['get', 'list'] } },
        crossAccount: false,
      },
    ]);
    expect(scenario.cases.map((c) => c.bucket)).toStrictEqual(['secondBucket', 'secondBucket']);
    expect(scenario.region).toBe('us-east-1');
    expect(scenario.policies).toBeUndefined();
  });

  test('an outputs file with only storage.bucket_name gives one bucket named after it', async () => {
    const scenario = await loadScenarioFile(valid('outputs-legacy.yaml'));
    expect(scenario.buckets).toStrictEqual([
      { name: 'my-legacy-bucket', bucketName: 'my-legacy-bucket', region: 'ap-southeast-2', default: true, paths: {}, crossAccount: false },
    ]);
    expect(scenario.auth.groups).toStrictEqual([]);
    expect(scenario.auth.guestAccess).toBe(true);
    expect(scenario.derive).toBe(true);
    expect(scenario.cases).toStrictEqual([]);
  });
});

describe('outputs: sections the scenario overrides', () => {
  test('are not read, so their problems do not matter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ase-scenario-'));
    await writeFile(join(dir, 'o.json'), JSON.stringify({ version: '1', storage: { bucket_name: 'BAD' }, auth: { groups: 5, unauthenticated_identities_enabled: 'no' } }));
    const text = `version: 1
name: overrides
outputs: ./o.json
auth: { groups: [g], guestAccess: false }
buckets: [{ name: b, bucketName: bucket-b, paths: {} }]
derive: true
`;
    try {
      const scenario = await loadScenarioText(text, join(dir, 's.yaml'));
      expect(scenario.auth.groups).toStrictEqual([{ name: 'g', precedence: 0 }]);
      expect(scenario.auth.guestAccess).toBe(false);
      expect(scenario.buckets.map((b) => b.name)).toStrictEqual(['b']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('YAML conveniences', () => {
  test('anchors and merge keys work inside the format', async () => {
    const text = `version: 1
name: merge keys
buckets: [{ name: b, bucketName: bucket-b, paths: {} }]
cases:
  - &listing { as: guest, op: list, path: public/, expect: allow }
  - <<: *listing
    path: private/
    expect: deny
`;
    const scenario = await loadScenarioText(text, join(here, 'merge.yaml'));
    expect(scenario.cases.map((c) => [c.op, c.path, c.expect.outcome, c.line])).toStrictEqual([
      ['list', 'public/', 'allow', 5],
      ['list', 'private/', 'deny', 6],
    ]);
  });
});

describe('the examples of the spec', () => {
  test('load (with the one quoting YAML needs)', async () => {
    const file = valid('spec/spec-example.yaml');
    const scenario = await loadScenarioFile(file);
    expect(scenario.auth.groups).toStrictEqual([
      { name: 'admin', precedence: 0 },
      { name: 'editors', precedence: 1 },
    ]);
    expect(scenario.auth.roles).toStrictEqual({
      guest: 'arn:aws:iam::123456789012:role/unauth',
      authenticated: 'arn:aws:iam::123456789012:role/auth',
      groups: { admin: 'arn:aws:iam::123456789012:role/admin', editors: 'arn:aws:iam::123456789012:role/ase-group-editors' },
    });
    expect(scenario.buckets.map((b) => [b.name, b.default, b.paths])).toStrictEqual([
      [
        'custom',
        true,
        {
          'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] },
          'protected/*': { authenticated: ['get', 'list'] },
          'protected/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get', 'list', 'write', 'delete'] },
        },
      ],
    ]);
    expect(scenario.policies?.groups['admin']?.[0]?.source).toBe(valid('spec/policies/admin.json'));
    expect(scenario.cases.map((c) => [c.as, c.op, c.line])).toStrictEqual([
      ['guest', 'download', 52],
      ['bob', 'remove', 57],
      ['alice', 'copy', 63],
      ['alice', 'list', 69],
    ]);
  });
});

describe('defaults', () => {
  const minimal = `version: 1
name: minimal
buckets:
  - name: b
    bucketName: bucket-one
    paths: {}
  - name: c
    bucketName: bucket-two
    paths: {}
objects:
  - path: a.txt
cases:
  - as: guest
    op: upload
    path: a.txt
    expect: allow
`;

  test('region, guest access, account, roles, default bucket, object body, derive', async () => {
    const scenario = await loadScenarioText(minimal, join(here, 'virtual.yaml'));
    expect(scenario.file).toBe(join(here, 'virtual.yaml'));
    expect(scenario.region).toBe('us-east-1');
    expect(scenario.auth).toStrictEqual({
      guestAccess: true,
      groups: [],
      users: [],
      accountId: '123456789012',
      roles: {
        guest: 'arn:aws:iam::123456789012:role/ase-guest',
        authenticated: 'arn:aws:iam::123456789012:role/ase-authenticated',
        groups: {},
      },
    });
    expect(scenario.buckets.map((b) => [b.name, b.region, b.default, b.crossAccount])).toStrictEqual([
      ['b', 'us-east-1', true, false],
      ['c', 'us-east-1', false, false],
    ]);
    expect(scenario.objects).toStrictEqual([{ path: 'a.txt', body: 'seed', bucket: 'b' }]);
    expect(scenario.derive).toBe(false);
    expect(scenario.cases[0]).toStrictEqual({ index: 0, as: 'guest', op: 'upload', path: 'a.txt', bucket: 'b', expect: { outcome: 'allow' }, line: 13 });
    expect('policies' in scenario).toBe(false);
    expect('description' in scenario).toBe(false);
  });

  test('a JSON scenario file loads too', async () => {
    const json = JSON.stringify({
      version: 1,
      name: 'json',
      buckets: [{ name: 'b', bucketName: 'bucket-one', paths: { 'public/*': { guest: ['read'] } } }],
      cases: [{ as: 'guest', op: 'list', path: 'public/', expect: 'allow' }],
    });
    const scenario = await loadScenarioText(json, join(here, 'virtual.json'));
    expect(scenario.cases[0]?.line).toBe(1);
    expect(scenario.buckets[0]?.paths).toStrictEqual({ 'public/*': { guest: ['get', 'list'] } });
  });

  test('guest cases with guestAccess false are accepted', async () => {
    const text = minimal.replace('buckets:', 'auth: { guestAccess: false }\nbuckets:');
    const scenario = await loadScenarioText(text, join(here, 'virtual.yaml'));
    expect(scenario.auth.guestAccess).toBe(false);
    expect(scenario.cases[0]?.as).toBe('guest');
  });

  test('an authenticated role ARN written in the file is taken as written', async () => {
    const text = minimal.replace('buckets:', 'auth: { roles: { authenticated: "arn:aws:iam::123456789012:role/signed-in" } }\nbuckets:');
    const scenario = await loadScenarioText(text, join(here, 'virtual.yaml'));
    expect(scenario.auth.roles).toStrictEqual({ guest: 'arn:aws:iam::123456789012:role/ase-guest', authenticated: 'arn:aws:iam::123456789012:role/signed-in', groups: {} });
  });

  test('the default password generator meets the policy every time', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(password).toHaveLength(16);
      expect(passwordPolicyViolation(password, DEFAULT_PASSWORD_POLICY)).toBeUndefined();
    }
  });
});

describe('paths', () => {
  const text = `version: 1
name: seam
buckets:
  - name: b
    bucketName: bucket-one
    paths:
      "public/*": { guest: [get] }
      "owned/{entity_id}/*": { entityidentity: [get] }
derive: true
`;

  test('an injected validator sees the map as written, and its problems point at the key', async () => {
    const seen: unknown[] = [];
    const validatePaths: PathsValidator = (paths) => {
      seen.push(paths);
      return [{ path: 'owned/{entity_id}/*', message: 'not allowed here; rename it' }];
    };
    const error = await issuesOf(loadScenarioText(text, join(here, 'seam.yaml'), { validatePaths }));
    expect(seen).toStrictEqual([{ 'public/*': { guest: ['get'] }, 'owned/{entity_id}/*': { entityidentity: ['get'] } }]);
    expect(error.issues).toStrictEqual([{ file: join(here, 'seam.yaml'), line: 8, column: 7, message: 'not allowed here; rename it' }]);
  });

  test('the defineStorage form refuses `p/*` beside `p/{entity_id}/*` as Amplify does; the outputs form holds that pair', async () => {
    const owners = text.replace('"public/*": { guest: [get] }', '"owned/*": { guest: [get] }');
    const error = await issuesOf(loadScenarioText(owners, join(here, 'owners.yaml')));
    expect(error.issues.map((i) => [i.line, i.column])).toStrictEqual([[8, 7]]);
    expect(error.issues[0]?.message).toContain('A path cannot be a prefix of another path that contains the {entity_id} token.');
    const outputsForm = owners.replace('"owned/{entity_id}/*"', '"owned/${cognito-identity.amazonaws.com:sub}/*"');
    const scenario = await loadScenarioText(outputsForm, join(here, 'owners.yaml'));
    expect(scenario.buckets[0]?.paths).toStrictEqual({
      'owned/*': { guest: ['get'] },
      'owned/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get'] },
    });
  });

  test('the default validator: the paths model’s issues, as `what; how to fix`', () => {
    const problems = amplifyPathRules({ public: { guest: ['get'] }, 'a/*': { owner: ['get'], guest: [] } });
    expect(problems).toStrictEqual([
      { path: 'public', message: 'Storage access paths must end with "/*". Found [public]; end the path with "/*": "public/*".', kind: 'path' },
      { path: 'a/*', accessKey: 'owner', message: 'paths["a/*"] has the unknown access key "owner"; use guest, authenticated, groups<GroupName> (e.g. groupsadmin) or entityidentity.', kind: 'access-key' },
    ]);
    expect(amplifyPathRules({ 'a/*': { guest: ['get'] }, 'a/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get'] } })).toStrictEqual([]);
  });

  test('scenario paths are carried in the amplify_outputs.json form: Amplify’s substitution, get and list for read', async () => {
    const media = text.replace('"public/*": { guest: [get] }', '"public/*": { guest: [read, get] }').replace(
      '"owned/{entity_id}/*": { entityidentity: [get] }',
      '"media/{entity_id}/*": { authenticated: [read], groupsadmin: [get], entityidentity: [read, write] }',
    ).replace('buckets:', 'auth: { groups: [admin] }\nbuckets:');
    const scenario = await loadScenarioText(media, join(here, 'media.yaml'));
    expect(scenario.buckets[0]?.paths).toStrictEqual({
      'public/*': { guest: ['get', 'list'] },
      'media/*': { authenticated: ['get', 'list'], groupsadmin: ['get'] },
      'media/${cognito-identity.amazonaws.com:sub}/*': { entityidentity: ['get', 'list', 'write'] },
    });
  });

  test('a map mixing both owner-token spellings, and case placeholders in keys, are rejected', async () => {
    const twice = text.replace('derive: true', '      "other/${cognito-identity.amazonaws.com:sub}/*": { entityidentity: [list] }\n      "team/{identity}/*": { authenticated: [get] }\nderive: true');
    const error = await issuesOf(loadScenarioText(twice, join(here, 'twice.yaml')));
    expect(error.issues.map((i) => [i.line, i.column, i.message])).toStrictEqual([
      [
        9,
        7,
        'paths mixes the defineStorage form (owner token {entity_id}) and the amplify_outputs.json form (owner token ${cognito-identity.amazonaws.com:sub}); write every owner path one way: "p/{entity_id}/*" with all of its rules, or "p/*" for everyone\'s rules beside "p/${cognito-identity.amazonaws.com:sub}/*" for the owner\'s.',
      ],
      [10, 7, 'path "team/{identity}/*" holds the case placeholder `{identity}`; in `paths` the owner is written {entity_id} (or ${cognito-identity.amazonaws.com:sub})'],
    ]);
  });

  test('`ase test` never meets an uncaught paths error: what Amplify accepts loads, what it refuses is a file:line issue', async () => {
    // Valid in Amplify (validate_storage_access_paths.ts runs on the definition's keys).
    const valid = text.replace('"public/*": { guest: [get] }', '"a/b/{entity_id}/*": { entityidentity: [get] }').replace('"owned/{entity_id}/*"', '"a/{entity_id}/*"');
    const loaded = await loadScenarioText(valid, join(here, 'nested-owners.yaml'));
    expect(Object.keys(loaded.buckets[0]!.paths)).toStrictEqual(['a/b/${cognito-identity.amazonaws.com:sub}/*', 'a/${cognito-identity.amazonaws.com:sub}/*']);
    const empty = text.replace('"public/*": { guest: [get] }', '"public/*": { guest: [] }');
    const error = await issuesOf(loadScenarioText(empty, join(here, 'empty.yaml')));
    expect(error.issues.map((i) => [i.line, i.column])).toStrictEqual([[7, 21]]);
    expect(error.issues[0]?.message).toContain('At least one permission must be specified');
  });
});

describe('errors', () => {
  test('every problem of a file is reported, in file order, and format() prints them like a compiler', async () => {
    const text = `version: 1
name: many problems
auth:
  users:
    alice: { groups: [admins] }
buckets:
  - name: b
    bucketName: B
    paths: {}
cases:
  - as: carol
    op: fetch
    path: x
    expect: allow
`;
    const file = join(here, 'many.yaml');
    const error = await issuesOf(loadScenarioText(text, file));
    expect(error.issues.map((i) => [i.line, i.column])).toStrictEqual([
      [5, 23],
      [8, 17],
      [11, 9],
      [12, 9],
    ]);
    expect(error.format(here)).toBe(
      [
        'many.yaml:5:23: user `alice` is in group `admins`, which is not declared; declare it under auth.groups',
        'many.yaml:8:17: bucketName "B" is not a valid S3 bucket name: it is 1 character long, and 3 to 63 are allowed; use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (e.g. my-app-media-1234)',
        'many.yaml:11:9: `as` names `carol`, who is not declared; expected guest or one of alice, or declare carol under auth.users',
        'many.yaml:12:9: `cases[0].op` is `fetch`; expected one of upload, download, list, remove, getProperties, getUrl, copy',
      ].join('\n'),
    );
    expect(error.message).toBe(error.format());
  });

  test('a scenario file that does not exist', async () => {
    const file = join(here, 'fixtures', 'no-such-file.yaml');
    const error = await issuesOf(loadScenarioFile(file));
    expect(error.issues).toStrictEqual([{ file, line: 0, column: 0, message: 'the scenario file does not exist; check the path' }]);
    expect(error.format(here)).toBe('fixtures/no-such-file.yaml: the scenario file does not exist; check the path');
  });

  test('loadScenarioFiles loads every file and reports every rejected one', async () => {
    const result = await loadScenarioFiles([
      valid('outputs-legacy.yaml'),
      join(here, 'fixtures', 'invalid', 'version-2.yaml'),
      join(here, 'fixtures', 'invalid', 'wrong-op.yaml'),
    ]);
    expect(result.scenarios.map((s) => s.name)).toStrictEqual(['Only storage.bucket_name in the outputs file']);
    expect(result.rejectedFiles).toBe(2);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatch(/version-2\.yaml:1:10: unsupported version 2/);
  });
});
