import { describe, expect, it } from 'vitest';
import type { PathsMap } from './types.js';
import { assertValidPaths, InvalidStoragePathsError, normalizePaths, validatePaths } from './validate-paths.js';

const SUB = '${cognito-identity.amazonaws.com:sub}';

describe('validatePaths: Amplify Gen2 rules', () => {
  it('accepts valid paths in both forms', () => {
    expect(validatePaths(['public/*', 'protected/{entity_id}/*', 'private/*', 'private/inner/*'])).toStrictEqual([]);
    expect(validatePaths(['protected/*', `protected/${SUB}/*`])).toStrictEqual([]);
  });

  it.each([
    ['/public/*', 'Storage access paths must not start with "/". Found [/public/*].', 'Remove the leading "/": "public/*".'],
    ['public', 'Storage access paths must end with "/*". Found [public].', 'End the path with "/*": "public/*".'],
    ['public/', 'Storage access paths must end with "/*". Found [public/].', 'End the path with "/*": "public/*".'],
    ['a//b/*', 'Path cannot contain "//". Found [a//b/*].', 'Use single slashes: "a/b/*".'],
    ['a/*/b/*', 'Wildcards are only allowed as the final part of a path. Found [a/*/b/*].',
      'Remove all wildcards that are not the final part of the path; a path is a literal prefix followed by "/*".'],
    ['{entity_id}/*', 'The {entity_id} token must not be the first path part. Found [{entity_id}/*].',
      'Add an additional prefix to the path. For example: "foo/{entity_id}/*".'],
    ['a/{entity_id}/b/*', 'The {entity_id} token must be the path part right before the ending wildcard. Found [a/{entity_id}/b/*].',
      'Update the path such that the owner token is the last path part before the ending wildcard. For example: "foo/bar/{entity_id}/*".'],
    ['a/x{entity_id}/*', 'A path part that includes the {entity_id} token cannot include any other characters. Found [a/x{entity_id}/*].',
      'Remove all other characters from the path part with the {entity_id} token. For example: "foo/{entity_id}/*".'],
    ['a/{entity_id}/{entity_id}/*', 'The {entity_id} token can only appear once in a path. Found [a/{entity_id}/{entity_id}/*]',
      'Remove all but one occurrence of the {entity_id} token.'],
    [`p/x${SUB}/*`, `A path part that includes the ${SUB} token cannot include any other characters. Found [p/x${SUB}/*].`,
      `Remove all other characters from the path part with the ${SUB} token. For example: "foo/${SUB}/*".`],
  ])('%s', (path, message, resolution) => {
    expect(validatePaths([path])).toStrictEqual([{ path, message, resolution }]);
  });

  it('a path may have at most one other path as prefix', () => {
    expect(validatePaths(['foo/*', 'foo/bar/*', 'foo/bar/baz/*'])).toStrictEqual([{
      path: 'foo/bar/baz/*',
      message: 'For any given path, only one other path can be a prefix of it. Found [foo/bar/baz/*] which has prefixes [foo/*, foo/bar/*].',
      resolution: 'Update the storage access paths such that any given path has at most one other path that is a prefix.',
    }]);
  });

  it('an owner path may have no prefix but its own parent', () => {
    expect(validatePaths(['a/*', 'a/b/{entity_id}/*'])).toStrictEqual([{
      path: 'a/b/{entity_id}/*',
      message: 'A path cannot be a prefix of another path that contains the {entity_id} token. Found [a/b/{entity_id}/*] which has prefixes [a/*].',
      resolution: "Only the owner path's own parent [a/b/*] may be a prefix of it; remove [a/*] or move its rules onto [a/b/{entity_id}/*].",
    }]);
  });

  it('checks access keys, groups and actions', () => {
    const paths = {
      'a/*': { guests: ['get'], groupsadmins: ['get'], entityuser: ['get'], authenticated: [] },
      'b/*': { guest: ['read', 'fetch'] },
    } as unknown as PathsMap;
    expect(validatePaths(paths, { groups: ['admin'] })).toStrictEqual([
      { path: 'a/*', message: 'paths["a/*"] has the unknown access key "guests".', resolution: 'Use guest, authenticated, groups<GroupName> (e.g. groupsadmin) or entityidentity.' },
      { path: 'a/*', message: 'paths["a/*"] grants "groupsadmins", but there is no user pool group "admins".', resolution: 'Use one of "groupsadmin", or add the group "admins" to auth.' },
      { path: 'a/*', message: 'paths["a/*"] grants "entityuser"; the only owner entity Amplify supports is "identity".', resolution: 'Write "entityidentity".' },
      {
        path: 'a/*',
        message: 'paths["a/*"].authenticated grants no actions (Amplify fails with "At least one permission must be specified").',
        resolution: 'List at least one of read, get, list, write, delete, or remove the rule.',
      },
      { path: 'b/*', message: 'paths["b/*"].guest has the unknown action "fetch".', resolution: 'Use read, get, list, write or delete.' },
    ]);
  });

  it('a non-owner rule on p/{entity_id}/* must not repeat a rule on p/*', () => {
    const paths: PathsMap = { 'p/*': { guest: ['get'] }, 'p/{entity_id}/*': { guest: ['list'], entityidentity: ['write'] } };
    expect(validatePaths(paths)).toStrictEqual([{
      path: 'p/{entity_id}/*',
      message: 'paths["p/{entity_id}/*"].guest applies to [p/*] (rules other than the owner\'s get "*" for the token), where guest already has a rule.',
      resolution: 'Keep one rule for guest on [p/*].',
    }]);
  });

  it('assertValidPaths throws every issue at once', () => {
    expect(() => assertValidPaths(['/a/*', 'b'])).toThrow(InvalidStoragePathsError);
    expect(() => assertValidPaths(['/a/*', 'b'])).toThrow(
      'Invalid storage paths:\n'
      + '  - Storage access paths must not start with "/". Found [/a/*]. Remove the leading "/": "a/*".\n'
      + '  - Storage access paths must end with "/*". Found [b]. End the path with "/*": "b/*".',
    );
  });
});

describe('normalizePaths', () => {
  it('writes {entity_id} as ${cognito-identity.amazonaws.com:sub} for the owner and * for other rules, and read as get, list', () => {
    const paths: PathsMap = {
      'public/*': { guest: ['read'] },
      'media/{entity_id}/*': { entityidentity: ['read', 'write'], authenticated: ['get'] },
    };
    expect(normalizePaths(paths)).toStrictEqual({
      'public/*': { guest: ['get', 'list'] },
      [`media/${SUB}/*`]: { entityidentity: ['get', 'list', 'write'] },
      'media/*': { authenticated: ['get'] },
    });
  });

  it('keeps the outputs form as it is', () => {
    const paths: PathsMap = { [`p/${SUB}/*`]: { entityidentity: ['get'] }, 'p/*': { guest: ['get'] } };
    expect(normalizePaths(paths)).toStrictEqual(paths);
  });
});
