/**
 * CloudFormation intrinsic functions, resolved offline as a deployment would resolve them:
 * `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::If` (with the
 * template's Conditions), `Fn::FindInMap`, parameters of nested stacks and pseudo parameters.
 * Resources get the physical names CloudFormation would give them: the name their properties
 * set, else `<stack>-<logicalId>-<suffix>` with a suffix derived from both (stable across runs).
 * What cannot be known offline (`Fn::ImportValue`, `Fn::GetAZs`, attributes of other resource
 * types) is an {@link IntrinsicError} naming the template, the logical ID and the expression.
 */
import { createHash } from 'node:crypto';

export interface Template {
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources?: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
  Metadata?: Record<string, unknown>;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

/** Where a stack's values come from. */
export interface StackScope {
  /** The template file, for messages. */
  file: string;
  template: Template;
  stackName: string;
  region: string;
  accountId: string;
  partition?: string;
  /** Values of the template's parameters (a nested stack's, as its parent passes them). */
  parameters?: Record<string, unknown>;
  /** Outputs of a nested stack resource of this template: `Fn::GetAtt [logicalId, Outputs.X]`. */
  nestedOutput?: (logicalId: string, output: string) => unknown;
}

export class IntrinsicError extends Error {
  override readonly name = 'IntrinsicError';
  constructor(readonly file: string, readonly logicalId: string, readonly expression: unknown, reason: string) {
    super(`${file}: ${logicalId}: cannot resolve ${JSON.stringify(expression)}: ${reason}`);
  }
}

/** AWS::NoValue: the property is removed. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves every intrinsic in `value`; `logicalId` names what is being resolved, for messages. */
export function resolveValue(value: unknown, scope: StackScope, logicalId: string): unknown {
  const out = resolve(value, scope, logicalId);
  return out === NO_VALUE ? undefined : out;
}

/** Like {@link resolveValue}, for a value that must come out as a string. */
export function resolveString(value: unknown, scope: StackScope, logicalId: string): string {
  const out = resolveValue(value, scope, logicalId);
  if (typeof out === 'string') return out;
  if (typeof out === 'number' || typeof out === 'boolean') return String(out);
  throw new IntrinsicError(scope.file, logicalId, value, `expected a string, got ${JSON.stringify(out)}`);
}

function resolve(value: unknown, scope: StackScope, id: string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope, id)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0]!;
    if (fn === 'Ref' || fn.startsWith('Fn::') || fn === 'Condition') return intrinsic(fn, arg, value, scope, id);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const r = resolve(v, scope, id);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function intrinsic(fn: string, arg: unknown, expr: unknown, scope: StackScope, id: string): unknown {
  const fail = (reason: string): never => {
    throw new IntrinsicError(scope.file, id, expr, reason);
  };
  const str = (v: unknown): string => {
    const r = resolve(v, scope, id);
    if (typeof r === 'string') return r;
    if (typeof r === 'number' || typeof r === 'boolean') return String(r);
    return fail(`expected a string, got ${JSON.stringify(r)}`);
  };
  const list = (v: unknown): unknown[] => {
    const r = resolve(v, scope, id);
    return Array.isArray(r) ? r : fail(`expected a list, got ${JSON.stringify(r)}`);
  };
  switch (fn) {
    case 'Ref':
      return typeof arg === 'string' ? ref(arg, scope, id, expr) : fail('Ref takes a name');
    case 'Fn::GetAtt': {
      const [target, attribute] = typeof arg === 'string'
        ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)]
        : Array.isArray(arg) ? [arg[0], typeof arg[1] === 'string' ? arg[1] : str(arg[1])] : [undefined, undefined];
      if (typeof target !== 'string' || typeof attribute !== 'string') return fail('Fn::GetAtt takes [logicalId, attribute]');
      return getAtt(target, attribute, scope, id, expr);
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return fail('Fn::Join takes [delimiter, list]');
      return list(arg[1]).map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : fail(`cannot join ${JSON.stringify(v)}`))).join(arg[0]);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) return fail('Fn::Select takes [index, list]');
      const index = Number(str(arg[0]));
      const items = list(arg[1]);
      return Number.isInteger(index) && index >= 0 && index < items.length ? items[index] : fail(`index ${index} is outside the list of ${items.length}`);
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return fail('Fn::Split takes [delimiter, string]');
      return str(arg[1]).split(arg[0]);
    }
    case 'Fn::Sub': {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) && typeof arg[0] === 'string' ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [undefined, {}];
      if (text === undefined) return fail('Fn::Sub takes a string or [string, variables]');
      return text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`;
        if (name in vars) return str(vars[name]);
        const dot = name.indexOf('.');
        if (dot > 0 && !name.startsWith('AWS::')) return String(getAtt(name.slice(0, dot), name.slice(dot + 1), scope, id, expr));
        const r = ref(name, scope, id, expr);
        return typeof r === 'string' ? r : fail(`\${${name}} is not a string`);
      });
    }
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return fail('Fn::If takes [condition, then, else]');
      return resolve(condition(arg[0], scope, id) ? arg[1] : arg[2], scope, id);
    }
    case 'Condition':
      return typeof arg === 'string' ? condition(arg, scope, id) : fail('Condition takes a name');
    case 'Fn::Equals': {
      if (!Array.isArray(arg) || arg.length !== 2) return fail('Fn::Equals takes two values');
      return JSON.stringify(resolve(arg[0], scope, id)) === JSON.stringify(resolve(arg[1], scope, id));
    }
    case 'Fn::Not':
      return Array.isArray(arg) && arg.length === 1 ? !truthy(resolve(arg[0], scope, id)) : fail('Fn::Not takes [condition]');
    case 'Fn::And':
      return Array.isArray(arg) ? arg.every((c) => truthy(resolve(c, scope, id))) : fail('Fn::And takes a list');
    case 'Fn::Or':
      return Array.isArray(arg) ? arg.some((c) => truthy(resolve(c, scope, id))) : fail('Fn::Or takes a list');
    case 'Fn::FindInMap': {
      if (!Array.isArray(arg) || arg.length < 3) return fail('Fn::FindInMap takes [map, key, key]');
      const [map, top, second] = [str(arg[0]), str(arg[1]), str(arg[2])];
      const found = scope.template.Mappings?.[map]?.[top]?.[second];
      return found !== undefined ? found : fail(`no ${map}.${top}.${second} in Mappings`);
    }
    case 'Fn::Base64':
      return Buffer.from(str(arg)).toString('base64');
    case 'Fn::ImportValue':
      return fail('an export of another deployed stack cannot be known offline');
    case 'Fn::GetAZs':
      return fail('availability zones cannot be known offline');
    default:
      return fail(`${fn} is not supported`);
  }
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

function condition(name: string, scope: StackScope, id: string): boolean {
  const expr = scope.template.Conditions?.[name];
  if (expr === undefined) throw new IntrinsicError(scope.file, id, { Condition: name }, `no condition ${name} in the template`);
  return truthy(resolve(expr, scope, id));
}

function ref(name: string, scope: StackScope, id: string, expr: unknown): unknown {
  switch (name) {
    case 'AWS::Region': return scope.region;
    case 'AWS::AccountId': return scope.accountId;
    case 'AWS::Partition': return scope.partition ?? 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return scope.stackName;
    case 'AWS::StackId': return stackId(scope);
    case 'AWS::NoValue': return NO_VALUE;
    case 'AWS::NotificationARNs': return [];
    default: break;
  }
  const parameter = scope.template.Parameters?.[name];
  if (parameter) {
    if (scope.parameters && name in scope.parameters) return scope.parameters[name];
    if (parameter.Type?.startsWith('AWS::SSM::Parameter')) {
      throw new IntrinsicError(scope.file, id, expr, `parameter ${name} is read from SSM at deploy time`);
    }
    if (parameter.Default !== undefined) return parameter.Default;
    throw new IntrinsicError(scope.file, id, expr, `parameter ${name} has no value and no Default`);
  }
  const resource = scope.template.Resources?.[name];
  if (!resource) throw new IntrinsicError(scope.file, id, expr, `${name} is neither a parameter nor a resource of this template`);
  return physicalRef(name, resource, scope, id);
}

/** What `Ref` gives for a resource: its physical ID. */
function physicalRef(logicalId: string, resource: TemplateResource, scope: StackScope, id: string): string {
  const p = resource.Properties ?? {};
  const named = (key: string) => (p[key] !== undefined ? resolveString(p[key], scope, logicalId) : undefined);
  switch (resource.Type) {
    case 'AWS::IAM::Role': return named('RoleName') ?? generatedName(scope, logicalId, 64);
    case 'AWS::IAM::ManagedPolicy':
      return `arn:${scope.partition ?? 'aws'}:iam::${scope.accountId}:policy${named('Path') ?? '/'}${named('ManagedPolicyName') ?? generatedName(scope, logicalId, 128)}`;
    case 'AWS::IAM::Policy': return named('PolicyName') ?? generatedName(scope, logicalId, 128);
    case 'AWS::S3::Bucket': return named('BucketName') ?? generatedName(scope, logicalId, 63).toLowerCase();
    case 'AWS::Cognito::UserPool': return `${scope.region}_${suffix(scope, logicalId, 9, 'alnum')}`;
    case 'AWS::Cognito::UserPoolClient': return suffix(scope, logicalId, 26, 'lower');
    case 'AWS::Cognito::IdentityPool': return `${scope.region}:${uuid(scope, logicalId)}`;
    case 'AWS::Cognito::UserPoolGroup': return named('GroupName') ?? generatedName(scope, logicalId, 128);
    case 'AWS::Lambda::Function': return named('FunctionName') ?? generatedName(scope, logicalId, 64);
    case 'AWS::CloudFormation::Stack': return nestedStackId(scope, logicalId);
    default:
      void id;
      return generatedName(scope, logicalId, 128);
  }
}

function getAtt(target: string, attribute: string, scope: StackScope, id: string, expr: unknown): unknown {
  const resource = scope.template.Resources?.[target];
  if (!resource) throw new IntrinsicError(scope.file, id, expr, `${target} is not a resource of this template`);
  const partition = scope.partition ?? 'aws';
  const name = () => physicalRef(target, resource, scope, id);
  switch (`${resource.Type}.${attribute}`) {
    case 'AWS::IAM::Role.Arn': {
      const path = resource.Properties?.['Path'] !== undefined ? resolveString(resource.Properties['Path'], scope, target) : '/';
      return `arn:${partition}:iam::${scope.accountId}:role${path}${name()}`;
    }
    case 'AWS::IAM::Role.RoleId': return `AROA${suffix(scope, target, 17, 'upper')}`;
    case 'AWS::IAM::ManagedPolicy.PolicyArn': return name();
    case 'AWS::S3::Bucket.Arn': return `arn:${partition}:s3:::${name()}`;
    case 'AWS::S3::Bucket.DomainName': return `${name()}.s3.amazonaws.com`;
    case 'AWS::S3::Bucket.RegionalDomainName': return `${name()}.s3.${scope.region}.amazonaws.com`;
    case 'AWS::S3::Bucket.DualStackDomainName': return `${name()}.s3.dualstack.${scope.region}.amazonaws.com`;
    case 'AWS::S3::Bucket.WebsiteURL': return `http://${name()}.s3-website-${scope.region}.amazonaws.com`;
    case 'AWS::Cognito::UserPool.Arn': return `arn:${partition}:cognito-idp:${scope.region}:${scope.accountId}:userpool/${name()}`;
    case 'AWS::Cognito::UserPool.UserPoolId': return name();
    case 'AWS::Cognito::UserPool.ProviderName': return `cognito-idp.${scope.region}.amazonaws.com/${name()}`;
    case 'AWS::Cognito::UserPool.ProviderURL': return `https://cognito-idp.${scope.region}.amazonaws.com/${name()}`;
    case 'AWS::Cognito::UserPoolClient.ClientId': return name();
    case 'AWS::Cognito::IdentityPool.Id': return name();
    case 'AWS::Cognito::IdentityPool.Name':
      return resource.Properties?.['IdentityPoolName'] !== undefined ? resolveString(resource.Properties['IdentityPoolName'], scope, target) : target;
    case 'AWS::Lambda::Function.Arn': return `arn:${partition}:lambda:${scope.region}:${scope.accountId}:function:${name()}`;
    default: break;
  }
  if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
    if (!scope.nestedOutput) throw new IntrinsicError(scope.file, id, expr, `the template of nested stack ${target} is not available`);
    return scope.nestedOutput(target, attribute.slice('Outputs.'.length));
  }
  throw new IntrinsicError(scope.file, id, expr, `attribute ${attribute} of a ${resource.Type} cannot be known offline`);
}

