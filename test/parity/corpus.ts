/**
 * Access definitions for the Amplify parity test, each written once in the defineStorage form.
 *
 * A rule is `<who> <action> <action>…`, exactly one `allow.<who>.to([...])` of `defineStorage`:
 * `guest`, `authenticated`, `entity` (allow.entity('identity')), `groups:a,b` (allow.groups(['a','b']))
 * or `function` (allow.resource(fn), one backend function of the app). No action: `.to([])`.
 * `groups` lists the user pool's groups (defineAuth `groups`, so precedence is their order).
 * `amplify: 'refuses'` marks definitions Amplify itself refuses (asserted: the corpus says what it is);
 * `emulator: 'refuses'` marks the ones only the emulator refuses, each for a documented reason.
 */

export interface ParityBucket {
  /** defineStorage `name` (the friendly name in the outputs). */
  name: string;
  isDefault?: boolean;
  access: Record<string, string[]>;
}

export interface ParityCase {
  name: string;
  groups?: string[];
  buckets: ParityBucket[];
  amplify?: 'refuses';
  emulator?: 'refuses';
  /**
   * The amplify_outputs.json form cannot say this definition: Amplify leaves function rules out of
   * the outputs, so a path whose other rules all have empty lists reads as one no function reaches.
   */
  outputsFormLosesFunctions?: true;
}

const one = (name: string, access: Record<string, string[]>, extra: Partial<ParityCase> = {}): ParityCase => ({
  name,
  buckets: [{ name: 'media', access }],
  ...extra,
});

const SUBSETS = ['get', 'list', 'write', 'delete']
  .reduce<string[][]>((all, action) => [...all, ...all.map((s) => [...s, action])], [[]])
  .filter((s) => s.length > 0);

