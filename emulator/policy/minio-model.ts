/**
 * What MinIO's policy engine knows, as data.
 *
 * Read from github.com/minio/pkg/v3 at v3.1.3 (the version minio/minio 7aac2a2c pins):
 * `policy/action.go` (supportedActions, supportedObjectActions, createActionConditionKeyMap),
 * `policy/condition/keyname.go` (CommonKeys, AllSupportedKeys, JWTKeys) and
 * `policy/condition/name.go` (operators). Names only; no code is taken from there.
 *
 * How MinIO uses this (and why the compiler cares):
 * - A statement with an action outside this list makes the whole policy fail to load.
 * - For every action of a statement, every condition key must be a common key or one of the
 *   action's own keys, else the whole policy fails to load.
 * - Bucket-level actions are matched against the resource `<bucket>/`, object-level ones against
 *   `<bucket>/<key>`, ListAllMyBuckets against `/`.
 */

import { globMatch } from './glob.js';

export type ActionLevel = 'bucket' | 'object' | 'service';

export interface MinioAction {
  /** Exactly as MinIO spells it (MinIO compares case-sensitively; AWS does not). */
  name: string;
  level: ActionLevel;
  /** Condition keys MinIO accepts for this action besides {@link MINIO_COMMON_KEYS}. */
  keys: readonly string[];
  /** false: a MinIO extension with no AWS action of that name, so no AWS policy can grant it. */
  aws: boolean;
}

const SSE = [
  's3:x-amz-server-side-encryption',
  's3:x-amz-server-side-encryption-customer-algorithm',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
] as const;
const VID = 's3:versionid';
const EOT = 's3:ExistingObjectTag';
const ROT = ['s3:RequestObjectTagKeys', 's3:RequestObjectTag'] as const;
const LIST = ['s3:prefix', 's3:delimiter', 's3:max-keys'] as const;

const b = (name: string, keys: readonly string[] = [], aws = true): MinioAction => ({ name, level: 'bucket', keys, aws });
const o = (name: string, keys: readonly string[] = [], aws = true): MinioAction => ({ name, level: 'object', keys, aws });

