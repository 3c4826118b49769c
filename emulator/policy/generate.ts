/**
 * Role policies from `paths`, as Amplify Gen2 generates them (test/parity/ proves it against Amplify's own synthesis).
 *
 * Reproduces amplify-backend packages/backend-storage (commit 014303a, @aws-amplify/backend-storage
 * 1.6.0): storage_access_orchestrator.ts (rules grouped by role in the order they are added,
 * nested-path denies, sub-path removal) and storage_access_policy_factory.ts (statement shapes),
 * reading `paths` through the one model of them (paths.ts). The JSON is what CDK renders for those
 * statements: no Sid, one statement per action and effect, a single action or resource as a
 * string, several as a list in insertion order, keys in CDK's order (Action, Condition, Effect,
 * Resource; Statement before Version). test/parity/ proves it against Amplify's own synthesis.
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

import { POLICY_VERSION, STORAGE_ACTION_TO_S3, bucketArnOf, type InternalStorageAction } from './constants.js';
import { findParentPrefix, isOwnerSubPath, readStoragePaths, type PathAcceptor, type WrittenPaths } from './paths.js';
import type { IamPolicyDocument, IamStatement } from './types.js';

export interface BucketPaths {
  /** The S3 bucket name, or its ARN. */
  bucketName: string;
  /** `paths` in either form (defineStorage or amplify_outputs.json); absent or empty: no rules. */
  paths?: WrittenPaths;
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

type RoleAcceptor = Exclude<PathAcceptor, { kind: 'function' }>;

const acceptorToken = (a: PathAcceptor): string => (a.kind === 'group' ? `group:${a.name}` : a.kind);

type PathSets = { allow: Set<string>; deny: Set<string> };

/** Amplify's removeSubPathsFromSet: `foo/*` already covers `foo/bar/*`. */
function removeSubPaths(paths: Set<string>): void {
  paths.forEach((path) => {
    if (findParentPrefix(path, Array.from(paths))) paths.delete(path);
  });
}

/** `foo/bar/*` → [`foo/bar/*`, `foo/bar/`]: list what is under the prefix, and the prefix itself. */
const toConditionPrefix = (prefix: string): string[] => [prefix, prefix.slice(0, -1)];

/** CDK renders a one-element list as its element. */
const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? values[0]! : values);

/** One statement, its keys in the order CDK writes them. */
function statementFor(bucketArn: string, prefixes: ReadonlySet<string>, action: InternalStorageAction, effect: 'Allow' | 'Deny'): IamStatement {
  const actions = oneOrMany([...STORAGE_ACTION_TO_S3[action]]);
  if (action === 'list') {
    return {
      Action: actions,
      Condition: { StringLike: { 's3:prefix': Array.from(prefixes).flatMap(toConditionPrefix) } },
      Effect: effect,
      Resource: bucketArn,
    };
  }
  return { Action: actions, Effect: effect, Resource: oneOrMany(Array.from(prefixes, (p) => `${bucketArn}/${p}`)) };
}

/** A role's policy for one bucket, as Amplify attaches it. */
export interface BucketRolePolicy {
  acceptor: RoleAcceptor;
  policy: IamPolicyDocument;
}

/**
 * The policies Amplify attaches for one bucket's `paths`: one per role, in the order the roles are
 * first named. Throws {@link InvalidStoragePathsError} when Amplify would refuse the paths.
 */
