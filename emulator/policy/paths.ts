/**
 * The one reading of a storage `paths` map: what the scenario loader, the policy generator and
 * derived cases all use.
 *
 * A map comes in one of two forms:
 * - the defineStorage form: keys as `defineStorage({ access })` writes them, the owner token
 *   `{entity_id}`; in a `p/{entity_id}/*` key the `entityidentity` rule applies to the owner's
 *   folder `p/${cognito-identity.amazonaws.com:sub}/*` and every other rule to `p/*`;
 * - the amplify_outputs.json form: what Amplify writes from it (owner token
 *   `${cognito-identity.amazonaws.com:sub}`), where `p/*` beside `p/${…:sub}/*` is normal.
 * A map whose keys hold neither token reads the same in both forms.
 *
 * {@link parseStoragePaths} follows amplify-backend packages/backend-storage
 * (storage_access_orchestrator.ts, access_builder.ts; read at commit 014303a, @aws-amplify/backend-storage
 * 1.6.0): the rules in the order Amplify adds them (keys in order, rules in order), `read` replaced
 * by `get` and `list`, repeated actions dropped, the owner token substituted, and the
 * amplify_outputs.json `paths` Amplify writes for the definition. A key with no rule (`{}`) is one
 * only backend functions reach (`allow.resource(fn)`, which Amplify leaves out of the outputs): it
 * still takes part in the nested-path denies. A `resource` access key is read the same way.
 */

import { COGNITO_IDENTITY_SUB, ENTITY_ID_PATH_TOKEN, type InternalStorageAction } from './constants.js';
import type { StorageAction } from './types.js';
import { InvalidStoragePathsError, pathKeyIssues, type PathIssue } from './validate-paths.js';

/** `paths` as read from a file, before it is known to be well formed. */
export type WrittenPaths = Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>;

export type PathsForm = 'defineStorage' | 'outputs';

/** `paths` as amplify_outputs.json holds them: prefix → access key → get | list | write | delete. */
export type OutputsPaths = Record<string, Record<string, InternalStorageAction[]>>;

/** Who a rule reaches: a role of the identity pool, or backend functions (not emulated). */
export type PathAcceptor = { kind: 'guest' } | { kind: 'authenticated' } | { kind: 'group'; name: string } | { kind: 'function' };

/** One access rule, in the order Amplify's orchestrator adds it. */
export interface PathGrant {
  /** The prefix it applies to, as in amplify_outputs.json (`{entity_id}` substituted). */
  prefix: string;
  /** The key as written. */
  key: string;
  /** The access key as written (`resource` for a function rule, also for a key written `{}`). */
  accessKey: string;
  acceptor: PathAcceptor;
  /** `read` replaced by get and list; no repeats; may be empty. */
  actions: InternalStorageAction[];
  /** A key written `{}`: a function rule whose actions the map does not say (Amplify writes none empty). */
  implicit?: true;
}

export interface StoragePathsModel {
  form: PathsForm;
  /** Every rule, in Amplify's order. */
  grants: PathGrant[];
  /** amplify_outputs.json `paths` for this map, as Amplify writes them (get and list, never read). */
  outputs: OutputsPaths;
  /** Everything wrong with the map; empty when Amplify would accept it. */
  issues: PathIssue[];
}

export interface ParsePathsOptions {
  /** The user pool's groups: `groups<Name>` keys must name one of them. Absent: not checked. */
  groups?: readonly string[];
}

const ACTIONS: ReadonlySet<string> = new Set<StorageAction>(['read', 'get', 'list', 'write', 'delete']);
const FUNCTION_KEY = 'resource';

/** `read` → get, list; repeats removed; order kept (as the orchestrator does). */
export function expandStorageActions(actions: readonly StorageAction[]): InternalStorageAction[] {
  return Array.from(new Set(actions.flatMap((a): InternalStorageAction[] => (a === 'read' ? ['get', 'list'] : [a]))));
}

/** The owner token a map's keys use: `{entity_id}`, `${…:sub}`, both (mixed), or neither. */
function formOf(keys: readonly string[]): PathsForm | 'mixed' {
  const define = keys.some((k) => k.includes(ENTITY_ID_PATH_TOKEN));
  const outputs = keys.some((k) => k.includes(COGNITO_IDENTITY_SUB));
  if (define && outputs) return 'mixed';
  return define ? 'defineStorage' : 'outputs';
}

/** Amplify's placeholderSubstitution: the token replaced, a trailing `/*\/*` collapsed to `/*`. */
function substitute(key: string, substitution: string): string {
  const prefix = key.replaceAll(ENTITY_ID_PATH_TOKEN, substitution);
  return prefix.endsWith('/*/*') ? prefix.slice(0, -2) : prefix;
}

