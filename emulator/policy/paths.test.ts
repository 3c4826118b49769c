import { describe, expect, it } from 'vitest';
import { generateRolePolicies } from './generate.js';
import { parseStoragePaths, readStoragePaths } from './paths.js';
import { InvalidStoragePathsError } from './validate-paths.js';

const SUB = '${cognito-identity.amazonaws.com:sub}';
const messages = (paths: Parameters<typeof parseStoragePaths>[0], groups?: string[]) =>
  parseStoragePaths(paths, groups ? { groups } : {}).issues.map((i) => i.message);
const keyIssues = (keys: string[]) => messages(Object.fromEntries(keys.map((k) => [k, { guest: ['get'] }])));

describe('parseStoragePaths: Amplify Gen2 key rules, Amplify’s wording', () => {
  it('accepts valid keys in both forms', () => {
    expect(keyIssues(['public/*', 'protected/{entity_id}/*', 'private/*', 'private/inner/*'])).toStrictEqual([]);
    expect(keyIssues(['protected/*', `protected/${SUB}/*`])).toStrictEqual([]);
  });

  it.each([
    ['/public/*', 'Storage access paths must not start with "/". Found [/public/*].'],
    ['public', 'Storage access paths must end with "/*". Found [public].'],
    ['public/', 'Storage access paths must end with "/*". Found [public/].'],
    ['a//b/*', 'Path cannot contain "//". Found [a//b/*].'],
    ['a/*/b/*', 'Wildcards are only allowed as the final part of a path. Found [a/*/b/*].'],
    ['{entity_id}/*', 'The {entity_id} token must not be the first path part. Found [{entity_id}/*].'],
    ['a/{entity_id}/b/*', 'The {entity_id} token must be the path part right before the ending wildcard. Found [a/{entity_id}/b/*].'],
    ['a/x{entity_id}/*', 'A path part that includes the {entity_id} token cannot include any other characters. Found [a/x{entity_id}/*].'],
    ['a/{entity_id}/{entity_id}/*', 'The {entity_id} token can only appear once in a path. Found [a/{entity_id}/{entity_id}/*]'],
    [`p/x${SUB}/*`, `A path part that includes the ${SUB} token cannot include any other characters. Found [p/x${SUB}/*].`],
    ['a/../b/*', 'Path segments "." and ".." are not allowed (the emulator\'s rule; Amplify accepts them). Found [a/../b/*].'],
    ['./b/*', 'Path segments "." and ".." are not allowed (the emulator\'s rule; Amplify accepts them). Found [./b/*].'],
    ['a/./*', 'Path segments "." and ".." are not allowed (the emulator\'s rule; Amplify accepts them). Found [a/./*].'],
  ])('%s', (path, message) => {
    expect(keyIssues([path])).toStrictEqual([message]);
  });

  it('a dot inside a segment is a name like any other', () => {
    expect(keyIssues(['a.b/..c/*', 'v1.2/*'])).toStrictEqual([]);
  });

  it('a path may have at most one other path as prefix', () => {
    expect(keyIssues(['foo/*', 'foo/bar/*', 'foo/bar/baz/*'])).toStrictEqual([
      'For any given path, only one other path can be a prefix of it. Found [foo/bar/baz/*] which has prefixes [foo/*, foo/bar/*].',
    ]);
  });

  it('defineStorage form: an owner path has no prefix at all, not even `p/*` (Amplify refuses it)', () => {
    expect(keyIssues(['p/*', 'p/{entity_id}/*'])).toStrictEqual([
      'A path cannot be a prefix of another path that contains the {entity_id} token. Found [p/{entity_id}/*] which has prefixes [p/*].',
    ]);
    expect(keyIssues(['a/*', 'a/b/{entity_id}/*'])).toStrictEqual([
      'A path cannot be a prefix of another path that contains the {entity_id} token. Found [a/b/{entity_id}/*] which has prefixes [a/*].',
    ]);
  });

  it('the prefix rules run on the definition’s keys, before the owner substitution (valid in Amplify)', () => {
    expect(keyIssues(['a/{entity_id}/*', 'a/b/{entity_id}/*'])).toStrictEqual([]);
    expect(keyIssues(['a/{entity_id}/*', 'a/b/*', 'a/b/c/*'])).toStrictEqual([]);
    // The same two maps in the amplify_outputs.json form Amplify writes for them.
    expect(keyIssues(['a/*', `a/${SUB}/*`, 'a/b/*', `a/b/${SUB}/*`])).toStrictEqual([]);
    expect(keyIssues(['a/*', `a/${SUB}/*`, 'a/b/*', 'a/b/c/*'])).toStrictEqual([]);
  });

  it('outputs form: valid when Amplify could have written it', () => {
    expect(keyIssues(['x/*', 'x/y/*', `x/y/${SUB}/*`])).toStrictEqual([
      `A path cannot be a prefix of another path that contains the ${SUB} token. Found [x/y/${SUB}/*] which has prefixes [x/*].`,
    ]);
  });

  it('one map uses one form', () => {
    expect(keyIssues(['p/{entity_id}/*', `q/${SUB}/*`])).toStrictEqual([
      `paths mixes the defineStorage form (owner token {entity_id}) and the amplify_outputs.json form (owner token ${SUB}).`,
    ]);
  });

  it('checks access keys, groups and actions', () => {
    const paths = { 'a/*': { guests: ['get'], groupsadmins: ['get'], entityuser: ['get'], authenticated: [] }, 'b/*': { guest: ['read', 'fetch'] } };
    expect(messages(paths, ['admin'])).toStrictEqual([
      'paths["a/*"] has the unknown access key "guests".',
      'paths["a/*"] grants "groupsadmins", but there is no user pool group "admins".',
      'paths["a/*"] grants "entityuser"; the only owner entity Amplify supports is "identity".',
      'paths["b/*"].guest has the unknown action "fetch".',
      'paths["a/*"].authenticated grants no actions, and no other rule of this bucket gives the authenticated role any: Amplify fails with "At least one permission must be specified".',
    ]);
  });

  it('readStoragePaths throws every issue at once', () => {
    expect(() => readStoragePaths({ '/a/*': { guest: ['get'] }, b: { guest: ['get'] } })).toThrow(InvalidStoragePathsError);
    expect(() => readStoragePaths({ '/a/*': { guest: ['get'] }, b: { guest: ['get'] } })).toThrow(
      'Invalid storage paths:\n'
        + '  - Storage access paths must not start with "/". Found [/a/*]. Remove the leading "/": "a/*".\n'
        + '  - Storage access paths must end with "/*". Found [b]. End the path with "/*": "b/*".',
    );
  });
});

