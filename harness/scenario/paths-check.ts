/**
 * `paths` maps: the validation seam and the normalisation into {@link PathsMap}.
 *
 * Validation defaults to Amplify Gen2's path rules as the policy module implements them
 * (emulator/policy/validate-paths.ts); another rule set can be passed in through
 * `LoadOptions.validatePaths`.
 */
import { validatePaths } from '../../emulator/policy/validate-paths.js';
import type { PathsMap, StorageAction } from '../../emulator/policy/types.js';

/** The owner token as amplify_outputs.json writes it. */
export const OWNER_POLICY_TOKEN = '${cognito-identity.amazonaws.com:sub}';
/** The owner token as defineStorage writes it. */
export const OWNER_ENTITY_TOKEN = '{entity_id}';

export interface PathsProblem {
  /** The `paths` key at fault, as written. */
  path: string;
  /** The access key at fault, when the problem is about one rule. */
  accessKey?: string;
  /** What is wrong; how to fix it. */
  message: string;
}

/**
 * Checks a `paths` map as written in the scenario or outputs file (owner token `{entity_id}` or
 * `${cognito-identity.amazonaws.com:sub}`). Access keys, actions and group names have been checked
 * already (schema and loader); a validator reports what is left: the keys, and rules that clash.
 */
export type PathsValidator = (paths: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>) => PathsProblem[];

const ACCESS_KEY = /^(guest|authenticated|entityidentity|groups.+)$/;
const ACTIONS: ReadonlySet<string> = new Set(['read', 'get', 'list', 'write', 'delete']);

/**
 * Default validator: Amplify Gen2's path rules as the policy module implements them (both
 * spellings of the owner token; an owner path may sit under its own parent; a rule that the
 * `{entity_id}` substitution would define twice is reported). Rules the schema already rejected
 * are left out, so each mistake is reported once.
 */
export const amplifyPathRules: PathsValidator = (paths) => {
  const valid: PathsMap = {};
  for (const [key, rules] of Object.entries(paths)) {
    const kept: Record<string, StorageAction[]> = {};
    for (const [accessKey, actions] of Object.entries(rules)) {
      const known = actions.filter((a): a is StorageAction => ACTIONS.has(a));
      if (ACCESS_KEY.test(accessKey) && known.length > 0) kept[accessKey] = known;
    }
    valid[key] = kept;
  }
  return validatePaths(valid).map((issue) => ({
    path: issue.path,
    message: `${issue.message.replace(/\.$/, '')}; ${lowerFirst(issue.resolution)}`,
  }));
};

/**
 * The owner token in the form amplify_outputs.json uses, with Amplify's own substitution for the
 * defineStorage form: in a `{entity_id}` key, the entity rule gets `${cognito-identity.amazonaws.com:sub}`
 * and every other rule gets `*` (a trailing `/*` + `/*` collapsing to `/*`), so
 * `"p/{entity_id}/*": { authenticated: [read], entityidentity: [write] }` becomes
 * `"p/*": { authenticated: [read] }, "p/${…:sub}/*": { entityidentity: [write] }`.
 * Keys without `{entity_id}` and the actions (`read` included) are kept as written.
 */
export function normalisePaths(paths: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>): PathsMap {
  const out: PathsMap = {};
  const add = (key: string, accessKey: string, actions: readonly string[]): void => {
    const rule = (out[key] ??= {});
    const merged = [...(rule[accessKey] ?? []), ...actions] as StorageAction[];
    rule[accessKey] = [...new Set(merged)];
  };
  for (const [key, rules] of Object.entries(paths)) {
    for (const [accessKey, actions] of Object.entries(rules)) {
      if (!key.includes(OWNER_ENTITY_TOKEN)) {
        add(key, accessKey, actions);
        continue;
      }
      let target = key.split(OWNER_ENTITY_TOKEN).join(accessKey.startsWith('entity') ? OWNER_POLICY_TOKEN : '*');
      if (target.endsWith('/*/*')) target = target.slice(0, -2);
      add(target, accessKey, actions);
    }
  }
  return out;
}

/** Both spellings of the owner token as `${cognito-identity.amazonaws.com:sub}` (to spot one path written both ways). */
export function ownerTokenKey(key: string): string {
  return key.split(OWNER_ENTITY_TOKEN).join(OWNER_POLICY_TOKEN);
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
