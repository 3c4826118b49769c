import type { CORSConfiguration } from '@aws-sdk/client-s3';
import type { IamPolicyDocument, PathsMap } from './policy/types.js';

/**
 * The declarative description of one app (one scenario): a user pool, an identity pool,
 * the roles and their policies, and the buckets. A stack hosts any number of apps at once;
 * {@link AppConfig.id} namespaces everything MinIO holds for the app.
 */
export interface AppConfig {
  /** Short, unique per stack: [a-z0-9-]. Namespaces canned policies. */
  id: string;
  region: string;
  accountId: string;
  userPool: UserPoolConfig;
  identityPool: IdentityPoolConfig;
  roles: RolesConfig;
  buckets: BucketConfig[];
}

export interface PasswordPolicyConfig {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}

export interface UserPoolConfig {
  /** `<region>_<id>`, as Cognito names pools (the SRP code depends on this shape). */
  id: string;
  name?: string;
  /** App client IDs; the first is the one written into Amplify configs. */
  clientIds: string[];
  /** `['email']` makes the email the sign-in name (email-as-username). */
  usernameAttributes?: Array<'email' | 'phone_number'>;
  passwordPolicy?: PasswordPolicyConfig;
  groups: GroupConfig[];
  users: UserConfig[];
}

export interface GroupConfig {
  name: string;
  /** Lower wins when a user is in several groups. */
  precedence?: number;
  /** The IAM role this group maps to (cognito:preferred_role). */
  roleArn?: string;
}

export interface UserConfig {
  username: string;
  password: string;
  email?: string;
  groups?: string[];
  /** Extra attributes (`name`, `custom:x`, ...). */
  attributes?: Record<string, string>;
}

export interface IdentityPoolConfig {
  /** `<region>:<uuid>` */
  id: string;
  allowGuestAccess: boolean;
  /**
   * AllowClassicFlow: the basic flow (GetOpenIdToken + STS AssumeRoleWithWebIdentity). Off by
   * default, as in every identity pool Amplify Gen2 creates; when on, each role's trust policy decides.
   */
  allowClassicFlow?: boolean;
}

export interface RoleConfig {
  arn: string;
  /** The IAM identity policies attached to the role, as AWS documents. */
  policies: IamPolicyDocument[];
  /**
   * Where each of `policies` came from, in the same order (a file, `<stack>/<logical ID>`), to name
   * it in warnings and errors. Absent: they are numbered (`guest role policy 2`).
   */
  policySources?: string[];
  /**
   * The role's trust policy (AssumeRolePolicyDocument). Default: the one Amplify Gen2 writes
   * (`cognito-identity.amazonaws.com:aud` = this identity pool; `amr` = unauthenticated for the
   * guest role, authenticated for the others).
   */
  trustPolicy?: IamPolicyDocument;
}

export interface RolesConfig {
  guest: RoleConfig;
  authenticated: RoleConfig;
  groups: Record<string, RoleConfig>;
}

export interface BucketConfig {
  /** Friendly name used by the client (`options.bucket`). */
  name: string;
  /** The S3 bucket name. */
  bucketName: string;
  region: string;
  paths?: PathsMap;
  bucketPolicy?: IamPolicyDocument;
  /** Where the bucket policy came from (a file, `<stack>/<logical ID>`), to name it in messages. */
  bucketPolicySource?: string;
  /** true: the bucket belongs to another account; role and bucket policy must both allow. */
  crossAccount?: boolean;
  /** The app's default bucket (amplify_outputs.json `storage.bucket_name`); else the first. */
  default?: boolean;
  /**
   * The bucket's CORS configuration, as `aws s3api put-bucket-cors --cors-configuration` takes it;
   * `'none'` for a bucket without any. Absent: the rule the Amplify docs recommend, with a warning.
   */
  cors?: CORSConfiguration | 'none';
}