describe('parseStoragePaths: the amplify_outputs.json form Amplify writes', () => {
  it('substitutes the owner token per rule, writes get and list for read, drops repeats', () => {
    expect(parseStoragePaths({
      'public/*': { guest: ['read', 'get'] },
      'media/{entity_id}/*': { authenticated: ['read'], groupsadmin: ['get'], entityidentity: ['read', 'write', 'write'] },
    }).outputs).toStrictEqual({
      'public/*': { guest: ['get', 'list'] },
      'media/*': { authenticated: ['get', 'list'], groupsadmin: ['get'] },
      [`media/${SUB}/*`]: { entityidentity: ['get', 'list', 'write'] },
    });
  });

  it('keeps a path only functions reach as `{}` (and a `resource` rule out of it), and empty lists as they are', () => {
    expect(parseStoragePaths({ 'media/*': { guest: ['read'] }, 'media/thumbs/*': {}, 'jobs/*': { resource: ['write'], guest: [] } }).outputs).toStrictEqual({
      'media/*': { guest: ['get', 'list'] },
      'media/thumbs/*': {},
      'jobs/*': { guest: [] },
    });
  });

  it('the outputs form of a map gives the same policies and the same outputs as the map itself', () => {
    const define = {
      'public/*': { guest: ['read'], authenticated: ['read', 'write', 'delete'] },
      'protected/{entity_id}/*': { guest: ['read'], authenticated: ['read'], entityidentity: ['read', 'write', 'delete'] },
      'media/*': { authenticated: ['read'] },
      'media/thumbs/*': {},
    } as const;
    const outputs = parseStoragePaths(define).outputs;
    expect(parseStoragePaths(outputs).form).toBe('outputs');
    expect(parseStoragePaths(outputs).outputs).toStrictEqual(outputs);
    expect(JSON.stringify(generateRolePolicies(outputs, 'b', []))).toBe(JSON.stringify(generateRolePolicies(define, 'b', [])));
  });
});
