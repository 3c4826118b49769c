/**
 * Bucket policies, turned into something MinIO enforces for signed requests.
 *
 * MinIO consults bucket policies only for anonymous requests and does not interpret Principal
 * ARNs, so a bucket policy written for an IAM role has no effect there. Instead, for each role,
 * the statements whose Principal covers that role's sessions are picked out and enforced through
 * the role's own MinIO policy (same account) or through a session policy (cross account).
 *
 * AWS's evaluation for a role session calling S3 (no SCPs, no permission boundary; Cognito's
 * session policy allows all of S3, so it restricts nothing here):
 * - same account: allowed ⇔ (identity policy allows OR bucket policy allows this principal)
 *   AND no Deny in either. A bucket-policy Allow to the account root only delegates to IAM and
 *   grants nothing by itself; a Deny to the account root applies to every principal in it.
 * - cross account: allowed ⇔ identity policy allows AND bucket policy allows this principal
 *   (an Allow to the role's account root counts: the owner trusts that account's IAM), AND no
 *   Deny in either.
 */

import { COGNITO_SESSION_NAME, POLICY_VERSION, S3_ARN_PREFIX } from './constants.js';
import type { Decision } from './compile/index.js';
import type { IamPolicyDocument, IamStatement, Principal } from './types.js';
import { PolicyValidationError, validateIamDocument } from './validate-iam.js';

export interface RoleSessionRef {
  /** arn:aws:iam::<account>:role/<path/><name> */
  roleArn: string;
  /** The account that owns the role. */
  accountId: string;
  /** The account that owns the bucket. */
  bucketAccountId: string;
  /** The bucket the policy is attached to: every Resource must lie in it, as AWS requires. */
  bucketName: string;
  /** Default: CognitoIdentityCredentials, the session name identity pools use. */
  sessionName?: string;
  /** Names the bucket policy in messages. Default: `bucket policy of <bucket>`. */
  source?: string;
}

