/**
 * Amplify Gen2's storage path rules (amplify-backend packages/backend-storage,
 * validate_storage_access_paths.ts), applied to `paths` in either form:
 * - defineStorage form: the owner token is `{entity_id}`;
 * - amplify_outputs.json form: the owner path is `p/${cognito-identity.amazonaws.com:sub}/*`.
 * One deliberate difference: an owner path may have its own parent `p/*` as a prefix, whichever
 * spelling of the token it uses. Amplify writes exactly that pair into amplify_outputs.json when
 * an owner path also has other rules, and scenario files write the outputs form with either
 * spelling; defineStorage itself would refuse `p/*` next to `p/{entity_id}/*`. A rule that would
 * then be defined twice is reported instead.
 * The messages are Amplify's; each issue adds a concrete fix.
 */

import { COGNITO_IDENTITY_SUB, ENTITY_ID_PATH_TOKEN, type InternalStorageAction } from './constants.js';
import type { PathsMap, StorageAction } from './types.js';

export interface PathIssue {
  /** The `paths` key the issue is about. */
  path: string;
  /** What is wrong (Amplify's wording where Amplify has a rule). */
  message: string;
  /** How to fix it. */
  resolution: string;
}

export class InvalidStoragePathsError extends Error {
  override readonly name = 'InvalidStoragePathsError';
  constructor(readonly issues: PathIssue[]) {
    super(`Invalid storage paths:\n${issues.map((i) => `  - ${i.message} ${i.resolution}`).join('\n')}`);
  }
}

const STORAGE_ACTIONS: ReadonlySet<string> = new Set<StorageAction>(['read', 'get', 'list', 'write', 'delete']);

/** The owner token a path uses, if any. */
function tokenOf(path: string): string | undefined {
  if (path.includes(ENTITY_ID_PATH_TOKEN)) return ENTITY_ID_PATH_TOKEN;
  if (path.includes(COGNITO_IDENTITY_SUB)) return COGNITO_IDENTITY_SUB;
  return undefined;
}

/** Other paths that are a prefix of `path` (wildcards ignored), as Amplify's getPrefixes. */
function prefixesOf(path: string, all: readonly string[]): string[] {
  return all.filter((p) => path !== p && path.startsWith(p.replaceAll('*', '')));
}

/** The first rule a path breaks, or undefined. */
function pathIssue(path: string, all: readonly string[]): PathIssue | undefined {
  const issue = (message: string, resolution: string): PathIssue => ({ path, message, resolution });
  if (path.startsWith('/')) {
    return issue(`Storage access paths must not start with "/". Found [${path}].`, `Remove the leading "/": "${path.replace(/^\/+/, '')}".`);
  }
  if (!path.endsWith('/*')) {
    const fixed = `${path.replace(/\/?\*?$/, '')}/*`;
    return issue(`Storage access paths must end with "/*". Found [${path}].`, `End the path with "/*": "${fixed}".`);
  }
  if (path.includes('//')) {
    return issue(`Path cannot contain "//". Found [${path}].`, `Use single slashes: "${path.replace(/\/{2,}/g, '/')}".`);
  }
  if (path.indexOf('*') < path.length - 1) {
    return issue(
      `Wildcards are only allowed as the final part of a path. Found [${path}].`,
      'Remove all wildcards that are not the final part of the path; a path is a literal prefix followed by "/*".',
    );
  }
  const token = tokenOf(path);
  // The owner path's own parent `p/*` is legitimate in the outputs form (Amplify writes the owner
  // path's other rules there). defineStorage itself refuses `p/*` next to `p/{entity_id}/*`, but
  // scenario files write the outputs form with either spelling of the token, so both are accepted;
  // validatePaths then checks that no rule would be defined twice.
  const ownerParent = token ? path.replaceAll(`${token}/`, '') : undefined;
  const prefixes = prefixesOf(path, all);
  if (prefixes.length > 1) {
    return issue(
      `For any given path, only one other path can be a prefix of it. Found [${path}] which has prefixes [${prefixes.join(', ')}].`,
      'Update the storage access paths such that any given path has at most one other path that is a prefix.',
    );
  }
  if (!token) return undefined;
  const otherPrefixes = prefixes.filter((p) => p !== ownerParent);
  if (otherPrefixes.length > 0) {
    return issue(
      `A path cannot be a prefix of another path that contains the ${token} token. Found [${path}] which has prefixes [${otherPrefixes.join(', ')}].`,
      `Only the owner path's own parent [${ownerParent}] may be a prefix of it; remove [${otherPrefixes.join(', ')}] or move its rules onto [${path}].`,
    );
  }
  const split = path.split(token);
  if (split.length > 2) {
    return issue(`The ${token} token can only appear once in a path. Found [${path}]`, `Remove all but one occurrence of the ${token} token.`);
  }
  const [before, after] = split as [string, string];
  if (after !== '/*') {
    return issue(
      `The ${token} token must be the path part right before the ending wildcard. Found [${path}].`,
      `Update the path such that the owner token is the last path part before the ending wildcard. For example: "foo/bar/${token}/*".`,
    );
  }
  if (before === '') {
    return issue(
      `The ${token} token must not be the first path part. Found [${path}].`,
      `Add an additional prefix to the path. For example: "foo/${token}/*".`,
    );
  }
  if (!before.endsWith('/')) {
    return issue(
      `A path part that includes the ${token} token cannot include any other characters. Found [${path}].`,
      `Remove all other characters from the path part with the ${token} token. For example: "foo/${token}/*".`,
    );
  }
  return undefined;
}

