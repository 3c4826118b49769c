/**
 * Names used across the policy code, each defined once.
 *
 * The path token and its substitution come from amplify-backend
 * `packages/backend-storage/src/constants.ts`; the action map from
 * `storage_access_policy_factory.ts` (same repository).
 */

/** The owner token as `defineStorage` writes it in path keys. */
export const ENTITY_ID_PATH_TOKEN = '{entity_id}';

/** What Amplify substitutes for {@link ENTITY_ID_PATH_TOKEN} in the entity rule: the identity-pool identity ID. */
export const COGNITO_IDENTITY_SUB = '${cognito-identity.amazonaws.com:sub}';

/** The identity-pool ID (the `aud` of the Cognito identity token). */
export const COGNITO_IDENTITY_AUD = '${cognito-identity.amazonaws.com:aud}';

/** MinIO's replacement for {@link COGNITO_IDENTITY_SUB}: the web-identity JWT `sub` carries the identity ID. */
export const MINIO_JWT_SUB = '${jwt:sub}';

/**
 * Condition keys that map one-to-one onto MinIO JWT keys (AWS name → MinIO name).
 * `cognito-identity.amazonaws.com:aud` is NOT one: in MinIO the JWT `aud` must be MinIO's own
 * OpenID client ID, while on AWS it is the identity pool ID. The pool ID is known per role, so
 * that key is decided when the policy is compiled (see `staticContext`).
 */
export const COGNITO_KEY_TO_MINIO: Readonly<Record<string, string>> = {
  'cognito-identity.amazonaws.com:sub': 'jwt:sub',
};

/** The condition key (and variable name) whose value is the identity pool ID. */
export const COGNITO_IDENTITY_AUD_KEY = 'cognito-identity.amazonaws.com:aud';

/** The storage actions of `paths` after `read` is replaced by `get` and `list`. */
export type InternalStorageAction = 'get' | 'list' | 'write' | 'delete';

/** Storage action → S3 actions, exactly as Amplify Gen2's policy factory maps them. */
export const STORAGE_ACTION_TO_S3: Readonly<Record<InternalStorageAction, readonly string[]>> = {
  get: ['s3:GetObject'],
  list: ['s3:ListBucket'],
  write: ['s3:PutObject'],
  delete: ['s3:DeleteObject'],
};

/** `arn:aws:s3:::` — the prefix of every S3 bucket and object ARN (no region, no account). */
export const S3_ARN_PREFIX = 'arn:aws:s3:::';

/** The only policy language version MinIO accepts (besides an empty one). */
export const POLICY_VERSION = '2012-10-17';

/** The session name Cognito identity pools give the role sessions they create. */
export const COGNITO_SESSION_NAME = 'CognitoIdentityCredentials';

/** MinIO's size limits for what we hand it (bytes of JSON). */
export const MINIO_CANNED_POLICY_MAX_BYTES = 20 * 1024;
export const MINIO_SESSION_POLICY_MAX_BYTES = 2048;

/** Turns a bucket name or a bucket ARN into the bucket ARN. */
export function bucketArnOf(bucketOrArn: string): string {
  return bucketOrArn.startsWith('arn:') ? bucketOrArn : `${S3_ARN_PREFIX}${bucketOrArn}`;
}
