/**
 * Shape validation of IAM policy documents, the checks AWS makes when a policy is saved.
 * A document that fails here is one AWS would refuse, so the emulator refuses it too, saying
 * which document, which statement and what to change.
 */

import { parseOperator, AWS_OPERATOR_BASES } from './aws-model.js';
import { S3_ARN_PREFIX } from './constants.js';
import { hasWildcard } from './glob.js';
import { isRecord } from '../values.js';

/** identity: attached to a role; resource: a bucket policy; session: passed to AssumeRole*. */
export type PolicyKind = 'identity' | 'resource' | 'session';

export interface PolicyIssue {
  /** The document, as the caller named it (a file, `role auth policy 1`, ...). */
  source: string;
  statementIndex?: number;
  sid?: string;
  /** JSON path inside the document, e.g. `Statement[1].Condition.StringLike`. */
  path: string;
  /** The same path as segments (`['Statement', 1, 'Condition', 'StringLike']`), to locate it in a file. */
  segments: Array<string | number>;
  /** What is wrong and how to fix it. */
  message: string;
}

export function formatIssue(issue: PolicyIssue): string {
  const m = /^Statement\[(\d+)\]\.?(.*)$/.exec(issue.path);
  if (!m) return `${issue.source}: ${issue.path}: ${issue.message}`;
  const sid = issue.sid !== undefined ? ` (Sid "${issue.sid}")` : '';
  return `${issue.source}: Statement[${m[1]}]${sid}${m[2] ? ` ${m[2]}` : ''}: ${issue.message}`;
}