/** Checks one access rule (`guest: [get, list]`) of a path. */
function ruleIssues(path: string, accessKey: string, actions: unknown, groups: readonly string[] | undefined): PathIssue[] {
  const issues: PathIssue[] = [];
  const issue = (message: string, resolution: string) => issues.push({ path, message, resolution });
  if (accessKey.startsWith('groups') && accessKey.length > 'groups'.length) {
    const group = accessKey.slice('groups'.length);
    if (groups && !groups.includes(group)) {
      issue(
        `paths["${path}"] grants "${accessKey}", but there is no user pool group "${group}".`,
        groups.length ? `Use one of ${groups.map((g) => `"groups${g}"`).join(', ')}, or add the group "${group}" to auth.` : `Add the group "${group}" to auth.`,
      );
    }
  } else if (accessKey.startsWith('entity') && accessKey !== 'entityidentity') {
    issue(`paths["${path}"] grants "${accessKey}"; the only owner entity Amplify supports is "identity".`, 'Write "entityidentity".');
  } else if (!['guest', 'authenticated', 'entityidentity'].includes(accessKey)) {
    issue(
      `paths["${path}"] has the unknown access key "${accessKey}".`,
      'Use guest, authenticated, groups<GroupName> (e.g. groupsadmin) or entityidentity.',
    );
  }
  if (!Array.isArray(actions)) {
    issue(`paths["${path}"].${accessKey} must be a list of actions.`, 'Write e.g. ["get", "list"].');
    return issues;
  }
  if (actions.length === 0) {
    issue(
      `paths["${path}"].${accessKey} grants no actions (Amplify fails with "At least one permission must be specified").`,
      'List at least one of read, get, list, write, delete, or remove the rule.',
    );
  }
  for (const a of actions) {
    if (typeof a !== 'string' || !STORAGE_ACTIONS.has(a)) {
      issue(`paths["${path}"].${accessKey} has the unknown action ${JSON.stringify(a)}.`, 'Use read, get, list, write or delete.');
    }
  }
  return issues;
}

/**
 * Every issue in `paths` (or in a bare list of path keys). With `groups`, `groups<Name>` keys must
 * name one of them. An empty list means Amplify would accept the paths.
 */
export function validatePaths(paths: PathsMap | readonly string[], options: { groups?: readonly string[] } = {}): PathIssue[] {
  const keys = Array.isArray(paths) ? (paths as readonly string[]) : Object.keys(paths);
  const issues: PathIssue[] = [];
  for (const key of keys) {
    const issue = pathIssue(key, keys);
    if (issue) issues.push(issue);
  }
  if (!Array.isArray(paths)) {
    for (const [key, rules] of Object.entries(paths as PathsMap)) {
      if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
        issues.push({ path: key, message: `paths["${key}"] must map access keys to actions.`, resolution: 'Write e.g. { "guest": ["get", "list"] }.' });
        continue;
      }
      for (const [accessKey, actions] of Object.entries(rules)) {
        issues.push(...ruleIssues(key, accessKey, actions, options.groups));
        // A non-owner rule on `p/{entity_id}/*` is Amplify's rule on `p/*`: it must not be there twice.
        if (key.includes(ENTITY_ID_PATH_TOKEN) && !accessKey.startsWith('entity')) {
          const target = substituteEntityToken(key, '*');
          if (target !== key && (paths as PathsMap)[target]?.[accessKey] !== undefined) {
            issues.push({
              path: key,
              message: `paths["${key}"].${accessKey} applies to [${target}] (rules other than the owner's get "*" for the token), where ${accessKey} already has a rule.`,
              resolution: `Keep one rule for ${accessKey} on [${target}].`,
            });
          }
        }
      }
    }
  }
  return issues;
}

/** Throws an {@link InvalidStoragePathsError} listing every issue. */
export function assertValidPaths(paths: PathsMap | readonly string[], options: { groups?: readonly string[] } = {}): void {
  const issues = validatePaths(paths, options);
  if (issues.length > 0) throw new InvalidStoragePathsError(issues);
}

/** `read` → `get`, `list`; duplicates removed; order kept (as the orchestrator does). */
export function expandStorageActions(actions: readonly StorageAction[]): InternalStorageAction[] {
  return Array.from(new Set(actions.flatMap((a): InternalStorageAction[] => (a === 'read' ? ['get', 'list'] : [a]))));
}

/** Amplify's placeholderSubstitution: the token replaced, a trailing `/*\/*` collapsed to `/*`. */
function substituteEntityToken(key: string, substitution: string): string {
  if (!key.includes(ENTITY_ID_PATH_TOKEN)) return key;
  const prefix = key.replaceAll(ENTITY_ID_PATH_TOKEN, substitution);
  return prefix.endsWith('/*/*') ? prefix.slice(0, -2) : prefix;
}

/**
 * `paths` as amplify_outputs.json carries them. A `{entity_id}` key becomes, for the entity rule,
 * the key with `${cognito-identity.amazonaws.com:sub}`, and for every other rule the key with `*`
 * (a trailing `/*\/*` collapsed to `/*`), exactly as Amplify's orchestrator substitutes them.
 * `read` is written as `get`, `list`. Keys without the token are kept as they are.
 */
export function normalizePaths(paths: PathsMap): PathsMap {
  const out: PathsMap = {};
  for (const [key, rules] of Object.entries(paths)) {
    for (const [accessKey, actions] of Object.entries(rules)) {
      const prefix = substituteEntityToken(key, accessKey.startsWith('entity') ? COGNITO_IDENTITY_SUB : '*');
      const existing = out[prefix]?.[accessKey] ?? [];
      out[prefix] = { ...out[prefix], [accessKey]: expandStorageActions([...existing, ...actions]) };
    }
  }
  return out;
}