/** `p/${…:sub}/*` → `p/*`; otherwise undefined. */
const ownerParentOf = (key: string): string | undefined =>
  key.endsWith(`/${COGNITO_IDENTITY_SUB}/*`) ? `${key.slice(0, -`${COGNITO_IDENTITY_SUB}/*`.length)}*` : undefined;

function acceptorOf(accessKey: string): PathAcceptor | undefined {
  if (accessKey === 'guest') return { kind: 'guest' };
  // Owner (entity) rules are accepted by the authenticated role, as in access_builder.ts.
  if (accessKey === 'authenticated' || accessKey === 'entityidentity') return { kind: 'authenticated' };
  if (accessKey.startsWith('groups') && accessKey.length > 'groups'.length) return { kind: 'group', name: accessKey.slice('groups'.length) };
  if (accessKey === FUNCTION_KEY) return { kind: 'function' };
  return undefined;
}

/** The problems of one rule (`guest: [get, list]`), or none. */
function ruleIssues(key: string, accessKey: string, actions: unknown, groups: readonly string[] | undefined): PathIssue[] {
  const issues: PathIssue[] = [];
  const issue = (kind: PathIssue['kind'], message: string, resolution: string) => issues.push({ kind, path: key, accessKey, message, resolution });
  const acceptor = acceptorOf(accessKey);
  if (!acceptor) {
    if (accessKey.startsWith('entity')) {
      issue('access-key', `paths["${key}"] grants "${accessKey}"; the only owner entity Amplify supports is "identity".`, 'Write "entityidentity".');
    } else {
      issue('access-key', `paths["${key}"] has the unknown access key "${accessKey}".`, 'Use guest, authenticated, groups<GroupName> (e.g. groupsadmin) or entityidentity.');
    }
  } else if (acceptor.kind === 'group' && groups && !groups.includes(acceptor.name)) {
    issue(
      'rule',
      `paths["${key}"] grants "${accessKey}", but there is no user pool group "${acceptor.name}".`,
      groups.length ? `Use one of ${groups.map((g) => `"groups${g}"`).join(', ')}, or add the group "${acceptor.name}" to auth.` : `Add the group "${acceptor.name}" to auth.`,
    );
  }
  if (!Array.isArray(actions)) {
    issue('action', `paths["${key}"].${accessKey} must be a list of actions.`, 'Write e.g. ["get", "list"].');
    return issues;
  }
  actions.forEach((a, index) => {
    if (typeof a !== 'string' || !ACTIONS.has(a)) {
      issues.push({
        kind: 'action', path: key, accessKey, index,
        message: `paths["${key}"].${accessKey} has the unknown action ${JSON.stringify(a)}.`, resolution: 'Use read, get, list, write or delete.',
      });
    }
  });
  return issues;
}

const roleLabel = (a: PathAcceptor): string => (a.kind === 'group' ? `group ${a.name}` : a.kind === 'guest' ? 'guest' : 'authenticated');
const roleToken = (a: PathAcceptor): string => (a.kind === 'group' ? `group:${a.name}` : a.kind);

/**
 * Reads a `paths` map in either form (see the module comment). Never throws: what Amplify would
 * refuse is in `issues`, and the rest is read as far as it can be.
 */
