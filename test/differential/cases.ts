/**
 * A seeded generator of realistic (role policy, bucket policy, requests) cases for the
 * differential test against an independent IAM evaluator. Each case is one role policy of 1–4
 * statements, maybe a bucket policy on {@link MAIN} (same or another account), and a batch of S3
 * requests made by the identity {@link IDENTITY_ME}. The same seed gives the same cases.
 */
import type { IamPolicyDocument, IamStatement } from '../../emulator/policy/types.js';
import { HARNESS_ACCOUNT, HARNESS_ROLE_ARN, IDENTITY_ME, IDENTITY_OTHER } from '../helpers/minio-policy-harness.js';

/** The bucket a bucket policy may be attached to. */
export const MAIN = 'ase-fz-main';
/** Another bucket of the role's account, without a bucket policy. */
export const OTHER_BUCKET = 'ase-fz-other';
export const BUCKETS = [MAIN, OTHER_BUCKET] as const;
/** The account owning {@link MAIN} in cross-account cases. */
export const BUCKET_OWNER_ACCOUNT = '444455556666';
export const ANOTHER_ACCOUNT_ROLE = 'arn:aws:iam::999988887777:role/someone-else';
export const SESSION_ARN = `arn:aws:sts::${HARNESS_ACCOUNT}:assumed-role/${HARNESS_ROLE_ARN.split('/').pop()}/CognitoIdentityCredentials`;
const SUB = '${cognito-identity.amazonaws.com:sub}';

/** Objects present in both buckets before the requests (versioning on: each has a version ID). */
export const EXISTING_KEYS = ['public/a.txt', 'public/deep/b.txt', 'private/p.txt', 'pub1ic/q.txt', `${IDENTITY_ME}/x.txt`, `${IDENTITY_OTHER}/x.txt`, 'top.txt'];
const PREFIXES = ['public/', 'private/', `${IDENTITY_ME}/`, `${IDENTITY_OTHER}/`, 'pub1ic/', ''];

export type DiffRequest =
  | { op: 'GetObject' | 'HeadObject'; bucket: string; key: string; versioned: boolean }
  | { op: 'PutObject' | 'DeleteObject'; bucket: string; key: string }
  | { op: 'ListObjectsV2'; bucket: string; prefix?: string; delimiter?: string; maxKeys?: number };

export interface DiffCase {
  /** `<seed>#<n>`: enough to regenerate the case. */
  id: string;
  rolePolicy: IamPolicyDocument;
  /** Attached to {@link MAIN}. */
  bucketPolicy?: IamPolicyDocument;
  /** {@link MAIN} belongs to {@link BUCKET_OWNER_ACCOUNT}. */
  crossAccount: boolean;
  requests: DiffRequest[];
}

/** mulberry32 over a string seed. */
export function rng(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353), h = (h << 13) | (h >>> 19);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const some = <T>(r: Rand, xs: readonly T[], max = 3): T[] => {
  const n = 1 + Math.floor(r() * max);
  return [...new Set(Array.from({ length: n }, () => pick(r, xs)))];
};
const chance = (r: Rand, p: number) => r() < p;
const one = <T>(xs: T[]): T | T[] => (xs.length === 1 ? xs[0]! : xs);

const arn = (bucket: string, key?: string) => `arn:aws:s3:::${bucket}${key === undefined ? '' : `/${key}`}`;

const ACTIONS = [
  's3:GetObject', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 's3:ListBucket', 's3:GetObjectVersion',
  's3:*', 's3:Get*', 's3:*Object', 's3:List*', 's3:Put*', '*', 's3:getobject',
  // Actions MinIO does not know.
  's3:PutObjectAcl', 's3:GetObjectAcl', 's3:GetObjectTorrent',
];

/** Resources a role policy may name. */
function roleResource(r: Rand): string {
  return pick(r, [
    arn(MAIN), arn(MAIN, '*'), arn(MAIN, 'public/*'), arn(MAIN, 'private/*'), arn(MAIN, `${SUB}/*`), arn(MAIN, 'public/a.txt'),
    arn(MAIN, 'pub?ic/*'), arn(MAIN, 'p*'), arn(MAIN, `${IDENTITY_OTHER}/*`), arn(OTHER_BUCKET), arn(OTHER_BUCKET, '*'),
    arn(OTHER_BUCKET, 'public/*'), `arn:aws:s3:*:*:${MAIN}/public/*`, `arn:aws:s3:*:*:${MAIN}`, arn('ase-fz-*'), arn('ase-fz-*', '*'),
    '*', arn('*'), arn('someone-elses-bucket', '*'),
  ]);
}

/** Resources a bucket policy on MAIN may name (AWS refuses others). */
function bucketResource(r: Rand): string {
  return pick(r, [arn(MAIN), arn(MAIN, '*'), arn(MAIN, 'public/*'), arn(MAIN, 'private/*'), arn(MAIN, `${SUB}/*`), arn(MAIN, 'public/a.txt'), arn(MAIN, 'pub?ic/*')]);
}

