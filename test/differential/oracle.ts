/**
 * The independent oracle: @cloud-copilot/iam-simulate (AGPL-3.0, a devDependency used only by
 * tests and the fuzz script; nothing shipped imports it).
 *
 * Adaptations, each because the oracle's simplification differs from AWS's documented behaviour:
 * - The request context is supplied whole through runUnsafeSimulation: runSimulation drops the
 *   `cognito-identity.amazonaws.com:*` keys for S3 actions, which AWS does have for Cognito
 *   role sessions.
 * - Under policy Version 2008-10-17 AWS reads `${...}` literally ("policy variables ... were
 *   introduced in version 2012-10-17"); the oracle substitutes them anyway, so its copy writes
 *   each `${` as `${$}{` (the literal form of 2012-10-17).
 * - A Deny with NotPrincipal exempts a role session only when NotPrincipal lists the session
 *   ARN, the role ARN and the account ("NotPrincipal" in the IAM reference); the oracle exempts
 *   on the role ARN alone. Its copy applies the Deny to everyone ("*") unless all three are listed,
 *   and drops it when they are.
 */
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { IamPolicyDocument, IamStatement, Principal } from '../../emulator/policy/types.js';
import { HARNESS_ACCOUNT, HARNESS_ROLE_ARN, IDENTITY_ME } from '../helpers/minio-policy-harness.js';
import { BUCKET_OWNER_ACCOUNT, MAIN, SESSION_ARN, type DiffCase, type DiffRequest } from './cases.js';

export type Decision = 'allowed' | 'denied';

/** The AWS action a request is authorised with. */
export function awsAction(req: DiffRequest): string {
  switch (req.op) {
    case 'GetObject':
    case 'HeadObject': return req.versioned ? 's3:GetObjectVersion' : 's3:GetObject';
    case 'PutObject': return 's3:PutObject';
    case 'DeleteObject': return 's3:DeleteObject';
    case 'ListObjectsV2': return 's3:ListBucket';
  }
}

/** The request context AWS has for this request from the Cognito role session of {@link IDENTITY_ME}. */
export function requestContext(req: DiffRequest, versionId: string | undefined): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {
    'aws:PrincipalArn': HARNESS_ROLE_ARN,
    'aws:PrincipalAccount': HARNESS_ACCOUNT,
    'aws:PrincipalType': 'AssumedRole',
    'aws:SecureTransport': 'true',
    'cognito-identity.amazonaws.com:sub': IDENTITY_ME,
  };
  if (req.op === 'ListObjectsV2') {
    if (req.prefix !== undefined) ctx['s3:prefix'] = req.prefix;
    if (req.delimiter !== undefined) ctx['s3:delimiter'] = req.delimiter;
    if (req.maxKeys !== undefined) ctx['s3:max-keys'] = String(req.maxKeys);
  }
  if ((req.op === 'GetObject' || req.op === 'HeadObject') && req.versioned && versionId) ctx['s3:versionid'] = versionId;
  return ctx;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function literalVariables<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('${', '${$}{')) as T;
}

/** The document as the oracle must see it to answer as AWS does (see the module comment). */
export function forOracle(doc: IamPolicyDocument): IamPolicyDocument {
  let statements = asList(doc.Statement);
  if (doc.Version !== '2012-10-17') statements = statements.map((s) => literalVariables(s));
  statements = statements.flatMap((s): IamStatement[] => {
    if (s.NotPrincipal === undefined || s.Effect !== 'Deny') return [s];
    const { NotPrincipal, ...rest } = s;
    const ids = NotPrincipal === '*' ? ['*'] : asList((NotPrincipal as Exclude<Principal, '*'>).AWS);
    const exempt = ids.includes('*') || (ids.includes(SESSION_ARN) && ids.includes(HARNESS_ROLE_ARN)
      && (ids.includes(HARNESS_ACCOUNT) || ids.includes(`arn:aws:iam::${HARNESS_ACCOUNT}:root`)));
    return exempt ? [] : [{ ...rest, Principal: '*' }];
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** iam-simulate's answer for one request of a case. */
export function oracleDecision(c: DiffCase, req: DiffRequest, versionId: string | undefined): { decision: Decision; result: string } {
  const resource = req.op === 'ListObjectsV2' ? `arn:aws:s3:::${req.bucket}` : `arn:aws:s3:::${req.bucket}/${req.key}`;
  const onMain = req.bucket === MAIN;
  const resourcePolicy = onMain && c.bucketPolicy ? forOracle(c.bucketPolicy) : undefined;
  const result = runUnsafeSimulation({
    request: {
      principal: SESSION_ARN,
      action: awsAction(req),
      resource: { resource, accountId: onMain && c.crossAccount ? BUCKET_OWNER_ACCOUNT : HARNESS_ACCOUNT },
      contextVariables: requestContext(req, versionId),
    },
    identityPolicies: [{ name: 'role', policy: forOracle(c.rolePolicy) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    // A pre-validated document carries the name the engine reports (runUnsafeSimulation loads it without one).
    ...(resourcePolicy ? { resourcePolicy: { __validated: true, policyDocument: resourcePolicy, metadata: { name: 'bucket policy' }, errors: [] } } : {}),
  }, {});
  return { decision: result === 'Allowed' ? 'allowed' : 'denied', result: String(result) };
}