export function parseStoragePaths(paths: WrittenPaths, options: ParsePathsOptions = {}): StoragePathsModel {
  const keys = Object.keys(paths);
  const issues: PathIssue[] = [];
  const found = formOf(keys);
  const form: PathsForm = found === 'mixed' ? 'defineStorage' : found;
  if (found === 'mixed') {
    const first = keys.find((k) => k.includes(COGNITO_IDENTITY_SUB))!;
    issues.push({
      kind: 'path',
      path: first,
      message: `paths mixes the defineStorage form (owner token ${ENTITY_ID_PATH_TOKEN}) and the amplify_outputs.json form (owner token ${COGNITO_IDENTITY_SUB}).`,
      resolution: `Write every owner path one way: "p/${ENTITY_ID_PATH_TOKEN}/*" with all of its rules, or "p/*" for everyone's rules beside "p/${COGNITO_IDENTITY_SUB}/*" for the owner's.`,
    });
  }

  // Keys: Amplify validates the definition's keys. In the outputs form that definition has
  // `p/{entity_id}/*` where the outputs have `p/${…:sub}/*`, and no `p/*` of its own beside it.
  if (form === 'defineStorage') {
    issues.push(...pathKeyIssues(keys, ENTITY_ID_PATH_TOKEN));
  } else {
    const ownerParents = new Set(keys.flatMap((k) => ownerParentOf(k) ?? []));
    issues.push(...pathKeyIssues(keys.filter((k) => !ownerParents.has(k)), COGNITO_IDENTITY_SUB));
  }

  const grants: PathGrant[] = [];
  const outputs: OutputsPaths = {};
  for (const [key, rules] of Object.entries(paths)) {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
      issues.push({ kind: 'action', path: key, message: `paths["${key}"] must map access keys to actions.`, resolution: 'Write e.g. { "guest": ["get", "list"] }, or {} for a path only backend functions reach.' });
      continue;
    }
    const entries = Object.entries(rules);
    if (entries.length === 0) {
      // Only backend functions reach this path (allow.resource): nothing in the outputs, a grant for the denies.
      const prefix = form === 'defineStorage' ? substitute(key, '*') : key;
      outputs[prefix] = { ...outputs[prefix] };
      grants.push({ prefix, key, accessKey: FUNCTION_KEY, acceptor: { kind: 'function' }, actions: [], implicit: true });
      continue;
    }
    for (const [accessKey, actions] of entries) {
      const problems = ruleIssues(key, accessKey, actions, options.groups);
      issues.push(...problems);
      const acceptor = acceptorOf(accessKey);
      if (!acceptor || !Array.isArray(actions)) continue;
      const known = expandStorageActions(actions.filter((a): a is StorageAction => typeof a === 'string' && ACTIONS.has(a)));
      const owner = accessKey === 'entityidentity';
      const prefix = form === 'defineStorage' ? substitute(key, owner ? COGNITO_IDENTITY_SUB : '*') : key;
      // Amplify writes every rule but the functions' into the outputs, later rules on the same
      // prefix replacing earlier ones key by key.
      outputs[prefix] = { ...outputs[prefix], ...(acceptor.kind === 'function' ? {} : { [accessKey]: known }) };
      grants.push({ prefix, key, accessKey, acceptor, actions: known });
    }
  }

  // Amplify refuses a role whose rules on this bucket grant nothing at all ("At least one
  // permission must be specified"); an empty list beside other rules of the role is fine.
  const roles = new Map<string, { first: PathGrant; any: boolean }>();
  for (const g of grants) {
    if (g.acceptor.kind === 'function') continue;
    const entry = roles.get(roleToken(g.acceptor)) ?? { first: g, any: false };
    entry.any ||= g.actions.length > 0;
    roles.set(roleToken(g.acceptor), entry);
  }
  for (const { first, any } of roles.values()) {
    if (any) continue;
    issues.push({
      kind: 'rule',
      path: first.key,
      accessKey: first.accessKey,
      message: `paths["${first.key}"].${first.accessKey} grants no actions, and no other rule of this bucket gives the ${roleLabel(first.acceptor)} role any: Amplify fails with "At least one permission must be specified".`,
      resolution: 'List at least one of read, get, list, write, delete, or remove the rule.',
    });
  }
  return { form, grants, outputs, issues };
}

/** {@link parseStoragePaths}, throwing {@link InvalidStoragePathsError} listing every issue. */
export function readStoragePaths(paths: WrittenPaths, options: ParsePathsOptions = {}): StoragePathsModel {
  const model = parseStoragePaths(paths, options);
  if (model.issues.length > 0) throw new InvalidStoragePathsError(model.issues);
  return model;
}

/** The amplify_outputs.json `paths` for a map in either form (throws when Amplify would refuse it). */
export function outputsPaths(paths: WrittenPaths, options: ParsePathsOptions = {}): OutputsPaths {
  return readStoragePaths(paths, options).outputs;
}

/**
 * Amplify's findParent over prefixes in the order the orchestrator met them: the first other
 * prefix whose text before `*` starts this one.
 */
export function findParentPrefix(prefix: string, prefixes: readonly string[]): string | undefined {
  return prefixes.find((p) => prefix !== p && prefix.startsWith(p.replaceAll('*', '')));
}

/** An owner sub-path `p/${…:sub}/*` of `p/*`: exempt from its parent's denies. */
export const isOwnerSubPath = (prefix: string, parent: string): boolean => parent === prefix.replaceAll(`${COGNITO_IDENTITY_SUB}/`, '');

/**
 * The prefixes that take part in Amplify's nested-path denies, in the order it meets them: those
 * of rules with at least one action, and keys written `{}` (a function rule, which Amplify writes
 * with actions). A rule with an empty list adds none.
 */
export function denyPrefixes(model: StoragePathsModel): string[] {
  const out = new Set<string>();
  for (const g of model.grants) if (g.actions.length > 0 || g.implicit) out.add(g.prefix);
  return [...out];
}
