/**
 * What a `paths` map promises (../../shared/spec/scenario-v1.md "Derived cases",
 * ../../shared/reference/amplify.md §2–§3): for one actor, one path and one action, whether the
 * map grants it and through which rule. Pure; knows nothing about cases or users.
 *
 * The reading follows the IAM that Amplify Gen2 generates from the same map, so that derived
 * expectations and generated policies agree, and a difference is drift:
 * - guest → `guest` rules (unauthenticated role);
 * - a signed-in user in no group → `authenticated` rules, plus `entity<id>` rules on their own
 *   owner folder (both attach to the authenticated role);
 * - a group member → only the `groups<Name>` rules of their preferred group (Cognito's token role
 *   mapping hands them that group's role alone);
 * - a nested path replaces its parent: a role holding an action on the parent gets an explicit
 *   Deny on the child unless the child grants it too, so on the child only the child's rules count
 *   (a path only backend functions reach, written `{}`, denies the parent's holders everything);
 * - an owner path (`p/${sub}/*` under `p/*`) is exempt from those denies: it adds to its parent.
 */
import { COGNITO_IDENTITY_SUB, ENTITY_ID_PATH_TOKEN } from '../../emulator/policy/constants.js';
import { denyPrefixes, findParentPrefix, isOwnerSubPath, parseStoragePaths, type WrittenPaths } from '../../emulator/policy/paths.js';

/** The owner token in `paths` keys as the model gives them (the amplify_outputs.json form). */
export const OWNER_TOKEN = COGNITO_IDENTITY_SUB;
/** The only entity access key Amplify writes. */
export const ENTITY_KEY = 'entityidentity';

export type ProbeAction = 'get' | 'list' | 'write' | 'delete';
export const PROBE_ACTIONS: readonly ProbeAction[] = ['get', 'list', 'write', 'delete'];

/** Who acts, as `paths` sees them. `ownFolder`: on an owner path, the probed folder is the actor's. */
export type AccessSubject =
  | { kind: 'guest' }
  | { kind: 'signed-in'; ownFolder: boolean }
  | { kind: 'group'; group: string; ownFolder: boolean };

export interface PathEntry {
  /** The key as written in `paths`. */
  key: string;
  /** The key without its trailing `*` (still holding the owner token, if any). */
  prefix: string;
  /** Holds the owner token. */
  owner: boolean;
  /** Access key → actions, `read` expanded. */
  rules: Map<string, Set<ProbeAction>>;
  /** The path Amplify's generator takes as this one's parent (the first that is a prefix of it). */
  parent?: PathEntry;
  /**
   * The parent's holders are denied here what this path does not grant them (a nested path). Not so
   * for an owner sub-path (`p/${sub}/*` under `p/*`), nor for a path whose rules grant no action.
   */
  replacesParent: boolean;
}

export interface Grant {
  /** The `paths` key that grants it. */
  path: string;
  accessKey: string;
}

export interface AccessDecision {
  allowed: boolean;
  /** The rule that grants it, when allowed. */
  grant?: Grant;
  /**
   * Other access keys that `paths` gives this action on the same folder but that do not reach
   * this actor (e.g. `authenticated` for a group member): where `paths` suggests more.
   */
  alsoGrantedTo: string[];
}

export const hasOwnerToken = (key: string): boolean => key.includes(OWNER_TOKEN) || key.includes(ENTITY_ID_PATH_TOKEN);

/**
 * Reads a `paths` map (either form) through the one model of `paths` into entries, in the order of
 * its amplify_outputs.json form, with parents linked as Amplify's generator links them.
 */
export function parsePaths(paths: WrittenPaths): PathEntry[] {
  const model = parseStoragePaths(paths);
  const denyOrder = denyPrefixes(model);
  const entries: PathEntry[] = Object.entries(model.outputs).map(([key, access]) => {
    const rules = new Map<string, Set<ProbeAction>>();
    for (const [accessKey, actions] of Object.entries(access)) rules.set(accessKey, new Set(actions));
    return { key, prefix: key.endsWith('*') ? key.slice(0, -1) : key, owner: hasOwnerToken(key), rules, replacesParent: false };
  });
  const byKey = new Map(entries.map((e) => [e.key, e]));
  for (const entry of entries) {
    const parentKey = findParentPrefix(entry.key, denyOrder);
    const parent = parentKey === undefined ? undefined : byKey.get(parentKey);
    if (!parent) continue;
    entry.parent = parent;
    entry.replacesParent = denyOrder.includes(entry.key) && !isOwnerSubPath(entry.key, parentKey!);
  }
  return entries;
}

/** The access keys whose rules reach this subject on `entry`'s folder (entity keys only on its own folder). */
function keysOf(subject: AccessSubject, entry: PathEntry): (key: string) => boolean {
  switch (subject.kind) {
    case 'guest':
      return (k) => k === 'guest';
    case 'signed-in':
      // Entity rules attach to the authenticated role with the identity ID substituted: they reach the
      // folder's owner only. On a path without the owner token (Amplify rejects that) they reach everyone
      // holding the authenticated role, as the generated statement would.
      return (k) => k === 'authenticated' || (k === ENTITY_KEY && (!entry.owner || subject.ownFolder));
    case 'group':
      return (k) => k === `groups${subject.group}`;
  }
}

/** Access keys that promise something to someone on this folder but not to this subject. */
function isSuggestive(subject: AccessSubject, entry: PathEntry, key: string): boolean {
  switch (subject.kind) {
    case 'guest':
      return false;
    case 'signed-in':
      // A signed-in user does not hold the guest role: paths granting guests more is worth a word.
      return key === 'guest';
    case 'group':
      // A group member holds their group's role only; rules for everyone else are "more".
      return key === 'guest' || key === 'authenticated' || (key === ENTITY_KEY && (!entry.owner || subject.ownFolder));
  }
}

/**
 * What `paths` promises `subject` for `action` on an object directly in `entry`'s folder (or on a
 * list of that folder). Owner paths add their parent's rules; other nested paths stand alone.
 */
export function decide(subject: AccessSubject, entry: PathEntry, action: ProbeAction): AccessDecision {
  const sources = entry.parent && !entry.replacesParent ? [entry, entry.parent] : [entry];
  const reaches = keysOf(subject, entry);
  let grant: Grant | undefined;
  const also = new Set<string>();
  for (const source of sources) {
    // Entity rules count only on the owner path itself (the parent has no owner token to substitute).
    for (const [accessKey, actions] of source.rules) {
      if (!actions.has(action)) continue;
      if (source !== entry && accessKey === ENTITY_KEY) continue;
      if (reaches(accessKey)) grant ??= { path: source.key, accessKey };
      else if (isSuggestive(subject, entry, accessKey)) also.add(accessKey);
    }
  }
  return grant ? { allowed: true, grant, alsoGrantedTo: [] } : { allowed: false, alsoGrantedTo: [...also].sort() };
}

/** The `groups<Name>` and other access keys of a map that no derived actor can hold. */
export function unknownAccessKeys(entries: PathEntry[], groups: string[]): string[] {
  const known = (k: string) =>
    k === 'guest' || k === 'authenticated' || k === ENTITY_KEY || groups.some((g) => k === `groups${g}`);
  const out = new Set<string>();
  for (const e of entries) for (const k of e.rules.keys()) if (!known(k)) out.add(k);
  return [...out].sort();
}
