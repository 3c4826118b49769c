/**
 * What a synthesized backend (or any CloudFormation app) deploys for storage access, read from
 * its templates with every intrinsic resolved: the identity pool's roles and role mapping,
 * whether guests get credentials, the user pool groups with their roles and precedence, every
 * policy attached to those roles (inline AWS::IAM::Policy, AWS::IAM::RolePolicy, a role's own
 * Policies, customer managed policies; whatever stack they live in), and each bucket's policy and
 * CORS rules. Pure: the templates in, data out; each policy says where it came from.
 */
import type { CORSRule } from '../../emulator/s3-cors/rules.js';
import type { IamPolicyDocument } from '../../emulator/policy/types.js';
import type { AssemblyStack, LoadedAssembly } from './assembly.js';
import { BackendError } from './errors.js';
import { resolveString, resolveValue, type TemplateResource } from './intrinsics.js';

/** A policy document and where it is defined: `<stack path>/<logical ID>`. */
export interface SourcedPolicy {
  source: string;
  document: IamPolicyDocument;
}

export interface BackendRole {
  arn: string;
  /** `<stack path>/<logical ID>` of the AWS::IAM::Role, or the ARN when the role is not in the templates. */
  source: string;
  policies: SourcedPolicy[];
}

export interface BackendGroup {
  name: string;
  precedence: number;
  /** The group's role (cognito:preferred_role), when it has one. */
  role?: BackendRole;
  source: string;
}

/** A CORS rule in the S3 API's shape (PutBucketCors), from AWS::S3::Bucket CorsConfiguration. */
export type CorsRule = CORSRule & Pick<Required<CORSRule>, 'AllowedMethods' | 'AllowedOrigins'>;

export interface BackendBucket {
  bucketName: string;
  /** The AWS::S3::Bucket, when the templates create the bucket. */
  source?: string;
  bucketPolicy?: SourcedPolicy;
  cors?: CorsRule[];
}

export interface BackendApp {
  /** The assembly folder or template read. */
  source: string;
  guestAccess: boolean;
  /** The role-mapping type of the user pool provider (`Token` in Amplify Gen2), when one is set. */
  roleMapping?: { type: string; ambiguousRoleResolution?: string };
  roles: { guest?: BackendRole; authenticated?: BackendRole };
  groups: BackendGroup[];
  buckets: BackendBucket[];
  /** The root stacks' outputs, resolved, with the Amplify output metadata (client-config's input). */
  stackOutputs: Array<{ stackName: string; metadata: Record<string, unknown>; outputs: Record<string, string> }>;
  /** What was seen but not read (AWS managed policies, roles outside the templates...). */
  warnings: string[];
}

interface Found { stack: AssemblyStack; logicalId: string; resource: TemplateResource }

const label = (f: { stack: AssemblyStack; logicalId: string }) => `${f.stack.path}/${f.logicalId}`;

