/**
 * IAM policies for the emulator: generate them from `paths` as Amplify Gen2 does, validate them
 * as AWS does, and compile them into MinIO policies that keep AWS's meaning.
 */

import type { BucketConfig, RoleConfig, RolesConfig } from '../config.js';
import {
  combineSameAccount, confineToBucket, crossAccountSessionPolicy, pickStatementsForRole,
} from './bucket-policy.js';
import { compileForMinio, formatDecision, type Decision } from './compile/index.js';
import { MINIO_CANNED_POLICY_MAX_BYTES, MINIO_SESSION_POLICY_MAX_BYTES, POLICY_VERSION } from './constants.js';
import type { IamPolicyDocument, IamStatement } from './types.js';
import { PolicyValidationError, validateIamDocument, type PolicyIssue } from './validate-iam.js';

import { COGNITO_IDENTITY_AUD_KEY } from './constants.js';
export * from './types.js';
export * from './constants.js';
export {
  generateRolePolicies, generateBucketPolicies, type BucketPaths, type BucketRolePolicy, type GenerateInput, type GeneratedRolePolicies,
} from './generate.js';
export {
  parseStoragePaths, readStoragePaths, outputsPaths, expandStorageActions,
  type StoragePathsModel, type OutputsPaths, type PathGrant, type PathAcceptor, type PathsForm, type WrittenPaths, type ParsePathsOptions,
} from './paths.js';
export { InvalidStoragePathsError, type PathIssue } from './validate-paths.js';
export {
  validateIamDocument, assertValidIamDocument, PolicyValidationError, formatIssue, arnProblem,
  type PolicyIssue, type PolicyKind,
} from './validate-iam.js';
export {
  compileForMinio, evaluateStatically, formatDecision, type CompileOptions, type CompileResult, type Decision, type DecisionKind,
  type DroppedItem, type DroppedPart,
} from './compile/index.js';
export {
  statementsForRole, combineSameAccount, crossAccountSessionPolicy, type RoleSessionRef, type RoleBucketStatements,
} from './bucket-policy.js';
export { MINIO_ACTIONS, minioAction, expandActionPattern, type MinioAction, type ActionLevel } from './minio-model.js';

/** What the emulator installs for one role. */
export interface RolePolicyBuild {
  kind: 'guest' | 'authenticated' | 'group';
  /** The group name when kind is 'group'. */
  group?: string;
  roleArn: string;
  /** The MinIO canned policy for the role (its Statement is always a list; it may be empty). */
  minioPolicy: IamPolicyDocument;
  /** Present when a cross-account bucket exists: pass it as the STS `Policy` parameter. */
  sessionPolicy?: IamPolicyDocument;
  /** Every decision made for the role (compiling its documents, picking bucket-policy statements), in order. */
  decisions: Decision[];
  /** The decisions, one line each ({@link formatDecision}). */
  warnings: string[];
}

export interface BuildRolePoliciesInput {
  /** The account that owns the roles (used when a role ARN does not say). */
  accountId: string;
  roles: RolesConfig;
  buckets: BucketConfig[];
  /** See {@link CompileOptions.assumeSecureTransport}. */
  assumeSecureTransport?: boolean;
  /** The identity pool ID: the value of `cognito-identity.amazonaws.com:aud` for every role. */
  identityPoolId?: string;
  /** false: guests get no credentials, so a guest role without policies is not worth a warning. */
  guestAccess?: boolean;
  /**
   * Buckets MinIO serves besides `buckets` (other apps' on a shared stack): a bucket policy's
   * NotResource statements are confined to their bucket by excluding every other known bucket.
   */
  otherBuckets?: readonly string[];
}

/** Stands for "the bucket's owner, which is not the role's account" when only that is known. */
const ANOTHER_ACCOUNT = 'another-account';

const accountOf = (arn: string): string | undefined => /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1];

/**
 * For each role (guest, authenticated, each group): the MinIO policy, and the session policy when
 * a bucket belongs to another account. Role policies and same-account bucket-policy statements
 * for the role are compiled into one MinIO policy; cross-account bucket statements go to the
 * session policy, which MinIO intersects with it.
 * Throws {@link PolicyValidationError} listing every malformed document first.
 */
