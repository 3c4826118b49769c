/**
 * Amplify Gen2's rules for the keys of a storage access definition (amplify-backend
 * packages/backend-storage, validate_storage_access_paths.ts), plus the one rule the emulator adds.
 *
 * Amplify validates the keys as `defineStorage` writes them, with the owner token `{entity_id}`,
 * before any substitution. The amplify_outputs.json form is validated as the definition Amplify
 * would have written it from (see paths.ts): its owner paths `p/${cognito-identity.amazonaws.com:sub}/*`
 * stand for `p/{entity_id}/*`, and `p/*` beside one is that definition's other rules, not a path of its own.
 *
 * Amplify stops at the first broken rule; this reports the first rule each key breaks, so every
 * mistake shows at once. Each message starts with Amplify's own text (its `details` appended), and
 * each issue adds a concrete fix.
 */

export interface PathIssue {
  /**
   * What the issue is about: a key (`path`), an unknown access key or action (which a scenario's
   * schema also checks), or a rule Amplify refuses.
   */
  kind: 'path' | 'access-key' | 'action' | 'rule';
  /** The `paths` key the issue is about, as written. */
  path: string;
  /** The access key the issue is about, when it is about one rule. */
  accessKey?: string;
  /** The position of the action at fault in the rule's list, when it is about one action. */
  index?: number;
  /** What is wrong: Amplify's wording where Amplify has the rule. */
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

/** Other keys that are a prefix of `path` with their wildcards removed (Amplify's getPrefixes). */
export function prefixesOf(path: string, all: readonly string[]): string[] {
  return all.filter((p) => path !== p && path.startsWith(p.replaceAll('*', '')));
}

/**
 * The first rule `path` breaks, given all the keys it is validated with. `token` is the owner
 * token as this form writes it (`{entity_id}`, or `${cognito-identity.amazonaws.com:sub}`).
 */
export function pathKeyIssue(path: string, all: readonly string[], token: string): PathIssue | undefined {
  const issue = (message: string, resolution: string): PathIssue => ({ kind: 'path', path, message, resolution });
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
  // The emulator's own rule (Amplify accepts these): a client never reaches keys under them, since
  // URL parsing resolves `.` and `..` segments before the request is signed, and MinIO cannot store
  // such keys; a policy on them would protect nothing the app can touch.
  const dots = path.slice(0, -2).split('/').filter((segment) => segment === '.' || segment === '..');
  if (dots.length > 0) {
    return issue(
      `Path segments "." and ".." are not allowed (the emulator's rule; Amplify accepts them). Found [${path}].`,
      `The client resolves them before it signs a request and MinIO cannot store such keys, so nothing could be tested under this path; write the folder's real name instead of "${dots[0]}".`,
    );
  }
  const prefixes = prefixesOf(path, all);
  if (prefixes.length > 1) {
    return issue(
      `For any given path, only one other path can be a prefix of it. Found [${path}] which has prefixes [${prefixes.join(', ')}].`,
      'Update the storage access paths such that any given path has at most one other path that is a prefix.',
    );
  }
  if (!path.includes(token)) return undefined;
  if (prefixes.length > 0) {
    return issue(
      `A path cannot be a prefix of another path that contains the ${token} token. Found [${path}] which has prefixes [${prefixes.join(', ')}].`,
      token === '{entity_id}' && prefixes[0] === path.replace(`${token}/`, '')
        ? `Move the rules of [${prefixes[0]}] onto [${path}]: there, every rule but the owner's (entityidentity) already applies to all of [${prefixes[0]}].`
        : `Remove [${prefixes.join(', ')}], or move the owner path out from under it.`,
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

/** The first rule each key breaks, in key order; empty when Amplify would accept the keys. */
export function pathKeyIssues(keys: readonly string[], token: string): PathIssue[] {
  return keys.flatMap((key) => pathKeyIssue(key, keys, token) ?? []);
}
