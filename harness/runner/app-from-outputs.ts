/**
 * An app's own amplify_outputs.json (schema 1.x) as a stack config: the user pool, app client
 * and identity pool with the file's IDs and region, its password policy, username attributes and
 * groups, and its buckets with role policies generated from their `paths` as Amplify Gen2 does.
 * `ase up --outputs ./amplify_outputs.json` serves it, so the app runs against the emulator with
 * the file it already has.
 */
import type { AppConfig, PasswordPolicyConfig } from '../../emulator/config.js';
import { StackConfigError } from '../../emulator/config-file.js';
import { generateRolePolicies } from '../../emulator/policy/index.js';
import { readOutputs } from '../scenario/outputs.js';
import { parseStoragePaths } from '../../emulator/policy/paths.js';
import { isRecord } from '../../emulator/values.js';
import { describePath } from '../scenario/schema-check.js';

/** What the stack needs from `auth` that a scenario's `outputs:` does not read. */
export interface OutputsAuth {
  region: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  usernameAttributes: Array<'email' | 'phone_number'>;
  passwordPolicy?: PasswordPolicyConfig;
}

const USER_POOL_ID = /^([a-z]{2}(-gov)?-[a-z]+-\d)_[A-Za-z0-9]+$/;
const IDENTITY_POOL_ID = /^([a-z]{2}(-gov)?-[a-z]+-\d):[0-9a-f-]{36}$/;
const DEFAULT_ACCOUNT = '123456789012';

/** Reads `auth`; pushes one message per problem (naming the key, never quoting long values). */
export function readOutputsAuth(data: unknown, problems: string[]): OutputsAuth | undefined {
  const auth = isRecord(data) ? data['auth'] : undefined;
  if (!isRecord(auth)) {
    problems.push('has no "auth" section; `ase up --outputs` needs the user pool and identity pool of a backend with `defineAuth`');
    return undefined;
  }
  const str = (key: string, shape?: RegExp, what?: string): string | undefined => {
    const v = auth[key];
    if (typeof v !== 'string' || v === '') {
      problems.push(`auth.${key} is missing or not a string`);
      return undefined;
    }
    if (shape && !shape.test(v)) {
      problems.push(`auth.${key} is not ${what}`);
      return undefined;
    }
    return v;
  };
  const region = str('aws_region', /^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as us-east-1');
  const userPoolId = str('user_pool_id', USER_POOL_ID, 'a user pool ID shaped <region>_<id>');
  const clientId = str('user_pool_client_id', /^[A-Za-z0-9]{1,128}$/, 'an app client ID (letters and digits)');
  const identityPoolId = str('identity_pool_id', IDENTITY_POOL_ID, 'an identity pool ID shaped <region>:<uuid>');
  // username_attributes is read (and checked) with the rest of the file by readOutputs.
  const usernameAttributes = readOutputs(data).content?.usernameAttributes ?? [];
  let passwordPolicy: PasswordPolicyConfig | undefined;
  const policy = auth['password_policy'];
  if (isRecord(policy)) {
    const flag = (k: string) => policy[k] === true;
    const min = policy['min_length'];
    passwordPolicy = {
      minimumLength: typeof min === 'number' && Number.isInteger(min) && min >= 6 && min <= 99 ? min : 8,
      requireLowercase: flag('require_lowercase'),
      requireUppercase: flag('require_uppercase'),
      requireNumbers: flag('require_numbers'),
      requireSymbols: flag('require_symbols'),
    };
  }
  for (const [key, id] of [['user_pool_id', userPoolId], ['identity_pool_id', identityPoolId]] as const) {
    const idRegion = id && (key === 'user_pool_id' ? USER_POOL_ID : IDENTITY_POOL_ID).exec(id)?.[1];
    if (region && idRegion && idRegion !== region) problems.push(`auth.${key} is in ${idRegion}, but auth.aws_region is ${region}`);
  }
  if (!region || !userPoolId || !clientId || !identityPoolId) return undefined;
  return { region, userPoolId, clientId, identityPoolId, usernameAttributes, ...(passwordPolicy ? { passwordPolicy } : {}) };
}

export interface OutputsAppOptions {
  /** Users to create (the outputs file has none): sign-in name and password. */
  users: Array<{ username: string; password: string; groups?: string[] }>;
  accountId?: string;
  /** Stack app id (namespaces MinIO's canned policies). */
  id?: string;
}

/** The stack config for an outputs file. Throws {@link StackConfigError} listing every problem. */
export function appConfigFromOutputs(data: unknown, file: string, options: OutputsAppOptions): AppConfig {
  const problems: string[] = [];
  const auth = readOutputsAuth(data, problems);
  const { content, problems: outputProblems } = readOutputs(data);
  for (const p of outputProblems) problems.push(`${p.path.length ? `${describePath(p.path)}: ` : ''}${p.message}`);
  const buckets = content?.buckets ?? [];
  if (content && buckets.length === 0) problems.push('has no storage buckets ("storage.bucket_name" or "storage.buckets"); add `defineStorage` to the backend');
  const groups = content?.groups ?? [];
  for (const user of options.users) {
    for (const g of user.groups ?? []) {
      if (!groups.some((x) => x.name === g)) problems.push(`--user ${user.username}: group ${g} is not in auth.groups`);
    }
  }
  if (problems.length > 0 || !auth || !content) {
    throw new StackConfigError(`${file} cannot be served as it is:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const accountId = options.accountId ?? DEFAULT_ACCOUNT;
  const arn = (name: string) => `arn:aws:iam::${accountId}:role/${name}`;
  // The default bucket first: the client uses it when a call names none, and so does the stack.
  const ordered = [...buckets.filter((b) => b.isDefault), ...buckets.filter((b) => !b.isDefault)];
  const paths = new Map(ordered.map((b) => [b.name, parseStoragePaths(b.paths).outputs]));
  const generated = generateRolePolicies({
    buckets: ordered.map((b) => ({ bucketName: b.bucketName, paths: paths.get(b.name)! })),
    groups: groups.map((g) => g.name),
  });
  const guestAccess = content.guestAccess ?? false;
  return {
    id: options.id ?? 'app',
    region: auth.region,
    accountId,
    userPool: {
      id: auth.userPoolId,
      name: 'amplify_outputs.json',
      clientIds: [auth.clientId],
      usernameAttributes: auth.usernameAttributes,
      ...(auth.passwordPolicy ? { passwordPolicy: auth.passwordPolicy } : {}),
      groups: groups.map((g) => ({ name: g.name, precedence: g.precedence, roleArn: arn(`ase-group-${g.name}`) })),
      users: options.users.map((u) => ({ username: u.username, password: u.password, groups: u.groups ?? [] })),
    },
    identityPool: { id: auth.identityPoolId, allowGuestAccess: guestAccess },
    roles: {
      guest: { arn: arn('ase-guest'), policies: guestAccess && generated.guest ? [generated.guest] : [] },
      authenticated: { arn: arn('ase-authenticated'), policies: generated.authenticated ? [generated.authenticated] : [] },
      groups: Object.fromEntries(groups.map((g) => [g.name, {
        arn: arn(`ase-group-${g.name}`),
        policies: generated.groups[g.name] ? [generated.groups[g.name]!] : [],
      }])),
    },
    buckets: ordered.map((b) => ({ name: b.name, bucketName: b.bucketName, region: b.region, paths: paths.get(b.name)! })),
  };
}
