import { describe, expect, it } from 'vitest';
import { generateRolePolicies } from './generate.js';
import type { IamStatement, PathsMap } from './types.js';
import { InvalidStoragePathsError } from './validate-paths.js';

const SUB = '${cognito-identity.amazonaws.com:sub}';
const listPrefix = (...prefixes: string[]) => ({ StringLike: { 's3:prefix': prefixes } });

describe('generateRolePolicies: the docs page examples (as Amplify Gen2 would generate them)', () => {
  it('Guest: read public/', () => {
    const paths: PathsMap = { 'public/*': { guest: ['get', 'list'] } };
    expect(generateRolePolicies(paths, 'ase-docs-guest', [])).toStrictEqual({
      groups: {},
      guest: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ase-docs-guest/public/*' },
          // The page also lists arn:aws:s3:::ase-docs-guest/* here; Amplify does not.
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::ase-docs-guest', Condition: listPrefix('public/*', 'public/') },
        ],
      },
    });
  });

  it('Authenticated: guests read, signed-in users manage public/', () => {
    const paths: PathsMap = { 'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] } };
    const arn = 'arn:aws:s3:::ase-docs-authenticated';
    expect(generateRolePolicies(paths, 'ase-docs-authenticated', [])).toStrictEqual({
      groups: {},
      guest: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${arn}/public/*` },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: listPrefix('public/*', 'public/') },
        ],
      },
      authenticated: {
        Version: '2012-10-17',
        Statement: [
          // The page writes Get/Put/DeleteObject as one statement; Amplify writes one per action.
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${arn}/public/*` },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: listPrefix('public/*', 'public/') },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: `${arn}/public/*` },
          { Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${arn}/public/*` },
        ],
      },
    });
  });

  it('User groups: the admin group manages admin/, every signed-in user reads it', () => {
    const paths: PathsMap = {
      'public/*': { authenticated: ['get', 'list', 'write', 'delete'] },
      'admin/*': { authenticated: ['get', 'list'], groupsadmin: ['get', 'list', 'write', 'delete'] },
    };
    const arn = 'arn:aws:s3:::ase-docs-groups';
    expect(generateRolePolicies(paths, 'ase-docs-groups', ['admin'])).toStrictEqual({
      authenticated: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: [`${arn}/public/*`, `${arn}/admin/*`] },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: listPrefix('public/*', 'public/', 'admin/*', 'admin/') },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: `${arn}/public/*` },
          { Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${arn}/public/*` },
        ],
      },
      groups: {
        admin: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `${arn}/admin/*` },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: listPrefix('admin/*', 'admin/') },
            { Effect: 'Allow', Action: 's3:PutObject', Resource: `${arn}/admin/*` },
            { Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${arn}/admin/*` },
          ],
        },
      },
    });
  });

  const ownersExpected = (arn: string) => ({
    groups: {},
    guest: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: [`${arn}/public/*`, `${arn}/protected/*`] },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: listPrefix('public/*', 'public/', 'protected/*', 'protected/') },
      ],
    },
    authenticated: {
      Version: '2012-10-17',
      Statement: [
        // protected/${sub}/* is inside protected/*, so Amplify leaves it out of Get and List.
        { Effect: 'Allow', Action: 's3:GetObject', Resource: [`${arn}/public/*`, `${arn}/protected/*`] },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: listPrefix('public/*', 'public/', 'protected/*', 'protected/') },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: [`${arn}/public/*`, `${arn}/protected/${SUB}/*`] },
        // The page's hand-written policy has no DeleteObject on public/*; its paths (and Amplify) do.
        { Effect: 'Allow', Action: 's3:DeleteObject', Resource: [`${arn}/public/*`, `${arn}/protected/${SUB}/*`] },
      ],
    },
  });

  it('Owners: everyone reads protected/, only the owner writes protected/<identity ID>/ (outputs form)', () => {
    const paths: PathsMap = {
      'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] },
      'protected/*': { guest: ['get', 'list'], authenticated: ['get', 'list'] },
      [`protected/${SUB}/*`]: { entityidentity: ['get', 'list', 'write', 'delete'] },
    };
    expect(generateRolePolicies(paths, 'ase-docs-owners', [])).toStrictEqual(ownersExpected('arn:aws:s3:::ase-docs-owners'));
  });

  it('Owners: the same from the defineStorage form ({entity_id}, read)', () => {
    const paths: PathsMap = {
      'public/*': { guest: ['read'], authenticated: ['read', 'write', 'delete'] },
      'protected/{entity_id}/*': { guest: ['read'], authenticated: ['read'], entityidentity: ['read', 'write', 'delete'] },
    };
    expect(generateRolePolicies(paths, 'ase-docs-owners', [])).toStrictEqual(ownersExpected('arn:aws:s3:::ase-docs-owners'));
  });

  it('Owners: `protected/*` beside `protected/{entity_id}/*` is refused, as defineStorage refuses it', () => {
    const paths: PathsMap = {
      'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] },
      'protected/*': { guest: ['get', 'list'], authenticated: ['get', 'list'] },
      'protected/{entity_id}/*': { entityidentity: ['get', 'list', 'write', 'delete'] },
    };
    expect(() => generateRolePolicies(paths, 'ase-docs-owners', [])).toThrow('A path cannot be a prefix of another path that contains the {entity_id} token.');
  });
});

describe('generateRolePolicies: nested paths (explicit Deny)', () => {
  it('denies the child to roles that hold an action on the parent but not on the child, list included', () => {
    const paths: PathsMap = {
      'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list'] },
      'public/members/*': { authenticated: ['get', 'list'] },
    };
    expect(generateRolePolicies(paths, 'b', [])).toStrictEqual({
      groups: {},
      guest: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' },
          { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/members/*' },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: listPrefix('public/*', 'public/') },
          { Effect: 'Deny', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: listPrefix('public/members/*', 'public/members/') },
        ],
      },
      authenticated: {
        Version: '2012-10-17',
        // Allowed on both: the child is covered by the parent and left out; no Deny.
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: listPrefix('public/*', 'public/') },
        ],
      },
    });
  });

  // amplify-backend storage_access_orchestrator.test.ts, "denies parent actions on a subpath by default".
  it('Amplify: denies parent actions on a subpath by default', () => {
    const paths: PathsMap = { 'foo/*': { guest: ['get', 'write'] }, 'foo/bar/*': { authenticated: ['get'] } };
    expect(generateRolePolicies(paths, 'b', [])).toStrictEqual({
      groups: {},
      guest: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/foo/*' },
          { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/foo/bar/*' },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/foo/*' },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/foo/bar/*' },
        ],
      },
      authenticated: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/foo/bar/*' }] },
    });
  });

  // amplify-backend, "handles multiple resource access acceptors on multiple prefixes" (stub1 → guest, stub2 → owner).
  it('Amplify: several roles on several prefixes, with an owner path exempt from the Deny', () => {
    const paths: PathsMap = {
      'foo/*': { guest: ['get', 'write'] },
      'foo/bar/*': { entityidentity: ['get'] },
      'foo/baz/*': { guest: ['get'] },
      'other/{entity_id}/*': { entityidentity: ['get', 'write', 'delete'], guest: ['get'] },
    };
    expect(generateRolePolicies(paths, 'b', [])).toStrictEqual({
      groups: {},
      guest: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/foo/*', 'arn:aws:s3:::b/other/*'] },
          { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/foo/bar/*' },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/foo/*' },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: ['arn:aws:s3:::b/foo/bar/*', 'arn:aws:s3:::b/foo/baz/*'] },
        ],
      },
      authenticated: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/foo/bar/*', `arn:aws:s3:::b/other/${SUB}/*`] },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::b/other/${SUB}/*` },
          { Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::b/other/${SUB}/*` },
        ],
      },
    });
  });

  it('the owner sub-path gets no Deny even for roles that only hold the parent', () => {
    const paths: PathsMap = {
      'protected/*': { guest: ['get'] },
      [`protected/${SUB}/*`]: { entityidentity: ['write'] },
    };
    expect(generateRolePolicies(paths, 'b', []).guest).toStrictEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/protected/*' }],
    });
  });

  it('a group holding the parent is denied the child too', () => {
    const paths: PathsMap = { 'docs/*': { groupseditors: ['write'] }, 'docs/locked/*': { groupsadmin: ['write'] } };
    expect(generateRolePolicies(paths, 'b', ['admin', 'editors']).groups).toStrictEqual({
      editors: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/docs/*' },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/docs/locked/*' },
        ],
      },
      admin: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/docs/locked/*' }] },
    });
  });
});

describe('generateRolePolicies: what Amplify does that the generator once did not (issue 7)', () => {
  it('a path only a function reaches (`{}`) denies the parent\'s holders, as Amplify\'s Deny statements do', () => {
    const paths: PathsMap = { 'media/*': { guest: ['read'], authenticated: ['read'] }, 'media/thumbs/*': {} };
    const result = generateRolePolicies(paths, 'b', []);
    const denies = (doc: unknown) => [(doc as { Statement: IamStatement[] }).Statement].flat().filter((st) => st.Effect === 'Deny');
    expect(denies(result.guest)).toStrictEqual([
      { Action: 's3:GetObject', Effect: 'Deny', Resource: 'arn:aws:s3:::b/media/thumbs/*' },
      { Action: 's3:ListBucket', Condition: listPrefix('media/thumbs/*', 'media/thumbs/'), Effect: 'Deny', Resource: 'arn:aws:s3:::b' },
    ]);
    expect(denies(result.authenticated)).toHaveLength(2);
  });

  it('statements follow the order rules are written in, not their prefixes', () => {
    const paths: PathsMap = { 'b/*': { guest: ['write'] }, 'a/*': { guest: ['get', 'write'] } };
    expect(generateRolePolicies(paths, 'x', []).guest?.Statement).toStrictEqual([
      { Action: 's3:PutObject', Effect: 'Allow', Resource: ['arn:aws:s3:::x/b/*', 'arn:aws:s3:::x/a/*'] },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::x/a/*' },
    ]);
  });

  it('owner paths nested under owner paths, and under plain paths below them, are valid (the owner exemption first)', () => {
    expect(() => generateRolePolicies({ 'a/{entity_id}/*': { entityidentity: ['read'] }, 'a/b/{entity_id}/*': { entityidentity: ['read'] } }, 'x', [])).not.toThrow();
    const three = { 'a/{entity_id}/*': { entityidentity: ['read'], authenticated: ['get'] }, 'a/b/*': { authenticated: ['get'] }, 'a/b/c/*': { guest: ['get'] } } satisfies PathsMap;
    expect(() => generateRolePolicies(three, 'x', [])).not.toThrow();
  });

  it('an empty action list beside other rules of the role is valid; repeated actions count once', () => {
    const result = generateRolePolicies({ 'a/*': { guest: [] }, 'b/*': { guest: ['get', 'get', 'read'] } }, 'x', []);
    expect(result.guest?.Statement).toStrictEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::x/b/*' },
      { Action: 's3:ListBucket', Condition: listPrefix('b/*', 'b/'), Effect: 'Allow', Resource: 'arn:aws:s3:::x' },
    ]);
    expect(() => generateRolePolicies({ 'a/*': { guest: [] } }, 'x', [])).toThrow('At least one permission must be specified');
  });

  it('keys in the order CDK writes them: Action, Condition, Effect, Resource; Statement before Version', () => {
    const doc = generateRolePolicies({ 'a/*': { guest: ['list', 'get'] } }, 'x', []).guest;
    expect(JSON.stringify(doc)).toBe(
      '{"Statement":[{"Action":"s3:ListBucket","Condition":{"StringLike":{"s3:prefix":["a/*","a/"]}},"Effect":"Allow","Resource":"arn:aws:s3:::x"},'
        + '{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::x/a/*"}],"Version":"2012-10-17"}',
    );
  });

  it('refuses `.` and `..` segments and empty segments in keys', () => {
    expect(() => generateRolePolicies({ 'a/../b/*': { guest: ['get'] } }, 'x', [])).toThrow('Path segments "." and ".." are not allowed');
    expect(() => generateRolePolicies({ './b/*': { guest: ['get'] } }, 'x', [])).toThrow('Path segments "." and ".." are not allowed');
    expect(() => generateRolePolicies({ 'a//b/*': { guest: ['get'] } }, 'x', [])).toThrow('Path cannot contain "//".');
  });
});

describe('generateRolePolicies: other Amplify behaviour', () => {
  // amplify-backend, 'replaces "read" access with "get" and "list" and merges duplicate actions'.
  it('read = get + list, duplicates merged', () => {
    const paths: PathsMap = { 'foo/bar/*': { authenticated: ['read', 'get', 'list'] }, 'other/baz/*': { authenticated: ['read'] } };
    expect(generateRolePolicies(paths, 'b', []).authenticated).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/foo/bar/*', 'arn:aws:s3:::b/other/baz/*'] },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: listPrefix('foo/bar/*', 'foo/bar/', 'other/baz/*', 'other/baz/') },
      ],
    });
  });

  // amplify-backend, 'combines owner rules for same resource access acceptor'.
  it('owner and authenticated rules on one {entity_id} path land on one role', () => {
    const paths: PathsMap = { 'foo/{entity_id}/*': { entityidentity: ['write', 'delete'], authenticated: ['get'] } };
    expect(generateRolePolicies(paths, 'b', []).authenticated).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::b/foo/${SUB}/*` },
        { Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::b/foo/${SUB}/*` },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/foo/*' },
      ],
    });
  });

  it('several buckets: one document per role, statements in bucket order; a bucket ARN works as the name', () => {
    const result = generateRolePolicies({
      buckets: [
        { bucketName: 'one', paths: { 'a/*': { guest: ['get'] } } },
        { bucketName: 'two' },
        { bucketName: 'arn:aws:s3:::three', paths: { 'c/*': { guest: ['write'], groupsadmin: ['delete'] } } },
      ],
      groups: ['admin'],
    });
    expect(result).toStrictEqual({
      guest: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::one/a/*' },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::three/c/*' },
        ],
      },
      groups: { admin: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::three/c/*' }] } },
    });
  });

  it('the same paths on several bucket names', () => {
    expect(generateRolePolicies({ 'a/*': { guest: ['get'] } }, ['x', 'y'], []).guest).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/a/*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::y/a/*' },
      ],
    });
  });

  it('no rules: no documents', () => {
    expect(generateRolePolicies({}, 'b', [])).toStrictEqual({ groups: {} });
  });

  it('invalid paths throw with every issue', () => {
    const call = () => generateRolePolicies({ '/a/*': { guest: ['get'] }, 'b': { groupsnope: ['get'] } }, 'b', ['admin']);
    expect(call).toThrow(InvalidStoragePathsError);
    try {
      call();
    } catch (e) {
      expect((e as InvalidStoragePathsError).issues.map((i) => i.path)).toStrictEqual(['/a/*', 'b', 'b']);
    }
  });
});