/** Every action MinIO accepts (except `s3:*`), in a fixed order used for output. */
export const MINIO_ACTIONS: readonly MinioAction[] = [
  // Object level (supportedObjectActions).
  o('s3:GetObject', [...SSE, VID, EOT]),
  o('s3:PutObject', [
    's3:x-amz-copy-source', ...SSE, 's3:x-amz-metadata-directive', 's3:x-amz-storage-class', VID,
    's3:object-lock-retain-until-date', 's3:object-lock-mode', 's3:object-lock-legal-hold', ...ROT,
  ]),
  o('s3:DeleteObject', [VID]),
  o('s3:AbortMultipartUpload'),
  o('s3:ListMultipartUploadParts'),
  o('s3:GetObjectAttributes', [EOT]),
  o('s3:GetObjectVersion', [VID, EOT]),
  o('s3:GetObjectVersionAttributes', [VID, EOT]),
  o('s3:DeleteObjectVersion', [VID]),
  o('s3:GetObjectTagging', [VID, EOT]),
  o('s3:PutObjectTagging', [VID, EOT, ...ROT]),
  o('s3:DeleteObjectTagging', [VID, EOT]),
  o('s3:GetObjectVersionTagging', [VID, EOT]),
  o('s3:PutObjectVersionTagging', [VID, EOT, ...ROT]),
  o('s3:DeleteObjectVersionTagging', [VID, EOT]),
  o('s3:GetObjectRetention', [...SSE, VID]),
  o('s3:PutObjectRetention', [
    ...SSE, 's3:object-lock-remaining-retention-days', 's3:object-lock-retain-until-date', 's3:object-lock-mode', VID,
  ]),
  o('s3:GetObjectLegalHold'),
  o('s3:PutObjectLegalHold', [...SSE, 's3:object-lock-legal-hold', VID]),
  o('s3:BypassGovernanceRetention', [
    VID, 's3:object-lock-remaining-retention-days', 's3:object-lock-retain-until-date', 's3:object-lock-mode',
    's3:object-lock-legal-hold', ...ROT,
  ]),
  o('s3:RestoreObject'),
  o('s3:ReplicateObject', [VID, EOT]),
  o('s3:ReplicateDelete', [VID, EOT]),
  o('s3:ReplicateTags', [VID, EOT]),
  o('s3:GetObjectVersionForReplication', [VID, EOT]),
  o('s3:ResetBucketReplicationState', [], false),
  o('s3:PutObjectFanOut', [], false),
  // Bucket level.
  b('s3:ListBucket', LIST),
  b('s3:ListBucketVersions', LIST),
  b('s3:ListBucketMultipartUploads'),
  b('s3:GetBucketLocation'),
  b('s3:CreateBucket'),
  b('s3:DeleteBucket'),
  b('s3:GetBucketPolicy'),
  b('s3:PutBucketPolicy'),
  b('s3:DeleteBucketPolicy'),
  b('s3:GetBucketPolicyStatus'),
  b('s3:GetBucketNotification'),
  b('s3:PutBucketNotification'),
  b('s3:GetBucketCors'),
  b('s3:PutBucketCors'),
  b('s3:GetLifecycleConfiguration'),
  b('s3:PutLifecycleConfiguration'),
  b('s3:GetBucketObjectLockConfiguration'),
  b('s3:PutBucketObjectLockConfiguration'),
  b('s3:GetBucketTagging'),
  b('s3:PutBucketTagging', ROT),
  b('s3:GetEncryptionConfiguration'),
  b('s3:PutEncryptionConfiguration'),
  b('s3:GetBucketVersioning'),
  b('s3:PutBucketVersioning'),
  b('s3:GetReplicationConfiguration'),
  b('s3:PutReplicationConfiguration'),
  b('s3:ForceDeleteBucket', [], false),
  b('s3:DeleteBucketCors', [], false),
  b('s3:HeadBucket', [], false),
  b('s3:ListenNotification', [], false),
  b('s3:ListenBucketNotification', [], false),
  // Account level: matched against the resource "/".
  { name: 's3:ListAllMyBuckets', level: 'service', keys: [], aws: true },
];

const BY_LOWER = new Map(MINIO_ACTIONS.map((a) => [a.name.toLowerCase(), a]));

/** The MinIO action for an AWS action name (AWS action names are case-insensitive). */
export function minioAction(name: string): MinioAction | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

/**
 * MinIO actions that AWS authorises under another action's name: MinIO checks
 * `s3:DeleteBucketCors` where AWS checks `s3:PutBucketCORS` (API_DeleteBucketCors).
 */
const AUTHORISED_AS: Record<string, string> = { 's3:DeleteBucketCors': 's3:PutBucketCors' };

/**
 * Actions an AWS pattern (`s3:Get*`, `*`, `S3:getobject`) covers among those MinIO and AWS both
 * know, plus the MinIO actions AWS authorises under one of them.
 */
export function expandActionPattern(pattern: string): MinioAction[] {
  const matched = MINIO_ACTIONS.filter((a) => a.aws && globMatch(pattern, a.name, { ignoreCase: true }));
  const alsoChecked = MINIO_ACTIONS.filter((a) => AUTHORISED_AS[a.name] !== undefined && matched.some((m) => m.name === AUTHORISED_AS[a.name]));
  return [...matched, ...alsoChecked];
}

/** Keys MinIO accepts for every action (condition.CommonKeys). */
export const MINIO_JWT_KEYS: readonly string[] = [
  'jwt:sub', 'jwt:iss', 'jwt:aud', 'jwt:jti', 'jwt:name', 'jwt:upn', 'jwt:groups', 'jwt:given_name',
  'jwt:family_name', 'jwt:middle_name', 'jwt:nickname', 'jwt:preferred_username', 'jwt:profile',
  'jwt:picture', 'jwt:website', 'jwt:email', 'jwt:gender', 'jwt:birthdate', 'jwt:phone_number',
  'jwt:address', 'jwt:scope', 'jwt:client_id',
];