export function readBackendApp(assembly: LoadedAssembly): BackendApp {
  const all: Found[] = assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {}).map(([logicalId, resource]) => ({ stack, logicalId, resource })));
  const ofType = (type: string) => all.filter((f) => f.resource.Type === type);
  const value = (f: Found, key: string) => resolveValue(f.resource.Properties?.[key], f.stack.scope, f.logicalId);
  const text = (f: Found, key: string) => resolveString(f.resource.Properties?.[key], f.stack.scope, f.logicalId);
  const warnings: string[] = [];

  // Roles in the templates, by ARN and by name (policies name the roles they attach to).
  const roles = new Map<string, BackendRole>();
  const byName = new Map<string, BackendRole>();
  const roleFor = (arn: string): BackendRole => {
    let role = roles.get(arn);
    if (!role) {
      role = { arn, source: arn, policies: [] };
      roles.set(arn, role);
      byName.set(arn.slice(arn.lastIndexOf('/') + 1), role);
      warnings.push(`role ${arn} is not defined in the templates; only the policies the templates attach to it are read`);
    }
    return role;
  };
  const managed = new Map<string, Found>();
  for (const f of ofType('AWS::IAM::ManagedPolicy')) {
    managed.set(resolveString({ Ref: f.logicalId }, f.stack.scope, f.logicalId), f);
  }
  for (const f of ofType('AWS::IAM::Role')) {
    const arn = resolveString({ 'Fn::GetAtt': [f.logicalId, 'Arn'] }, f.stack.scope, f.logicalId);
    const role: BackendRole = { arn, source: label(f), policies: [] };
    roles.set(arn, role);
    byName.set(resolveString({ Ref: f.logicalId }, f.stack.scope, f.logicalId), role);
    for (const [i, inline] of ((value(f, 'Policies') as Array<{ PolicyName?: string; PolicyDocument: IamPolicyDocument }> | undefined) ?? []).entries()) {
      role.policies.push({ source: `${label(f)}#Policies[${inline.PolicyName ?? i}]`, document: inline.PolicyDocument });
    }
    for (const policyArn of (value(f, 'ManagedPolicyArns') as string[] | undefined) ?? []) {
      const local = managed.get(policyArn);
      if (local) role.policies.push({ source: label(local), document: value(local, 'PolicyDocument') as IamPolicyDocument });
      else warnings.push(`${label(f)}: managed policy ${policyArn} is not in the templates, so it is not read (list its statements in the scenario's policies if they matter)`);
    }
  }
  const attach = (roleNames: unknown, policy: SourcedPolicy) => {
    for (const name of Array.isArray(roleNames) ? roleNames : []) {
      if (typeof name !== 'string') continue;
      const role = byName.get(name) ?? [...roles.values()].find((r) => r.arn === name) ?? roleFor(name.startsWith('arn:') ? name : `arn:aws:iam::unknown:role/${name}`);
      if (!role.policies.some((p) => p.source === policy.source)) role.policies.push(policy);
    }
  };
  for (const f of ofType('AWS::IAM::Policy')) attach(value(f, 'Roles'), { source: label(f), document: value(f, 'PolicyDocument') as IamPolicyDocument });
  for (const f of managed.values()) attach(value(f, 'Roles'), { source: label(f), document: value(f, 'PolicyDocument') as IamPolicyDocument });
  for (const f of ofType('AWS::IAM::RolePolicy')) attach([text(f, 'RoleName')], { source: label(f), document: value(f, 'PolicyDocument') as IamPolicyDocument });

  // The identity pool and its role attachment.
  const attachments = ofType('AWS::Cognito::IdentityPoolRoleAttachment');
  if (attachments.length === 0) {
    throw new BackendError('template-invalid', `${assembly.source}: no AWS::Cognito::IdentityPoolRoleAttachment, so no role hands out storage credentials; does the backend define auth (defineAuth)?`);
  }
  if (attachments.length > 1) {
    throw new BackendError('template-invalid', `${assembly.source}: ${attachments.length} identity pools (${attachments.map(label).join(', ')}); the emulator hosts one per app`);
  }
  const attachment = attachments[0]!;
  const attachedRoles = (value(attachment, 'Roles') ?? {}) as Record<string, string>;
  const poolId = text(attachment, 'IdentityPoolId');
  const pool = ofType('AWS::Cognito::IdentityPool').find((f) => resolveString({ Ref: f.logicalId }, f.stack.scope, f.logicalId) === poolId);
  const allowGuests = pool ? value(pool, 'AllowUnauthenticatedIdentities') : undefined;
  const guestAccess = allowGuests === true || allowGuests === 'true';
  const mappings = Object.values((value(attachment, 'RoleMappings') ?? {}) as Record<string, { Type?: string; AmbiguousRoleResolution?: string }>);

  const app: BackendApp = {
    source: assembly.source,
    guestAccess,
    roles: {},
    groups: [],
    buckets: [],
    stackOutputs: [],
    warnings,
  };
  if (mappings[0]?.Type) {
    app.roleMapping = { type: mappings[0].Type, ...(mappings[0].AmbiguousRoleResolution ? { ambiguousRoleResolution: mappings[0].AmbiguousRoleResolution } : {}) };
  }
  if (attachedRoles['authenticated']) app.roles.authenticated = roles.get(attachedRoles['authenticated']) ?? roleFor(attachedRoles['authenticated']);
  if (attachedRoles['unauthenticated']) app.roles.guest = roles.get(attachedRoles['unauthenticated']) ?? roleFor(attachedRoles['unauthenticated']);

  for (const f of ofType('AWS::Cognito::UserPoolGroup')) {
    const name = text(f, 'GroupName');
    const precedence = value(f, 'Precedence');
    const roleArn = value(f, 'RoleArn');
    const group: BackendGroup = { name, precedence: typeof precedence === 'number' ? precedence : Number(precedence ?? Number.MAX_SAFE_INTEGER), source: label(f) };
    if (typeof roleArn === 'string') group.role = roles.get(roleArn) ?? roleFor(roleArn);
    app.groups.push(group);
  }
  app.groups.sort((a, b) => a.precedence - b.precedence || a.name.localeCompare(b.name));

  // Buckets: those created here, and those a bucket policy is written for.
  const buckets = new Map<string, BackendBucket>();
  for (const f of ofType('AWS::S3::Bucket')) {
    const bucketName = resolveString({ Ref: f.logicalId }, f.stack.scope, f.logicalId);
    const bucket: BackendBucket = { bucketName, source: label(f) };
    const cors = value(f, 'CorsConfiguration') as { CorsRules?: Array<Record<string, unknown>> } | undefined;
    if (cors?.CorsRules) bucket.cors = cors.CorsRules.map(corsRule);
    buckets.set(bucketName, bucket);
  }
  for (const f of ofType('AWS::S3::BucketPolicy')) {
    const bucketName = text(f, 'Bucket');
    const bucket = buckets.get(bucketName) ?? { bucketName };
    if (bucket.bucketPolicy) throw new BackendError('template-invalid', `${label(f)}: bucket ${bucketName} already has a bucket policy (${bucket.bucketPolicy.source}); S3 keeps one per bucket`);
    bucket.bucketPolicy = { source: label(f), document: value(f, 'PolicyDocument') as IamPolicyDocument };
    buckets.set(bucketName, bucket);
  }
  app.buckets = [...buckets.values()];

  for (const root of assembly.roots) {
    const outputs: Record<string, string> = {};
    for (const [key, output] of Object.entries(root.template.Outputs ?? {})) {
      if (output.Condition && resolveValue({ Condition: output.Condition }, root.scope, `Outputs.${key}`) !== true) continue;
      outputs[key] = resolveString(output.Value, root.scope, `Outputs.${key}`);
    }
    app.stackOutputs.push({ stackName: root.scope.stackName, metadata: root.template.Metadata ?? {}, outputs });
  }
  return app;
}

function corsRule(rule: Record<string, unknown>): CorsRule {
  const out: CorsRule = {
    AllowedMethods: (rule['AllowedMethods'] as string[] | undefined) ?? [],
    AllowedOrigins: (rule['AllowedOrigins'] as string[] | undefined) ?? [],
  };
  if (typeof rule['Id'] === 'string') out.ID = rule['Id'];
  if (Array.isArray(rule['AllowedHeaders'])) out.AllowedHeaders = rule['AllowedHeaders'] as string[];
  if (Array.isArray(rule['ExposedHeaders'])) out.ExposeHeaders = rule['ExposedHeaders'] as string[];
  if (rule['MaxAge'] !== undefined) out.MaxAgeSeconds = Number(rule['MaxAge']);
  return out;
}
