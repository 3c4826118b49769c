/**
 * Role policies from `paths`, exactly as Amplify Gen2 generates them.
 *
 * Reproduces amplify-backend packages/backend-storage (commit 014303a):
 * storage_access_orchestrator.ts (grouping by role, nested-path denies, sub-path removal),
 * storage_access_policy_factory.ts (statement shapes) and constants.ts. The JSON is what CDK
 * renders for those statements: no Sid, one statement per action and effect, a single action or
 * resource as a string, several as a list in insertion order.
 *
 * Where this differs from the policies the "Use Amplify Storage with any S3 bucket" page asks
 * users to write by hand (the page is what scenarios/docs-examples/policies copy):
 * - the page puts Get/Put/DeleteObject in one statement; Amplify writes one statement per action;
 * - the page's Guest and Authenticated examples also give s3:ListBucket on `<bucket>/*`, which
 *   never matches ListBucket in AWS; Amplify uses only the bucket ARN;
 * - the page lists the s3:prefix values as `p/`, `p/*`; Amplify writes `p/*`, `p/`
 *   (same meaning, different order);
 * - Owners: the page gives the authenticated role no s3:DeleteObject on public/*, although its
 *   own `paths` promise `delete` there; Amplify grants it;
 * - User groups: the page's policies match what Amplify generates for its paths (the admin
 *   group's role gets only what `groupsadmin` lists: a group member holds that role, not the
 *   authenticated one), apart from the statement layout above.
 * - Nested paths: Amplify adds explicit Deny statements (see below); hand-written policies
 *   usually have none, so a parent grant reaches into the child path.
 */

import { COGNITO_IDENTITY_SUB, POLICY_VERSION, STORAGE_ACTION_TO_S3, bucketArnOf, type InternalStorageAction } from './constants.js';
import type { IamPolicyDocument, IamStatement, PathsMap } from './types.js';
import { assertValidPaths, expandStorageActions, normalizePaths } from './validate-paths.js';

export interface BucketPaths {
  /** The S3 bucket name, or its ARN. */
  bucketName: string;
  /** `paths` in either form ({entity_id} or amplify_outputs.json); absent or empty: no rules. */
  paths?: PathsMap;
}

/** One policy document per role that some rule names; roles no rule names are absent. */
export interface GeneratedRolePolicies {
  guest?: IamPolicyDocument;
  authenticated?: IamPolicyDocument;
  groups: Record<string, IamPolicyDocument>;
}

export interface GenerateInput {
  buckets: BucketPaths[];
  /** The user pool's groups; `groups<Name>` keys must name one of them. */
  groups: readonly string[];
}

/** Which role a rule's access key reaches (Amplify's ResourceAccessAcceptor). */
type Acceptor = { kind: 'guest' } | { kind: 'authenticated' } | { kind: 'group'; name: string };

const acceptorToken = (a: Acceptor): string => (a.kind === 'group' ? `group:${a.name}` : a.kind);

function acceptorFor(accessKey: string, groups: readonly string[]): Acceptor {
  if (accessKey === 'guest') return { kind: 'guest' };
  // Owner (entity) rules are accepted by the authenticated role, as in access_builder.ts.
  if (accessKey === 'authenticated' || accessKey.startsWith('entity')) return { kind: 'authenticated' };
  const name = accessKey.slice('groups'.length);
  if (accessKey.startsWith('groups') && groups.includes(name)) return { kind: 'group', name };
  // Unreachable after validation; kept as a guard.
  throw new Error(`unknown access key ${accessKey}`);
}

type PathSets = { allow: Set<string>; deny: Set<string> };

/** Amplify's findParent: the (single, after validation) other path that is a prefix of `path`. */
const findParent = (path: string, paths: readonly string[]): string | undefined =>
  paths.find((p) => path !== p && path.startsWith(p.replaceAll('*', '')));

/** Amplify's removeSubPathsFromSet: `foo/*` already covers `foo/bar/*`. */
function removeSubPaths(paths: Set<string>): void {
  paths.forEach((path) => {
    if (findParent(path, Array.from(paths))) paths.delete(path);
  });
}

/** `foo/bar/*` → [`foo/bar/*`, `foo/bar/`]: list what is under the prefix, and the prefix itself. */
const toConditionPrefix = (prefix: string): string[] => [prefix, prefix.slice(0, -1)];

/** CDK renders a one-element list as its element. */
const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? values[0]! : values);

function statementFor(bucketArn: string, prefixes: ReadonlySet<string>, action: InternalStorageAction, effect: 'Allow' | 'Deny'): IamStatement {
  const actions = oneOrMany([...STORAGE_ACTION_TO_S3[action]]);
  if (action === 'list') {
    return {
      Effect: effect,
      Action: actions,
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': Array.from(prefixes).flatMap(toConditionPrefix) } },
    };
  }
  return { Effect: effect, Action: actions, Resource: oneOrMany(Array.from(prefixes, (p) => `${bucketArn}/${p}`)) };
}

