/**
 * What AWS IAM does that the compiler must reproduce: condition operators and which S3 condition
 * keys exist in the request context of which action.
 *
 * Sources: the IAM policy grammar and condition-operator reference, and the Service
 * Authorization Reference for Amazon S3 (actions → condition keys). Where a pairing is not
 * certain it is treated as "may be present", which only ever makes the compiler stricter.
 */

import type { ActionLevel, MinioAction } from './minio-model.js';

export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

export interface ParsedOperator {
  /** As written in the policy. */
  raw: string;
  qualifier?: 'ForAllValues' | 'ForAnyValue';
  /** Without qualifier and without IfExists, e.g. StringLike. */
  base: string;
  ifExists: boolean;
  family: OperatorFamily;
  /** String*Not*, NotIpAddress, Numeric/DateNotEquals, ArnNot*. */
  negated: boolean;
}

const BASES: Readonly<Record<string, { family: OperatorFamily; negated: boolean }>> = {
  StringEquals: { family: 'string', negated: false },
  StringNotEquals: { family: 'string', negated: true },
  StringEqualsIgnoreCase: { family: 'string', negated: false },
  StringNotEqualsIgnoreCase: { family: 'string', negated: true },
  StringLike: { family: 'string', negated: false },
  StringNotLike: { family: 'string', negated: true },
  NumericEquals: { family: 'numeric', negated: false },
  NumericNotEquals: { family: 'numeric', negated: true },
  NumericLessThan: { family: 'numeric', negated: false },
  NumericLessThanEquals: { family: 'numeric', negated: false },
  NumericGreaterThan: { family: 'numeric', negated: false },
  NumericGreaterThanEquals: { family: 'numeric', negated: false },
  DateEquals: { family: 'date', negated: false },
  DateNotEquals: { family: 'date', negated: true },
  DateLessThan: { family: 'date', negated: false },
  DateLessThanEquals: { family: 'date', negated: false },
  DateGreaterThan: { family: 'date', negated: false },
  DateGreaterThanEquals: { family: 'date', negated: false },
  Bool: { family: 'bool', negated: false },
  BinaryEquals: { family: 'binary', negated: false },
  IpAddress: { family: 'ip', negated: false },
  NotIpAddress: { family: 'ip', negated: true },
  ArnEquals: { family: 'arn', negated: false },
  ArnLike: { family: 'arn', negated: false },
  ArnNotEquals: { family: 'arn', negated: true },
  ArnNotLike: { family: 'arn', negated: true },
  Null: { family: 'null', negated: false },
};

export const AWS_OPERATOR_BASES: readonly string[] = Object.keys(BASES);

/** Parses a condition operator as AWS accepts it (case-sensitive), or undefined when AWS would reject it. */
export function parseOperator(raw: string): ParsedOperator | undefined {
  let rest = raw;
  let qualifier: ParsedOperator['qualifier'];
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const q = rest.slice(0, colon);
    if (q !== 'ForAllValues' && q !== 'ForAnyValue') return undefined;
    qualifier = q;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const info = BASES[rest];
  if (!info) return undefined;
  if (ifExists && rest === 'Null') return undefined;
  return { raw, ...(qualifier ? { qualifier } : {}), base: rest, ifExists, ...info };
}

/** Key namespaces AWS never puts into the request context of an S3 call made with role-session credentials. */
const ABSENT_NAMESPACES = ['jwt:', 'ldap:', 'svc:', 'sts:', 'saml:', 'accounts.google.com:', 'graph.facebook.com:', 'www.amazon.com:'];

/** Global keys absent for role sessions (aws:username exists only for IAM users; aws:groups is not an AWS key). */
const ABSENT_GLOBAL = new Set(['aws:username', 'aws:groups']);

const OBJECT_READS_AND_DELETES = new Set([
  's3:getobject', 's3:getobjectversion', 's3:deleteobject', 's3:deleteobjectversion', 's3:abortmultipartupload',
  's3:listmultipartuploadparts', 's3:getobjectattributes', 's3:getobjectversionattributes', 's3:getobjecttagging',
  's3:getobjectversiontagging', 's3:deleteobjecttagging', 's3:deleteobjectversiontagging', 's3:getobjectretention',
  's3:getobjectlegalhold',
]);

/**
 * True when AWS certainly has no value for this key when it evaluates this action for a
 * Cognito role session (so a positive operator is false and a negated one true).
 */
export function isKnownAbsent(key: string, action: MinioAction): boolean {
  const k = key.toLowerCase();
  const a = action.name.toLowerCase();
  const level: ActionLevel = action.level;
  if (ABSENT_NAMESPACES.some((ns) => k.startsWith(ns))) return true;
  if (ABSENT_GLOBAL.has(k)) return true;
  const base = k.split('/')[0]!;
  switch (base) {
    case 's3:prefix':
    case 's3:delimiter':
    case 's3:max-keys':
      return a !== 's3:listbucket' && a !== 's3:listbucketversions';
    case 's3:locationconstraint':
      return a !== 's3:createbucket';
    case 's3:x-amz-copy-source':
    case 's3:x-amz-metadata-directive':
      return a !== 's3:putobject';
    case 's3:versionid':
      return level !== 'object' || ['s3:getobject', 's3:putobject', 's3:deleteobject', 's3:abortmultipartupload',
        's3:listmultipartuploadparts', 's3:getobjectattributes'].includes(a);
    case 's3:x-amz-server-side-encryption':
    case 's3:x-amz-server-side-encryption-aws-kms-key-id':
    case 's3:x-amz-storage-class':
      return level !== 'object' || OBJECT_READS_AND_DELETES.has(a);
    case 's3:x-amz-server-side-encryption-customer-algorithm':
      return level !== 'object' || (OBJECT_READS_AND_DELETES.has(a) && a !== 's3:getobject' && a !== 's3:getobjectversion');
    case 's3:object-lock-mode':
    case 's3:object-lock-retain-until-date':
    case 's3:object-lock-remaining-retention-days':
    case 's3:object-lock-legal-hold':
      return level !== 'object' || OBJECT_READS_AND_DELETES.has(a);
    case 's3:requestobjecttag':
    case 's3:requestobjecttagkeys':
      return level === 'service' || (level === 'bucket' && a !== 's3:putbuckettagging') || OBJECT_READS_AND_DELETES.has(a);
    case 's3:existingobjecttag':
      return level !== 'object' || a === 's3:putobject';
    default:
      return false;
  }
}

/** Policy variables AWS resolves for role sessions (after the compiler's own mapping). */
export const KNOWN_ABSENT_VARIABLE = (name: string): boolean => {
  const k = name.toLowerCase();
  return ABSENT_NAMESPACES.some((ns) => k.startsWith(ns)) || ABSENT_GLOBAL.has(k);
};