export function generateBucketPolicies(bucket: string, paths: WrittenPaths, groups: readonly string[]): BucketRolePolicy[] {
  const model = readStoragePaths(paths, { groups });
  const bucketArn = bucketArnOf(bucket);
  const acceptorAccessMap = new Map<string, { acceptor: PathAcceptor; accessMap: Map<InternalStorageAction, PathSets> }>();
  const prefixDenyMap = new Map<string, Array<(denyPath: string) => void>>();

  const setPrefixDenyMapEntry = (path: string, sets: PathSets) => {
    const setDenyByDefault = (denyPath: string) => {
      if (!sets.allow.has(denyPath)) sets.deny.add(denyPath);
    };
    const list = prefixDenyMap.get(path);
    if (list) list.push(setDenyByDefault);
    else prefixDenyMap.set(path, [setDenyByDefault]);
  };

  for (const grant of model.grants) {
    // A key written {}: some function's rule, whose own policy is not emulated; its path still counts.
    if (grant.implicit) {
      if (!prefixDenyMap.has(grant.prefix)) prefixDenyMap.set(grant.prefix, []);
      continue;
    }
    const token = acceptorToken(grant.acceptor);
    let entry = acceptorAccessMap.get(token);
    if (!entry) {
      entry = { acceptor: grant.acceptor, accessMap: new Map() };
      acceptorAccessMap.set(token, entry);
    }
    for (const action of grant.actions) {
      let sets = entry.accessMap.get(action);
      if (!sets) {
        sets = { allow: new Set([grant.prefix]), deny: new Set() };
        entry.accessMap.set(action, sets);
      } else {
        sets.allow.add(grant.prefix);
      }
      setPrefixDenyMapEntry(grant.prefix, sets);
    }
  }

  // Nested paths: every role holding an action on the parent is denied it on the child unless it
  // also allows the child. An owner sub-path `p/${sub}/*` of `p/*` is exempt.
  const allPaths = Array.from(prefixDenyMap.keys());
  for (const path of allPaths) {
    const parent = findParentPrefix(path, allPaths);
    if (!parent || isOwnerSubPath(path, parent)) continue;
    prefixDenyMap.get(parent)?.forEach((denyByDefault) => denyByDefault(path));
  }

  const out: BucketRolePolicy[] = [];
  for (const { acceptor, accessMap } of acceptorAccessMap.values()) {
    if (acceptor.kind === 'function') continue;
    accessMap.forEach(({ allow }) => removeSubPaths(allow));
    const statements: IamStatement[] = [];
    accessMap.forEach(({ allow, deny }, action) => {
      if (allow.size > 0) statements.push(statementFor(bucketArn, allow, action, 'Allow'));
      if (deny.size > 0) statements.push(statementFor(bucketArn, deny, action, 'Deny'));
    });
    // A role with no statement at all is refused by the model already (Amplify's EmptyPolicyFault).
    if (statements.length > 0) out.push({ acceptor, policy: { Statement: statements, Version: POLICY_VERSION } });
  }
  return out;
}

/**
 * The role policies Amplify Gen2 would attach for these buckets' `paths`. Amplify attaches one
 * policy per bucket and role; here several buckets' statements are merged into one document per
 * role, in bucket order (a role's policies are evaluated together, so this changes nothing).
 * Throws {@link InvalidStoragePathsError} when a bucket's paths break Amplify's rules.
 */
export function generateRolePolicies(input: GenerateInput): GeneratedRolePolicies;
/** The same for one `paths` map on one bucket (or the same map on several buckets). */
export function generateRolePolicies(paths: WrittenPaths, bucket: string | readonly string[], groups: readonly string[]): GeneratedRolePolicies;
export function generateRolePolicies(
  first: GenerateInput | WrittenPaths,
  bucket?: string | readonly string[],
  groupsArg?: readonly string[],
): GeneratedRolePolicies {
  const input: GenerateInput = bucket === undefined
    ? (first as GenerateInput)
    : {
        buckets: (typeof bucket === 'string' ? [bucket] : [...bucket]).map((bucketName) => ({ bucketName, paths: first as WrittenPaths })),
        groups: groupsArg ?? [],
      };
  const merged = new Map<string, { acceptor: RoleAcceptor; statements: IamStatement[] }>();
  for (const { bucketName, paths } of input.buckets) {
    if (!paths) continue;
    for (const { acceptor, policy } of generateBucketPolicies(bucketName, paths, input.groups)) {
      const token = acceptorToken(acceptor);
      const statements = [policy.Statement].flat();
      const entry = merged.get(token);
      if (entry) entry.statements.push(...statements);
      else merged.set(token, { acceptor, statements: [...statements] });
    }
  }
  const result: GeneratedRolePolicies = { groups: {} };
  for (const { acceptor, statements } of merged.values()) {
    const doc: IamPolicyDocument = { Statement: statements, Version: POLICY_VERSION };
    if (acceptor.kind === 'group') result.groups[acceptor.name] = doc;
    else result[acceptor.kind] = doc;
  }
  return result;
}