/** The statements each role gets for one bucket, in Amplify's order. */
function statementsForBucket(bucket: string, paths: PathsMap, groups: readonly string[]): Map<string, { acceptor: Acceptor; statements: IamStatement[] }> {
  assertValidPaths(paths, { groups });
  const bucketArn = bucketArnOf(bucket);
  const acceptorAccessMap = new Map<string, { acceptor: Acceptor; accessMap: Map<InternalStorageAction, PathSets> }>();
  const prefixDenyMap = new Map<string, Array<(denyPath: string) => void>>();

  const setPrefixDenyMapEntry = (path: string, sets: PathSets) => {
    const setDenyByDefault = (denyPath: string) => {
      if (!sets.allow.has(denyPath)) sets.deny.add(denyPath);
    };
    const list = prefixDenyMap.get(path);
    if (list) list.push(setDenyByDefault);
    else prefixDenyMap.set(path, [setDenyByDefault]);
  };

  for (const [prefix, rules] of Object.entries(normalizePaths(paths))) {
    for (const [accessKey, actions] of Object.entries(rules)) {
      const acceptor = acceptorFor(accessKey, groups);
      const token = acceptorToken(acceptor);
      let entry = acceptorAccessMap.get(token);
      if (!entry) {
        entry = { acceptor, accessMap: new Map() };
        acceptorAccessMap.set(token, entry);
      }
      for (const action of expandStorageActions(actions)) {
        let sets = entry.accessMap.get(action);
        if (!sets) {
          sets = { allow: new Set([prefix]), deny: new Set() };
          entry.accessMap.set(action, sets);
        } else {
          sets.allow.add(prefix);
        }
        setPrefixDenyMapEntry(prefix, sets);
      }
    }
  }

  // Nested paths: every role holding an action on the parent is denied it on the child unless it
  // also allows the child. An owner sub-path `p/${sub}/*` of `p/*` is exempt.
  const allPaths = Array.from(prefixDenyMap.keys());
  for (const path of allPaths) {
    const parent = findParent(path, allPaths);
    if (!parent || parent === path.replaceAll(`${COGNITO_IDENTITY_SUB}/`, '')) continue;
    prefixDenyMap.get(parent)?.forEach((denyByDefault) => denyByDefault(path));
  }

  const out = new Map<string, { acceptor: Acceptor; statements: IamStatement[] }>();
  for (const [token, { acceptor, accessMap }] of acceptorAccessMap) {
    accessMap.forEach(({ allow }) => removeSubPaths(allow));
    const statements: IamStatement[] = [];
    accessMap.forEach(({ allow, deny }, action) => {
      if (allow.size > 0) statements.push(statementFor(bucketArn, allow, action, 'Allow'));
      if (deny.size > 0) statements.push(statementFor(bucketArn, deny, action, 'Deny'));
    });
    if (statements.length > 0) out.set(token, { acceptor, statements });
  }
  return out;
}

/**
 * The role policies Amplify Gen2 would attach for these buckets' `paths`. Amplify generates one
 * policy per bucket and role; several buckets' statements are merged here into one document per
 * role, in bucket order (a role's policies are evaluated together, so this changes nothing).
 * Throws {@link InvalidStoragePathsError} when a bucket's paths break Amplify's rules.
 */
export function generateRolePolicies(input: GenerateInput): GeneratedRolePolicies;
/** The same for one `paths` map on one bucket (or the same map on several buckets). */
export function generateRolePolicies(paths: PathsMap, bucket: string | readonly string[], groups: readonly string[]): GeneratedRolePolicies;
export function generateRolePolicies(
  first: GenerateInput | PathsMap,
  bucket?: string | readonly string[],
  groupsArg?: readonly string[],
): GeneratedRolePolicies {
  const input: GenerateInput = bucket === undefined
    ? (first as GenerateInput)
    : {
        buckets: (typeof bucket === 'string' ? [bucket] : [...bucket]).map((bucketName) => ({ bucketName, paths: first as PathsMap })),
        groups: groupsArg ?? [],
      };
  const merged = new Map<string, { acceptor: Acceptor; statements: IamStatement[] }>();
  for (const { bucketName, paths } of input.buckets) {
    if (!paths) continue;
    for (const [token, { acceptor, statements }] of statementsForBucket(bucketName, paths, input.groups)) {
      const entry = merged.get(token);
      if (entry) entry.statements.push(...statements);
      else merged.set(token, { acceptor, statements: [...statements] });
    }
  }
  const result: GeneratedRolePolicies = { groups: {} };
  for (const { acceptor, statements } of merged.values()) {
    const doc: IamPolicyDocument = { Version: POLICY_VERSION, Statement: statements };
    if (acceptor.kind === 'group') result.groups[acceptor.name] = doc;
    else result[acceptor.kind] = doc;
  }
  return result;
}