export const CORPUS: ParityCase[] = [
  // The docs page's four examples (../../shared/seed), in the defineStorage form.
  one('docs: guest users', { 'public/*': ['guest get list'] }),
  one('docs: authenticated users', { 'public/*': ['guest get list', 'authenticated get list write delete'] }),
  one('docs: user groups', {
    'public/*': ['authenticated get list write delete'],
    'admin/*': ['authenticated get list', 'groups:admin get list write delete'],
  }, { groups: ['admin'] }),
  one('docs: owners', {
    'public/*': ['guest get list', 'authenticated get list write delete'],
    'protected/{entity_id}/*': ['guest get list', 'authenticated get list', 'entity get list write delete'],
  }),

  // Nesting, two deep and three deep.
  one('nested: a child the parent\'s holders lose', { 'public/*': ['guest read', 'authenticated read write'], 'public/private/*': ['authenticated read'] }),
  one('nested: the child grants the parent\'s holder more', { 'a/*': ['guest read'], 'a/b/*': ['guest read write'] }),
  one('nested: the child grants a subset', { 'a/*': ['authenticated read write delete'], 'a/b/*': ['authenticated get'] }),
  one('nested: the same rule on parent and child', { 'a/*': ['authenticated list'], 'a/b/*': ['authenticated list'] }),
  one('nested: several children of one parent', { 'a/*': ['guest read write'], 'a/z/*': ['guest get'], 'a/y/*': ['guest write'] }),
  one('nested three deep: under an owner path', {
    'a/{entity_id}/*': ['entity read write', 'authenticated get'],
    'a/b/*': ['guest read'],
    'a/b/c/*': ['authenticated write'],
  }),
  one('nested three deep: owner path under owner path', { 'a/{entity_id}/*': ['entity read'], 'a/b/{entity_id}/*': ['entity read write'] }),
  one('nested: long names', { 'level1/level2/level3/*': ['guest read'], 'level1/level2/level3/level4/*': ['guest get'] }),
  one('nested: a group-only child', { 'a/*': ['authenticated read'], 'a/admin/*': ['groups:admin read'] }, { groups: ['admin'] }),

  // Siblings and shared string prefixes.
  one('siblings', { 'photos/*': ['guest read'], 'videos/*': ['authenticated read write'], 'docs/*': ['groups:admin read'] }, { groups: ['admin'] }),
  one('siblings with children', { 'a/*': ['guest read'], 'a/x/*': ['guest get'], 'b/*': ['guest read'], 'b/y/*': ['authenticated write'] }),
  one('shared prefix: photo/ and photos/', { 'photo/*': ['guest read'], 'photos/*': ['authenticated read'] }),
  one('shared prefix: pub/ and public/', { 'pub/*': ['guest read'], 'public/*': ['guest write', 'authenticated read'] }),
  one('shared prefix: a/b/ and a/bc/ under a/', { 'a/*': ['guest read'], 'a/bc/*': ['guest write'], 'a/b/*': ['authenticated read'] }),
  one('dots inside names', { 'v1.2/*': ['guest read'], 'a.b/c/*': ['authenticated read'] }),

  // Groups, several, with precedence.
  one('groups: three, each its own folder', {
    'public/*': ['groups:admin,editor,viewer read'],
    'admin/*': ['groups:admin read write delete'],
    'drafts/*': ['groups:editor read write'],
  }, { groups: ['admin', 'editor', 'viewer'] }),
  one('groups: precedence order differs from rule order', { 'shared/*': ['groups:viewer get', 'groups:admin read write'] }, { groups: ['viewer', 'admin'] }),
  one('groups: nested', { 'team/*': ['groups:staff read'], 'team/admin/*': ['groups:admin read write'] }, { groups: ['admin', 'staff'] }),
  one('groups with guest and authenticated', { 'public/*': ['guest read', 'authenticated read', 'groups:admin read write delete'] }, { groups: ['admin'] }),

  // Owner paths: every action subset, read, and beside other rules.
  one('owner paths with every action subset', Object.fromEntries(SUBSETS.map((s) => [`o-${s.join('-')}/{entity_id}/*`, [`entity ${s.join(' ')}`]]))),
  one('owner paths with read', { 'o1/{entity_id}/*': ['entity read'], 'o2/{entity_id}/*': ['entity read write delete'], 'o3/{entity_id}/*': ['entity read get list'] }),
  one('owner beside authenticated', { 'p/{entity_id}/*': ['authenticated read', 'entity read write delete'] }),
  one('owner beside a group', { 'p/{entity_id}/*': ['groups:admin read write delete', 'entity read write'] }, { groups: ['admin'] }),
  one('owner beside guest, authenticated and two groups', {
    'public/*': ['authenticated read'],
    'p/{entity_id}/*': ['guest get', 'authenticated list', 'groups:admin,editor read', 'entity write delete'],
  }, { groups: ['admin', 'editor'] }),
  one('owner rule written first', { 'p/{entity_id}/*': ['entity write', 'authenticated read', 'guest read'] }),
  one('owner path with a plain child', { 'a/{entity_id}/*': ['entity read write', 'authenticated read'], 'a/b/*': ['guest read'] }),
  one('owner paths and plain paths interleaved', {
    'x/{entity_id}/*': ['entity delete'],
    'y/*': ['authenticated get'],
    'x2/{entity_id}/*': ['authenticated write', 'entity get'],
  }),
  one('an entity rule on a path without the token', { 'a/*': ['entity read'] }),

  // Paths only backend functions reach.
  one('function only: a child of a readable path', { 'media/*': ['guest read', 'authenticated read'], 'media/thumbs/*': ['function write'] }),
  one('function beside a role', { 'jobs/*': ['function read write', 'authenticated read'] }),
  one('function only: a parent of a readable path', { 'fn/*': ['function read write'], 'fn/public/*': ['guest read'] }),
  one('function and an empty list on a child', { 'a/*': ['guest read'], 'a/b/*': ['guest', 'function write'] }, { outputsFormLosesFunctions: true }),

  // Action lists.
  one('an empty list beside other rules of the role', { 'a/*': ['guest'], 'b/*': ['guest read'] }),
  one('repeated actions', { 'a/*': ['guest get get list read', 'authenticated write write'] }),

  // Statement order follows the order rules are added.
  one('order: rules interleaved across paths', { 'b/*': ['guest write'], 'a/*': ['guest get write'], 'c/*': ['authenticated delete', 'guest list'] }),
  one('order: eight siblings', Object.fromEntries(['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'].map((p, i) => [`${p}/*`, [i % 2 ? 'guest read' : 'authenticated write', i % 2 ? 'authenticated get' : (i % 4 ? 'guest delete' : 'guest list')]]))),

  // Two buckets.
  {
    name: 'two buckets',
    buckets: [
      { name: 'first', isDefault: true, access: { 'public/*': ['guest read'] } },
      { name: 'second', access: { 'private/{entity_id}/*': ['entity read write', 'authenticated get'] } },
    ],
  },
  {
    name: 'two buckets with groups',
    groups: ['admin'],
    buckets: [
      { name: 'first', isDefault: true, access: { 'admin/*': ['groups:admin read write'] } },
      { name: 'second', access: { 'admin/*': ['authenticated read'], 'admin/x/*': ['groups:admin get'] } },
    ],
  },

  // Definitions Amplify refuses.
  one('refused: leading slash', { '/public/*': ['guest read'] }, { amplify: 'refuses' }),
  one('refused: no trailing /*', { public: ['guest read'] }, { amplify: 'refuses' }),
  one('refused: trailing slash without *', { 'public/': ['guest read'] }, { amplify: 'refuses' }),
  one('refused: empty segment', { 'a//b/*': ['guest read'] }, { amplify: 'refuses' }),
  one('refused: wildcard inside', { 'a/*/b/*': ['guest read'] }, { amplify: 'refuses' }),
  one('refused: two prefixes', { 'a/*': ['guest read'], 'a/b/*': ['guest read'], 'a/b/c/*': ['guest read'] }, { amplify: 'refuses' }),
  one('refused: token not last', { 'a/{entity_id}/b/*': ['entity read'] }, { amplify: 'refuses' }),
  one('refused: token first', { '{entity_id}/*': ['entity read'] }, { amplify: 'refuses' }),
  one('refused: token with other characters', { 'a/x{entity_id}/*': ['entity read'] }, { amplify: 'refuses' }),
  one('refused: token twice', { 'a/{entity_id}/{entity_id}/*': ['entity read'] }, { amplify: 'refuses' }),
  one('refused: p/* beside p/{entity_id}/*', { 'protected/*': ['guest read'], 'protected/{entity_id}/*': ['entity read write'] }, { amplify: 'refuses' }),
  one('refused: a plain path above an owner path', { 'a/*': ['guest read'], 'a/b/{entity_id}/*': ['entity read'] }, { amplify: 'refuses' }),
  one('refused: an owner path under a child', { 'a/b/*': ['guest read'], 'a/b/c/{entity_id}/*': ['entity read'] }, { amplify: 'refuses' }),
  one('refused: a role whose every list is empty', { 'a/*': ['guest'] }, { amplify: 'refuses' }),
  one('refused: a group whose every list is empty', { 'a/*': ['guest read', 'groups:admin'] }, { groups: ['admin'], amplify: 'refuses' }),

  // Valid in Amplify, refused by the emulator (validate-paths.ts says why).
  one('emulator refuses: a .. segment', { 'a/../b/*': ['guest read'] }, { emulator: 'refuses' }),
  one('emulator refuses: a . segment', { './a/*': ['guest read'] }, { emulator: 'refuses' }),
];