function condition(r: Rand): IamStatement['Condition'] | undefined {
  if (!chance(r, 0.45)) return undefined;
  const clauses: Array<[string, string, string | string[]]> = [
    ['StringLike', 's3:prefix', ['public/*', 'public/']],
    ['StringLike', 's3:prefix', `${SUB}/*`],
    ['StringEquals', 's3:prefix', 'public/'],
    ['StringEquals', 's3:prefix', ''],
    ['StringNotLike', 's3:prefix', 'private/*'],
    ['StringNotEquals', 's3:prefix', 'public/'],
    ['StringLikeIfExists', 's3:prefix', 'public/*'],
    ['StringNotLikeIfExists', 's3:prefix', 'private/*'],
    ['ForAnyValue:StringLike', 's3:prefix', 'public/*'],
    ['ForAllValues:StringNotLike', 's3:prefix', 'private/*'],
    ['ForAnyValue:StringNotEquals', 's3:prefix', 'public/'],
    ['ForAllValues:StringLike', 's3:prefix', ['public/*', '']],
    ['Null', 's3:prefix', 'true'],
    ['Null', 's3:prefix', 'false'],
    ['NumericLessThanEquals', 's3:max-keys', '100'],
    ['NumericNotEquals', 's3:max-keys', '500'],
    ['NumericGreaterThan', 's3:max-keys', '10'],
    ['NumericGreaterThanIfExists', 's3:max-keys', '10'],
    ['NumericLessThanIfExists', 's3:max-keys', '50'],
    ['NumericEquals', 's3:max-keys', ['5', '500']],
    ['Null', 's3:max-keys', 'false'],
    ['StringEquals', 's3:delimiter', '/'],
    ['StringNotEquals', 's3:delimiter', '/'],
    ['StringEqualsIfExists', 's3:delimiter', '/'],
    ['Null', 's3:delimiter', 'true'],
  ];
  const out: NonNullable<IamStatement['Condition']> = {};
  for (const [op, key, value] of some(r, clauses, 2)) {
    if (out[op]?.[key] !== undefined) continue;
    (out[op] ??= {})[key] = value;
  }
  return out;
}

function statement(r: Rand, resource: (r: Rand) => string): IamStatement {
  const st: IamStatement = { Effect: chance(r, 0.7) ? 'Allow' : 'Deny' };
  if (chance(r, 0.15)) st.NotAction = one(some(r, ACTIONS, 2));
  else st.Action = one(some(r, ACTIONS, 3));
  if (chance(r, 0.15)) st.NotResource = one(some(r, [resource(r), resource(r)], 2));
  else st.Resource = one(some(r, [resource(r), resource(r), resource(r)], 3));
  const c = condition(r);
  if (c) st.Condition = c;
  return st;
}

function bucketPolicy(r: Rand, crossAccount: boolean): IamPolicyDocument {
  const principals: Array<IamStatement['Principal']> = [
    { AWS: HARNESS_ROLE_ARN }, { AWS: HARNESS_ROLE_ARN }, '*', { AWS: '*' }, { AWS: ANOTHER_ACCOUNT_ROLE }, { AWS: SESSION_ARN },
    { AWS: `arn:aws:iam::${HARNESS_ACCOUNT}:root` }, { AWS: HARNESS_ACCOUNT },
  ];
  const statements = Array.from({ length: 1 + Math.floor(r() * 2) }, () => {
    const st = statement(r, bucketResource);
    if (st.Effect === 'Deny' && chance(r, 0.2)) {
      st.NotPrincipal = { AWS: some(r, [HARNESS_ROLE_ARN, SESSION_ARN, `arn:aws:iam::${HARNESS_ACCOUNT}:root`, ANOTHER_ACCOUNT_ROLE], 4) };
    } else {
      st.Principal = pick(r, principals);
    }
    return st;
  });
  void crossAccount;
  return { Version: '2012-10-17', Statement: statements };
}

function request(r: Rand, n: number): DiffRequest {
  const bucket = chance(r, 0.8) ? MAIN : OTHER_BUCKET;
  const kind = pick(r, ['get', 'get', 'head', 'getv', 'put', 'delete', 'list', 'list', 'list']);
  switch (kind) {
    case 'get': return { op: 'GetObject', bucket, key: pick(r, EXISTING_KEYS), versioned: false };
    case 'head': return { op: 'HeadObject', bucket, key: pick(r, EXISTING_KEYS), versioned: chance(r, 0.3) };
    case 'getv': return { op: 'GetObject', bucket, key: pick(r, EXISTING_KEYS), versioned: true };
    case 'put': return { op: 'PutObject', bucket, key: `${pick(r, PREFIXES)}new-${n}.txt` };
    case 'delete': return { op: 'DeleteObject', bucket, key: `${pick(r, PREFIXES)}gone-${n}.txt` };
    default: {
      const req: DiffRequest = { op: 'ListObjectsV2', bucket };
      if (chance(r, 0.75)) req.prefix = pick(r, PREFIXES);
      if (chance(r, 0.35)) req.delimiter = '/';
      if (chance(r, 0.35)) req.maxKeys = pick(r, [5, 50, 100, 500]);
      return req;
    }
  }
}

/** Case `index` of the sequence for `seed`. */
export function generateCase(seed: string, index: number, requestsPerCase = 10): DiffCase {
  const r = rng(`${seed}#${index}`);
  const version = chance(r, 0.06) ? '2008-10-17' : '2012-10-17';
  const rolePolicy: IamPolicyDocument = { Version: version, Statement: Array.from({ length: 1 + Math.floor(r() * 4) }, () => statement(r, roleResource)) };
  const crossAccount = chance(r, 0.25);
  const withBucketPolicy = crossAccount ? chance(r, 0.85) : chance(r, 0.45);
  return {
    id: `${seed}#${index}`,
    rolePolicy,
    ...(withBucketPolicy ? { bucketPolicy: bucketPolicy(r, crossAccount) } : {}),
    crossAccount,
    requests: Array.from({ length: requestsPerCase }, (_, i) => request(r, index * 100 + i)),
  };
}