export const MINIO_COMMON_KEYS: readonly string[] = [
  's3:signatureversion', 's3:authType', 's3:signatureAge', 's3:x-amz-content-sha256', 's3:LocationConstraint',
  'aws:Referer', 'aws:SourceIp', 'aws:UserAgent', 'aws:SecureTransport', 'aws:CurrentTime', 'aws:EpochTime',
  'aws:principaltype', 'aws:userid', 'aws:username', 'aws:groups', 'ldap:user', 'ldap:username', 'ldap:groups',
  ...MINIO_JWT_KEYS,
];

/** condition.AllSupportedKeys: any other key name makes MinIO reject the policy. */
export const MINIO_ALL_KEYS: readonly string[] = [
  ...MINIO_COMMON_KEYS,
  's3:x-amz-copy-source', ...SSE, 's3:x-amz-metadata-directive', 's3:x-amz-storage-class',
  ...LIST, VID, 's3:object-lock-remaining-retention-days', 's3:object-lock-mode', 's3:object-lock-legal-hold',
  's3:object-lock-retain-until-date', ...ROT, EOT, 'sts:DurationSeconds', 'svc:DurationSeconds',
];

const KEY_BY_LOWER = new Map(MINIO_ALL_KEYS.map((k) => [k.toLowerCase(), k]));

/** Keys that may carry a `/<name>` suffix (object tag keys). */
const TAG_KEYS = new Set([EOT, 's3:RequestObjectTag']);

/**
 * MinIO's spelling of an AWS condition key (AWS key names are case-insensitive, MinIO's are not),
 * or undefined when MinIO does not know the key. `s3:ExistingObjectTag/<tag>` keeps the tag as written.
 */
export function minioKeyName(awsKey: string): string | undefined {
  const slash = awsKey.indexOf('/');
  const base = slash === -1 ? awsKey : awsKey.slice(0, slash);
  const known = KEY_BY_LOWER.get(base.toLowerCase());
  if (!known) return undefined;
  if (slash === -1) return known;
  return TAG_KEYS.has(known) && slash < awsKey.length - 1 ? `${known}${awsKey.slice(slash)}` : undefined;
}

/** True when MinIO accepts the (MinIO-spelled) key for the action. */
export function minioAcceptsKey(action: MinioAction, minioKey: string): boolean {
  const base = minioKey.split('/')[0]!;
  return MINIO_COMMON_KEYS.includes(base) || action.keys.includes(base);
}

/** Condition operators MinIO implements (condition/name.go). The qualifiers ForAllValues/ForAnyValue are accepted on all. */
export const MINIO_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike',
  'StringNotLike', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'Null', 'Bool', 'NumericEquals',
  'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan',
  'NumericGreaterThanIfExists', 'NumericGreaterThanEquals', 'DateEquals', 'DateNotEquals', 'DateLessThan',
  'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
]);

/**
 * Keys MinIO sets to "" on every request where AWS leaves them out of the request context
 * (cmd/bucket-policy.go getConditionValues: versionid, UserAgent and Referer are always present).
 */
export const MINIO_EMPTY_WHEN_ABSENT: ReadonlySet<string> = new Set(['s3:versionid', 'aws:Referer', 'aws:UserAgent']);

/** Keys MinIO puts into the context of every signed request (so "key absent" never holds for them). */
export const MINIO_ALWAYS_SET: ReadonlySet<string> = new Set([
  ...MINIO_EMPTY_WHEN_ABSENT, 'aws:CurrentTime', 'aws:EpochTime', 'aws:SourceIp', 'aws:SecureTransport', 's3:signatureversion',
  's3:authType', 'aws:principaltype', 'aws:userid',
]);

/** Multi-valued keys: intersecting two positive clauses on them is not a clause on the intersection. */
export const MULTI_VALUED_KEYS: ReadonlySet<string> = new Set(['jwt:groups', 'aws:groups', 'ldap:groups', 's3:RequestObjectTagKeys']);