export function buildRolePolicies(input: BuildRolePoliciesInput): RolePolicyBuild[] {
  const { roles, buckets } = input;
  const entries: Array<{ kind: RolePolicyBuild['kind']; group?: string; label: string; arn: string; policies: IamPolicyDocument[]; sources?: string[] }> = [
    { kind: 'guest', label: 'guest role', ...roleEntry(roles.guest) },
    { kind: 'authenticated', label: 'authenticated role', ...roleEntry(roles.authenticated) },
    ...Object.entries(roles.groups).map(([name, r]) => ({ kind: 'group' as const, group: name, label: `group ${name} role`, ...roleEntry(r) })),
  ];

  const issues: PolicyIssue[] = [];
  // A policy is named by where it came from when that is known, else by its number.
  const policySource = (e: (typeof entries)[number], i: number) => {
    const named = e.sources?.[i];
    if (named) return `${e.label} policy ${named}`;
    return e.policies.length > 1 ? `${e.label} policy ${i + 1}` : `${e.label} policy`;
  };
  const bucketPolicySource = (b: BucketConfig) =>
    `bucket policy of ${b.bucketName}${b.bucketPolicySource && b.bucketPolicySource !== 'inline' ? ` (${b.bucketPolicySource})` : ''}`;
  for (const e of entries) {
    e.policies.forEach((doc, i) => issues.push(...validateIamDocument(doc, { source: policySource(e, i), kind: 'identity' })));
  }
  for (const b of buckets) {
    if (b.bucketPolicy) issues.push(...validateIamDocument(b.bucketPolicy, { source: bucketPolicySource(b), kind: 'resource', bucket: b.bucketName }));
  }
  if (issues.length > 0) throw new PolicyValidationError(issues);

  const sameAccountBuckets = buckets.filter((b) => !b.crossAccount).map((b) => b.bucketName);
  const allBucketNames = [...new Set([...buckets.map((b) => b.bucketName), ...(input.otherBuckets ?? [])])];

  return entries.map((e) => {
    const account = accountOf(e.arn) ?? input.accountId;
    const decisions: Decision[] = [];
    const note = (source: string, message: string) => decisions.push({ source, kind: 'document', message });
    const compileOptions = {
      staticContext: {
        'aws:PrincipalArn': e.arn,
        'aws:PrincipalAccount': account,
        'aws:PrincipalType': 'AssumedRole',
        ...(input.identityPoolId ? { [COGNITO_IDENTITY_AUD_KEY]: input.identityPoolId } : {}),
      },
      ...(input.assumeSecureTransport !== undefined ? { assumeSecureTransport: input.assumeSecureTransport } : {}),
    };
    const compile = (doc: IamPolicyDocument, source: string, statementIndexes?: number[]): IamStatement[] => {
      const result = compileForMinio(doc, { source, ...compileOptions, ...(statementIndexes ? { statementIndexes } : {}) });
      decisions.push(...result.decisions);
      return result.policy.Statement;
    };

    const roleStatements = e.policies.flatMap((doc, i) => compile(doc, policySource(e, i)));
    if (e.policies.length === 0 && !(e.kind === 'guest' && input.guestAccess === false)) {
      note(e.label, 'no policies attached, so it may do nothing');
    }

    const bucketStatements: IamStatement[] = [];
    const crossAccount: Record<string, IamStatement[]> = {};
    for (const b of buckets) {
      const source = bucketPolicySource(b);
      if (!b.bucketPolicy) {
        if (b.crossAccount) {
          crossAccount[b.bucketName] = [];
          note(source, 'none, and the bucket belongs to another account, so AWS refuses this role everything in it');
        }
        continue;
      }
      // Validated above, once for all roles.
      const picked = pickStatementsForRole(b.bucketPolicy, {
        roleArn: e.arn,
        accountId: account,
        bucketAccountId: b.crossAccount ? ANOTHER_ACCOUNT : account,
        bucketName: b.bucketName,
        source,
      });
      decisions.push(...picked.decisions);
      if (b.crossAccount && picked.statements.length === 0) {
        note(source, `no statement applies to ${e.label}, and the bucket belongs to another account, so AWS refuses this role everything in it`);
      }
      const confined = picked.statements.map((st, i) => {
        const { statement, excluded } = confineToBucket(st, b.bucketName, allBucketNames);
        if (excluded.length > 0) {
          decisions.push({
            source, statementIndex: picked.indexes[i]!, ...(typeof st.Sid === 'string' ? { sid: st.Sid } : {}), kind: 'resource',
            message: `NotResource confined to bucket ${b.bucketName}, as AWS applies a bucket policy only to its own bucket: the other buckets (${excluded.join(', ')}) added to it`,
          });
        }
        return statement;
      });
      const compiled = confined.length
        ? compile({ Version: b.bucketPolicy.Version, Statement: confined }, source, picked.indexes)
        : [];
      if (b.crossAccount) crossAccount[b.bucketName] = compiled;
      else bucketStatements.push(...compiled);
    }

    const minioPolicy = combineSameAccount({ Version: POLICY_VERSION, Statement: roleStatements }, bucketStatements);
    const size = JSON.stringify(minioPolicy).length;
    if (size > MINIO_CANNED_POLICY_MAX_BYTES) {
      note(e.label, `the MinIO policy is ${size} bytes; MinIO accepts at most ${MINIO_CANNED_POLICY_MAX_BYTES}`);
    }
    const build: RolePolicyBuild = {
      kind: e.kind, ...(e.group !== undefined ? { group: e.group } : {}), roleArn: e.arn, minioPolicy, decisions, warnings: [],
    };
    if (Object.keys(crossAccount).length > 0) {
      build.sessionPolicy = crossAccountSessionPolicy(crossAccount, sameAccountBuckets);
      const sessionSize = JSON.stringify(build.sessionPolicy).length;
      if (sessionSize > MINIO_SESSION_POLICY_MAX_BYTES) {
        note(e.label, `the session policy is about ${sessionSize} bytes; MinIO refuses session policies over ${MINIO_SESSION_POLICY_MAX_BYTES}`);
      }
    }
    build.warnings = decisions.map(formatDecision);
    return build;
  });
}

function roleEntry(role: RoleConfig): { arn: string; policies: IamPolicyDocument[]; sources?: string[] } {
  return { arn: role.arn, policies: role.policies, ...(role.policySources ? { sources: role.policySources } : {}) };
}

/** MinIO's stand-in for "no statements": it needs a named policy to exist, so this one grants nothing. */
export const GRANTS_NOTHING: IamPolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'RoleHasNoPolicies', Effect: 'Deny', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
};

/** The canned policy to install for a compiled role policy: itself, or {@link GRANTS_NOTHING} when it has no statement. */
export function installableMinioPolicy(policy: IamPolicyDocument): IamPolicyDocument {
  return [policy.Statement].flat().length > 0 ? policy : GRANTS_NOTHING;
}