function digest(scope: StackScope, logicalId: string): Buffer {
  return createHash('sha256').update(`${scope.accountId}\0${scope.region}\0${scope.stackName}\0${logicalId}`).digest();
}

const ALPHABETS = {
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  lower: 'abcdefghijklmnopqrstuvwxyz0123456789',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
};

function suffix(scope: StackScope, logicalId: string, length: number, alphabet: keyof typeof ALPHABETS): string {
  const bytes = digest(scope, logicalId);
  const chars = ALPHABETS[alphabet];
  return Array.from({ length }, (_, i) => chars[bytes[i % bytes.length]! % chars.length]).join('');
}

function uuid(scope: StackScope, logicalId: string): string {
  const h = digest(scope, logicalId).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** CloudFormation's form: `<stack>-<logicalId>-<13 characters>`, the two names cut to fit. */
function generatedName(scope: StackScope, logicalId: string, max: number): string {
  const tail = `-${suffix(scope, logicalId, 13, 'upper')}`;
  const room = max - tail.length;
  const stackPart = scope.stackName.slice(0, Math.max(0, Math.min(scope.stackName.length, room - Math.min(logicalId.length, Math.floor(room / 2)) - 1)));
  const idPart = logicalId.slice(0, room - stackPart.length - 1);
  return `${stackPart}-${idPart}${tail}`;
}

function stackId(scope: StackScope): string {
  return `arn:${scope.partition ?? 'aws'}:cloudformation:${scope.region}:${scope.accountId}:stack/${scope.stackName}/${uuid(scope, '')}`;
}

/** The name CloudFormation gives a nested stack: `<parent>-<logicalId>-<suffix>`. */
export function nestedStackName(scope: StackScope, logicalId: string): string {
  return generatedName(scope, logicalId, 128);
}

function nestedStackId(scope: StackScope, logicalId: string): string {
  const name = nestedStackName(scope, logicalId);
  return `arn:${scope.partition ?? 'aws'}:cloudformation:${scope.region}:${scope.accountId}:stack/${name}/${uuid({ ...scope, stackName: name }, '')}`;
}