export class PolicyValidationError extends Error {
  override readonly name = 'PolicyValidationError';
  constructor(readonly issues: PolicyIssue[]) {
    super(`Invalid IAM policy:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
  }
}

const TOP_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;

export interface ValidateOptions {
  /** Names the document in messages. */
  source: string;
  kind: PolicyKind;
  /** A bucket policy's bucket: AWS refuses a bucket policy naming resources outside it. */
  bucket?: string;
}

/** Returns every issue found; an empty list means AWS would accept the document. */
export function validateIamDocument(doc: unknown, options: ValidateOptions): PolicyIssue[] {
  const { source, kind } = options;
  const issues: PolicyIssue[] = [];
  const top = (path: string, message: string) => issues.push({ source, path, segments: path === '(document)' ? [] : [path], message });
  if (!isRecord(doc)) {
    top('(document)', 'a policy document must be a JSON object with "Version" and "Statement"');
    return issues;
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) top(key, `unknown element "${key}"; a policy has only Version, Id and Statement (check the spelling and case)`);
  }
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
    top('Version', `Version ${JSON.stringify(doc.Version)} is not valid; use "2012-10-17"`);
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') top('Id', 'Id must be a string');
  const raw = doc.Statement;
  if (raw === undefined) {
    top('Statement', 'Statement is missing; add a list of statements');
    return issues;
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) top('Statement', 'Statement is empty; add at least one statement');
  const sids = new Map<string, number>();
  list.forEach((st, index) => {
    const sid = isRecord(st) && typeof st.Sid === 'string' ? st.Sid : undefined;
    const at = (path: string, message: string) => issues.push({
      source, statementIndex: index, ...(sid !== undefined ? { sid } : {}), path: `Statement[${index}]${path ? `.${path}` : ''}`,
      segments: ['Statement', index, ...pathSegments(path)], message,
    });
    if (!isRecord(st)) {
      at('', 'each statement must be a JSON object');
      return;
    }
    validateStatement(st, kind, at);
    if (options.bucket !== undefined) bucketResourceIssues(st, options.bucket, at);
    if (sid !== undefined) {
      const first = sids.get(sid);
      if (first !== undefined) at('Sid', `Sid "${sid}" is also used by Statement[${first}]; Sids must be unique within a policy`);
      else sids.set(sid, index);
    }
  });
  return issues;
}

/** `Resource[1]` → ['Resource', 1]; `Condition.StringLike.s3:prefix` → ['Condition', 'StringLike', 's3:prefix']. */
function pathSegments(path: string): Array<string | number> {
  if (path === '') return [];
  if (path.startsWith('Condition.')) {
    const [, op, ...key] = path.split('.');
    return ['Condition', op!, ...(key.length ? [key.join('.')] : [])];
  }
  return path.split('.').flatMap((part) => {
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    return m ? [m[1]!, Number(m[2])] : [part];
  });
}

/** Like {@link validateIamDocument}, but throws a {@link PolicyValidationError} listing every issue. */
export function assertValidIamDocument(doc: unknown, options: ValidateOptions): void {
  const issues = validateIamDocument(doc, options);
  if (issues.length > 0) throw new PolicyValidationError(issues);
}

type At = (path: string, message: string) => void;

function validateStatement(st: Record<string, unknown>, kind: PolicyKind, at: At): void {
  for (const key of Object.keys(st)) {
    if (!STATEMENT_KEYS.has(key)) {
      at(key, `unknown element "${key}"; a statement has Sid, Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource and Condition (check the spelling and case)`);
    }
  }
  if (st.Sid !== undefined) {
    if (typeof st.Sid !== 'string') at('Sid', 'Sid must be a string');
    else if (kind === 'identity' && !/^[A-Za-z0-9]*$/.test(st.Sid)) {
      at('Sid', `Sid "${st.Sid}" may hold only letters and digits in an IAM policy; remove the other characters`);
    }
  }
  if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
    at('Effect', st.Effect === undefined
      ? 'Effect is missing; add "Effect": "Allow" or "Deny"'
      : `Effect ${JSON.stringify(st.Effect)} is not valid; use "Allow" or "Deny" (case-sensitive)`);
  }

  const hasPrincipal = st.Principal !== undefined;
  const hasNotPrincipal = st.NotPrincipal !== undefined;
  if (kind === 'resource') {
    if (hasPrincipal && hasNotPrincipal) at('Principal', 'use either Principal or NotPrincipal, not both');
    else if (!hasPrincipal && !hasNotPrincipal) at('Principal', 'a bucket policy statement needs a Principal, e.g. {"AWS": "arn:aws:iam::<account>:role/<name>"}');
  } else {
    const a = kind === 'identity' ? 'an identity' : 'a session';
    if (hasPrincipal) at('Principal', `${a} policy must not name a Principal: it applies to the role it is attached to; remove Principal`);
    if (hasNotPrincipal) at('NotPrincipal', `${a} policy must not name a NotPrincipal; remove it`);
  }
  if (hasPrincipal) validatePrincipal(st.Principal, 'Principal', at);
  if (hasNotPrincipal) validatePrincipal(st.NotPrincipal, 'NotPrincipal', at);

  exactlyOne(st, 'Action', 'NotAction', at, 'add "Action": ["s3:GetObject", ...]');
  for (const field of ['Action', 'NotAction'] as const) {
    if (st[field] === undefined) continue;
    stringList(st[field], field, at)?.forEach((action, i) => {
      if (action !== '*' && !ACTION.test(action)) {
        at(`${field}[${i}]`, `"${action}" is not an action; write "<service>:<action>", e.g. "s3:GetObject" (wildcards * and ? allowed)`);
      }
    });
  }

  exactlyOne(st, 'Resource', 'NotResource', at, 'add "Resource": ["arn:aws:s3:::<bucket>/<prefix>/*"]');
  for (const field of ['Resource', 'NotResource'] as const) {
    if (st[field] === undefined) continue;
    stringList(st[field], field, at)?.forEach((resource, i) => {
      const problem = arnProblem(resource);
      if (problem) at(`${field}[${i}]`, problem);
    });
  }

  if (st.Condition !== undefined) validateCondition(st.Condition, at);
}

/** A bucket policy may name only its bucket and the bucket's objects. */
function bucketResourceIssues(st: Record<string, unknown>, bucket: string, at: At): void {
  const own = `${S3_ARN_PREFIX}${bucket}`;
  for (const field of ['Resource', 'NotResource'] as const) {
    const value = st[field];
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).forEach((r: unknown, i) => {
      if (typeof r !== 'string' || r === own || r.startsWith(`${own}/`)) return;
      at(`${field}[${i}]`, `"${r}" is not in bucket ${bucket}; a bucket policy may name only ${own} and ${own}/<key pattern>`);
    });
  }
}

function exactlyOne(st: Record<string, unknown>, a: string, b: string, at: At, hint: string): void {
  if (st[a] !== undefined && st[b] !== undefined) at(a, `use either ${a} or ${b}, not both`);
  else if (st[a] === undefined && st[b] === undefined) at(a, `${a} is missing; ${hint}`);
}

function stringList(value: unknown, path: string, at: At): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  at(path, Array.isArray(value) && value.length === 0
    ? `${path} is an empty list; give at least one value`
    : `${path} must be a string or a list of strings`);
  return undefined;
}

function validatePrincipal(value: unknown, path: string, at: At): void {
  if (value === '*') return;
  if (!isRecord(value) || Object.keys(value).length === 0) {
    at(path, `${path} must be "*" or an object such as {"AWS": "arn:aws:iam::<account>:role/<name>"}`);
    return;
  }
  for (const [type, ids] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) {
      at(`${path}.${type}`, `unknown principal type "${type}"; use AWS, Service, Federated or CanonicalUser`);
      continue;
    }
    stringList(ids, `${path}.${type}`, at)?.forEach((id, i) => {
      if (type !== 'AWS' || id === '*' || /^\d{12}$/.test(id)) return;
      if (!/^arn:aws[a-z-]*:(iam|sts)::(\d{12}|aws):.+/.test(id)) {
        at(`${path}.${type}[${i}]`, `"${id}" is not an AWS principal; use "*", a 12-digit account ID or an ARN like arn:aws:iam::<account>:role/<name>`);
      } else if (id.slice(id.indexOf('::') + 2).includes('*')) {
        at(`${path}.${type}[${i}]`, `"${id}": AWS principals cannot hold wildcards (only "*" alone); name the role or session exactly`);
      }
    });
  }
}

/** Why a Resource entry is malformed, or undefined. S3 ARNs get the closest look. */
export function arnProblem(resource: string): string | undefined {
  if (resource === '*') return undefined;
  if (!resource.startsWith('arn:')) return `"${resource}" is not an ARN; write "*" or "arn:aws:s3:::<bucket>" / "arn:aws:s3:::<bucket>/<key pattern>"`;
  const parts = resource.split(':');
  if (parts.length < 6) return `"${resource}" has ${parts.length - 1} colons; an ARN is arn:<partition>:<service>:<region>:<account>:<resource> (S3: arn:aws:s3:::<bucket>)`;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const rest = parts.slice(5).join(':');
  if (!partition || !service) return `"${resource}" lacks a partition or service; S3 ARNs start with arn:aws:s3:::`;
  if (rest === '') return `"${resource}" names no resource; add the bucket, e.g. arn:aws:s3:::<bucket>`;
  // A field of only "*" matches the empty region or account of S3 bucket and object ARNs (AWS
  // matches each ARN field on its own), so arn:aws:s3:*:*:bucket/* is a valid bucket pattern.
  const coversEmpty = (field: string) => /^\**$/.test(field);
  if (service === 's3' && coversEmpty(region) && coversEmpty(account)) {
    if (rest.startsWith('/')) return `"${resource}" starts the bucket name with "/", so it never matches; write ${S3_ARN_PREFIX}${rest.replace(/^\/+/, '')}`;
  } else if (service === 's3' && !hasWildcard(`${region}:${account}`) && !/^(accesspoint|job|storage-lens|async-request|access-grants|multi-region-access-point)/.test(rest)) {
    return `"${resource}": bucket and object ARNs have empty region and account fields; write ${S3_ARN_PREFIX}${rest}`;
  }
  return undefined;
}

function validateCondition(value: unknown, at: At): void {
  if (!isRecord(value)) {
    at('Condition', 'Condition must be an object: {"<operator>": {"<key>": <value or list>}}');
    return;
  }
  for (const [op, block] of Object.entries(value)) {
    const parsed = parseOperator(op);
    if (!parsed) {
      at(`Condition.${op}`, `"${op}" is not a condition operator${suggestOperator(op)}`);
      continue;
    }
    if (!isRecord(block) || Object.keys(block).length === 0) {
      at(`Condition.${op}`, `${op} must map condition keys to values, e.g. {"s3:prefix": ["public/*"]}`);
      continue;
    }
    for (const [key, v] of Object.entries(block)) {
      const path = `Condition.${op}.${key}`;
      if (!/^[^:\s]+:[^\s]+$/.test(key)) at(path, `"${key}" is not a condition key; keys look like "s3:prefix" or "aws:SourceIp"`);
      const values = Array.isArray(v) ? v : [v];
      if (values.length === 0) at(path, 'give at least one value');
      else if (!values.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) {
        at(path, 'condition values must be strings, numbers or booleans (or a list of them)');
      } else if (parsed.family === 'null' && !values.every((x) => String(x) === 'true' || String(x) === 'false')) {
        at(path, 'Null takes "true" (the key is absent) or "false" (the key is present)');
      } else if (parsed.family === 'bool' && !values.every((x) => ['true', 'false'].includes(String(x).toLowerCase()))) {
        at(path, 'Bool takes "true" or "false"');
      }
    }
  }
}

function suggestOperator(op: string): string {
  const m = /^(?:(ForAllValues|ForAnyValue|forallvalues|foranyvalue):)?(.*?)(IfExists|ifexists)?$/i.exec(op);
  const base = m?.[2] ?? op;
  const guess = AWS_OPERATOR_BASES.find((b) => b.toLowerCase() === base.toLowerCase());
  if (!guess) return '; use e.g. StringEquals, StringLike, NumericLessThan, Bool, IpAddress, Null (optionally ForAnyValue:/ForAllValues: and ...IfExists)';
  if (guess === 'Null' && m?.[3]) return '; Null has no IfExists form: use "Null"';
  const qualifier = m?.[1] ? `${m[1].toLowerCase() === 'forallvalues' ? 'ForAllValues' : 'ForAnyValue'}:` : '';
  return `; operators are case-sensitive: did you mean "${qualifier}${guess}${m?.[3] ? 'IfExists' : ''}"?`;
}
