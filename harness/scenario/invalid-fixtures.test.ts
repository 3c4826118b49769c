/**
 * Malformed scenario files (fixtures/invalid/) and the exact messages they must produce:
 * `file:line:col: what is wrong; what was expected / how to fix`, every problem at once.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadScenarioFile, ScenarioError } from './load.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'invalid');

/** [line, column, message] per issue, in file order. */
const EXPECTED: Record<string, Array<[number, number, string]>> = {
  'yaml-syntax.yaml': [[5, 17, 'invalid YAML: this quote is never closed; add the closing quote at the end of the value']],
  'duplicate-key.yaml': [
    [9, 1, 'invalid YAML: duplicate key `name`; a key may appear only once in a mapping, remove or merge the repeated one'],
  ],
  'unquoted-placeholder.yaml': [
    [
      14,
      38,
      'invalid YAML: `public/{identity:alice}/a.txt` must be quoted inside [ ] or { } (there `{` starts a mapping); write "public/{identity:alice}/a.txt"',
    ],
  ],
  'empty.yaml': [
    [1, 1, 'the file is empty; a scenario needs at least `version: 1`, `name`, `buckets` (or `outputs`) and `cases` (or `derive: true`)'],
  ],
  'unknown-key.yaml': [
    [4, 3, 'unknown key `gruops` in auth; expected one of guestAccess, groups, users, accountId, roles, allowClassicFlow (did you mean `groups`?)'],
  ],
  'wrong-op.yaml': [
    [
      10,
      9,
      '`cases[0].op` is `delete`; expected one of upload, download, list, remove, getProperties, getUrl, copy (did you mean `remove`?)',
    ],
  ],
  'copy-without-from.yaml': [
    [9, 5, 'missing `from` in cases[0]; op copy needs `from:` with the source path (`path` is the destination)'],
  ],
  'from-without-copy.yaml': [
    [11, 5, '`from` is only for op copy (the copy source); remove it, or use `op: copy`'],
    [13, 5, '`body` is only for op upload (the content to upload); remove it, or use `op: upload`'],
  ],
  'undeclared-user.yaml': [
    [13, 9, '`as` names `alcie`, who is not declared; expected guest or one of alice, bob, or declare alcie under auth.users (did you mean `alice`?)'],
  ],
  'undeclared-group.yaml': [
    [6, 23, 'user `alice` is in group `admins`, which is not declared; declared groups: admin, editors (did you mean `admin`?)'],
  ],
  'undeclared-group-keys.yaml': [
    [6, 15, 'auth.roles.groups names group `editors`, which is not declared; declared groups: admin'],
    [14, 5, 'policies.groups names group `admins`, which is not declared; declared groups: admin (did you mean `admin`?)'],
  ],
  'unknown-placeholder.yaml': [
    [13, 18, 'unknown placeholder `{identiy:alice}`; expected {identity}, {identity:<user>} or {sub:<user>} (did you mean `{identity:alice}`?)'],
    [17, 18, '`{identity:carol}` names `carol`, who is not declared; declared users: alice'],
  ],
  'identity-in-objects.yaml': [
    [9, 18, '`{identity}` cannot be used in objects: no one acts there (an administrator writes them); write {identity:<user>}'],
  ],
  'missing-file.yaml': [
    [
      7,
      19,
      `bucket policy file ./files/no-such-policy.json does not exist (looked for ${join(dir, 'files', 'no-such-policy.json')}); paths are relative to the scenario file`,
    ],
  ],
  'invalid-json.yaml': [
    [
      9,
      19,
      "policy file ./files/trailing-comma.json is not valid JSON: unexpected token ']' (line 5, column 3); fix the JSON syntax (JSON allows no comments and no trailing commas)",
    ],
  ],
  'policy-file-schema.yaml': [
    [
      7,
      19,
      'in files/no-principal.json (line 4, column 5): Statement[0] Principal: a bucket policy statement needs a Principal, e.g. {"AWS": "arn:aws:iam::<account>:role/<name>"}',
    ],
    [
      10,
      7,
      'in files/misspelt-effect.json (line 4, column 7): unknown key `Efect` in Statement[0]; expected one of Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition (did you mean `Effect`?)',
    ],
  ],
  'principal-in-role-policy.yaml': [
    [
      13,
      11,
      'Statement[0] Principal: an identity policy must not name a Principal: it applies to the role it is attached to; remove Principal',
    ],
    [
      16,
      7,
      'missing `Version` in policies.authenticated[1]; add "Version": "2012-10-17" (without it AWS reads the policy as version 2008-10-17, where ${...} policy variables are not substituted)',
    ],
    [16, 18, '`policies.authenticated[1].Statement` is an empty list; give at least 1 item'],
  ],
  'iam-not-an-arn.yaml': [
    [14, 11, 'Statement[0] Resource[0]: "arn:aws:s3:::another-bucket/*" is not in bucket ase-media-1; a bucket policy may name only arn:aws:s3:::ase-media-1 and arn:aws:s3:::ase-media-1/<key pattern>'],
    [21, 11, 'Statement[0] Resource[0]: "ase-media-1/public/*" is not an ARN; write "*" or "arn:aws:s3:::<bucket>" / "arn:aws:s3:::<bucket>/<key pattern>"'],
  ],
  'two-defaults.yaml': [
    [8, 11, 'bucket name `media` is used twice (also buckets[0]); friendly names must be unique'],
    [10, 14, 'more than one bucket says `default: true` (also buckets[0]); mark at most one bucket as the default'],
  ],
  'bad-bucket-name.yaml': [
    [
      5,
      17,
      'bucketName "My_Bucket" is not a valid S3 bucket name: it has uppercase letters; use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (e.g. my-app-media-1234)',
    ],
  ],
  'bad-paths.yaml': [
    // Amplify Gen2's own rules and wording (emulator/policy/validate-paths.ts), then the fix.
    [7, 7, 'Storage access paths must end with "/*". Found [public]; end the path with "/*": "public/*".'],
    [8, 7, 'Storage access paths must not start with "/". Found [/private/*]; remove the leading "/": "private/*".'],
    [
      9,
      7,
      'The {entity_id} token must be the path part right before the ending wildcard. Found [protected/{entity_id}x/*]; update the path such that the owner token is the last path part before the ending wildcard. For example: "foo/bar/{entity_id}/*".',
    ],
    [
      10,
      21,
      'unknown access key `owner` in buckets[0].paths["shared/*"]; expected guest, authenticated, groups<Name> (e.g. groupsadmin) or entityidentity',
    ],
    [10, 35, 'access key `groupsadmins` names group `admins`, which is not declared; declare it under auth.groups'],
    // `guest: []` beside the guest's rule on public is valid, as in Amplify: no issue on it.
    [
      12,
      7,
      'For any given path, only one other path can be a prefix of it. Found [shared/a/b/*] which has prefixes [shared/*, shared/a/*]; update the storage access paths such that any given path has at most one other path that is a prefix.',
    ],
  ],
  'version-2.yaml': [[1, 10, 'unsupported version 2; this release reads scenario files of version 1: write `version: 1`']],
  'no-cases.yaml': [
    [1, 1, 'missing `cases` at the top level; list the cases under `cases:`, or set `derive: true` to derive them from `paths`'],
  ],
  'no-buckets.yaml': [
    [
      1,
      1,
      'missing `buckets` at the top level; list the buckets under `buckets:`, or give `outputs: ./amplify_outputs.json` to take them from a real outputs file',
    ],
  ],
  'outputs-v2.yaml': [
    [
      3,
      10,
      'in ./files/outputs-v2.json (line 2, column 14): "version" is "2"; only amplify_outputs.json schema 1.x is supported (version "1", "1.1", ... "1.4"); regenerate the file with a schema 1 release of @aws-amplify/backend, or list `buckets:` in the scenario instead',
    ],
  ],
  'outputs-bad-bucket.yaml': [
    [
      3,
      10,
      'in ./files/outputs-bad-bucket.json (line 13, column 39): bucket_name "Bad_Bucket" is not a valid S3 bucket name: it has uppercase letters; use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (e.g. my-app-media-1234)',
    ],
    // The `paths` model reads the file's paths after the file itself is read.
    [
      3,
      10,
      'in ./files/outputs-bad-bucket.json (line 11, column 51): paths["public/*"].guest has the unknown action "fetch"; use read, get, list, write or delete.',
    ],
  ],
  'unknown-bucket.yaml': [
    [10, 13, '`bucket` names `medai`, which is not declared; expected one of media (did you mean `media`?)'],
    [15, 13, '`bucket` names `archive`, which is not declared; expected one of media'],
  ],
  'wrong-types.yaml': [
    [3, 9, '`region` is "Europe", not an AWS region name; write a region such as us-east-1'],
    [5, 16, '`auth.guestAccess` must be true or false, not the string "yes"; write true or false, without quotes'],
    [6, 14, '`auth.accountId` must be a string, not the number 123456789012; put it in quotes: "123456789012"'],
    [8, 5, 'a user cannot be called `guest`: `as: guest` means an unauthenticated visitor; rename the user'],
    [
      9,
      24,
      "the password of user `alice` breaks Cognito's default password policy (password not long enough); use 8 or more characters with an uppercase and a lowercase letter, a digit and a symbol, or leave `password` out to have one generated",
    ],
    [19, 13, '`cases[0].expect` is `alow`; expected one of allow, deny, not-found (did you mean `allow`?)'],
    [23, 24, '`cases[1].expect.outcome` is `denied`; expected one of allow, deny, not-found, error (did you mean `deny`?)'],
    [27, 11, '`cases[2].body` must be a string, not the number 42; put it in quotes: "42"'],
    [28, 13, '`cases[2].expect` must be allow, deny, not-found, or a mapping { outcome, error, body, keys, contains }, not a list'],
  ],
};

describe('malformed scenario files', () => {
  test('every fixture in fixtures/invalid has its expected messages', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toStrictEqual(Object.keys(EXPECTED).sort());
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  test.each(Object.entries(EXPECTED))('%s', async (name, expected) => {
    const file = join(dir, name);
    const error = await loadScenarioFile(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    const { issues } = error as ScenarioError;
    expect(issues).toStrictEqual(expected.map(([line, column, message]) => ({ file, line, column, message })));
    // Printed like a compiler, never a stack trace.
    expect((error as ScenarioError).format(dir)).toBe(expected.map(([line, column, message]) => `${name}:${line}:${column}: ${message}`).join('\n'));
  });
});