export interface RoleBucketStatements {
  /** The statements that apply to the role's sessions, without Principal / NotPrincipal. */
  statements: IamStatement[];
  /** Their positions in the bucket policy, for messages. */
  indexes: number[];
  /** What was decided about statements that name this role in some way. */
  decisions: Decision[];
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function principalIds(p: Principal): { everyone: boolean; ids: string[] } {
  if (p === '*') return { everyone: true, ids: [] };
  const ids = asList(p.AWS);
  return { everyone: ids.includes('*'), ids };
}

/**
 * The statements of a bucket policy that apply to sessions of one role, Principal removed.
 * A statement applies when its Principal is "*", {"AWS": "*"}, the role ARN, the role's Cognito
 * session ARN (arn:aws:sts::<account>:assumed-role/<name>/CognitoIdentityCredentials), or the
 * role's account (see the module comment for when that counts). A principal ARN with a wildcard
 * (`assumed-role/<name>/*`) is refused by validation, as AWS refuses it when the policy is saved.
 * Throws {@link PolicyValidationError} when the document is malformed or names resources outside
 * its bucket (AWS refuses such a bucket policy).
 */
export function statementsForRole(bucketPolicy: IamPolicyDocument, ref: RoleSessionRef): RoleBucketStatements {
  const source = ref.source ?? `bucket policy of ${ref.bucketName}`;
  const issues = validateIamDocument(bucketPolicy, { source, kind: 'resource', bucket: ref.bucketName });
  if (issues.length > 0) throw new PolicyValidationError(issues);
  return pickStatementsForRole(bucketPolicy, ref);
}

/** {@link statementsForRole} for a bucket policy already validated (with its bucket). */
export function pickStatementsForRole(bucketPolicy: IamPolicyDocument, ref: RoleSessionRef): RoleBucketStatements {
  const source = ref.source ?? `bucket policy of ${ref.bucketName}`;

  const roleName = ref.roleArn.slice(ref.roleArn.lastIndexOf('/') + 1);
  const sessionArn = `arn:aws:sts::${ref.accountId}:assumed-role/${roleName}/${ref.sessionName ?? COGNITO_SESSION_NAME}`;
  const isAccount = (id: string) => id === ref.accountId || id === `arn:aws:iam::${ref.accountId}:root`;
  const crossAccount = ref.accountId !== ref.bucketAccountId;

  const out: RoleBucketStatements = { statements: [], indexes: [], decisions: [] };
  asList(bucketPolicy.Statement).forEach((st, index) => {
    const warn = (message: string) => out.decisions.push({
      source, statementIndex: index, ...(typeof st.Sid === 'string' ? { sid: st.Sid } : {}), kind: 'principal', message,
    });
    let applies = false;
    if (st.Principal !== undefined) {
      const { everyone, ids } = principalIds(st.Principal);
      if (everyone || ids.includes(ref.roleArn) || ids.includes(sessionArn)) {
        applies = true;
      } else if (ids.some(isAccount)) {
        if (st.Effect === 'Deny' || crossAccount) applies = true;
        else warn(`an Allow to account ${ref.accountId} delegates to IAM in the same account: the role's own policy decides, so it grants nothing by itself`);
      }
    } else if (st.NotPrincipal !== undefined) {
      const { everyone, ids } = principalIds(st.NotPrincipal);
      if (st.Effect === 'Allow') {
        // Fail closed: if the exclusion names this role in any form, it does not apply.
        const namesUs = everyone || ids.some((id) => id === ref.roleArn || id === sessionArn || isAccount(id));
        applies = !namesUs;
        warn(namesUs ? 'Allow with NotPrincipal names this role; not applied' : 'Allow with NotPrincipal covers this role (everyone not listed)');
      } else {
        // AWS excludes a role session from a Deny only when NotPrincipal lists the session ARN,
        // the role ARN and the account (see "NotPrincipal" in the IAM reference). Anything less: applies.
        const excluded = everyone || (ids.includes(sessionArn) && ids.includes(ref.roleArn) && ids.some(isAccount));
        applies = !excluded;
        if (applies) warn(`Deny with NotPrincipal applies to this role: to exempt it, NotPrincipal must list ${sessionArn}, ${ref.roleArn} and the account`);
      }
    }
    if (!applies) return;
    const { Principal: _p, NotPrincipal: _np, ...rest } = st;
    out.statements.push(rest);
    out.indexes.push(index);
  });
  return out;
}

/**
 * AWS applies a bucket policy only to requests on its own bucket. A Resource always lies in the
 * bucket (validation refuses anything else), but a NotResource covers everything it does not
 * list, other buckets included. MinIO refuses Resource and NotResource in one statement, so the
 * other buckets MinIO serves are added to the NotResource list: exact for every bucket the stack
 * knows when compiling.
 */
export function confineToBucket(
  statement: IamStatement,
  bucketName: string,
  allBucketNames: readonly string[],
): { statement: IamStatement; excluded: string[] } {
  if (statement.NotResource === undefined) return { statement, excluded: [] };
  const others = allBucketNames.filter((b) => b !== bucketName);
  if (others.length === 0) return { statement, excluded: [] };
  const notResource = [...asList(statement.NotResource), ...others.flatMap((b) => [`${S3_ARN_PREFIX}${b}`, `${S3_ARN_PREFIX}${b}/*`])];
  return { statement: { ...statement, NotResource: notResource }, excluded: others };
}

/**
 * Same account: the role's policy and the bucket statements for the role, as one document.
 * MinIO evaluates one document as "any Deny refuses, else any Allow grants", which is AWS's
 * same-account rule for an identity policy plus a resource policy (see the module comment).
 */
export function combineSameAccount(rolePolicy: IamPolicyDocument, bucketStatements: readonly IamStatement[]): IamPolicyDocument {
  return { Version: POLICY_VERSION, Statement: [...asList(rolePolicy.Statement), ...bucketStatements] };
}

/**
 * Cross account: a session policy for the role's credentials. MinIO allows a request only when
 * both the role's policy and the session policy allow it and neither denies it. The session
 * policy holds the cross-account buckets' statements for the role, so for those buckets the
 * result is AWS's "both must allow"; and it allows everything on every other bucket (and
 * ListAllMyBuckets, an account-level action), so elsewhere the role's policy alone decides.
 * The statements must already be compiled for MinIO.
 */
export function crossAccountSessionPolicy(
  bucketStatementsByBucket: Readonly<Record<string, readonly IamStatement[]>>,
  otherBucketNames: readonly string[],
): IamPolicyDocument {
  const statements: IamStatement[] = Object.values(bucketStatementsByBucket).flatMap((s) => [...s]);
  if (otherBucketNames.length > 0) {
    statements.push({
      Sid: 'OtherBucketsFollowTheRolePolicy',
      Effect: 'Allow',
      Action: ['s3:*'],
      Resource: otherBucketNames.flatMap((b) => [`${S3_ARN_PREFIX}${b}`, `${S3_ARN_PREFIX}${b}/*`]),
    });
  }
  statements.push({ Sid: 'ListAllMyBucketsFollowsTheRolePolicy', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] });
  return { Version: POLICY_VERSION, Statement: statements };
}
