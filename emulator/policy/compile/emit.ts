/**
 * A clause on a key MinIO evaluates itself, written in MinIO's terms: its operator and key
 * spelling, values MinIO can parse, and the rewrites that give MinIO AWS's meaning (IfExists as
 * "absent OR operator", negated qualifiers swapped, "" read as absent for keys MinIO always sets).
 */
import { parseOperator, type ParsedOperator } from '../aws-model.js';
import { MINIO_ALWAYS_SET, MINIO_EMPTY_WHEN_ABSENT, type MinioAction } from '../minio-model.js';
import { resolveVariables } from '../variables.js';
import { evaluateStatically } from './evaluate.js';
import { unique, type ClauseOutcome, type Ctx, type MClause } from './model.js';

const BASE_OP = (op: ParsedOperator): ParsedOperator => ({ ...op, ifExists: false, raw: op.raw.replace(/IfExists$/, '') });

/** The clause for a key MinIO evaluates itself. */
export function toMinio(op: ParsedOperator, key: string, values: ReadonlyArray<string | number | boolean>, action: MinioAction, ctx: Ctx): ClauseOutcome {
  if (op.ifExists && !(op.base === 'NumericGreaterThan' && !op.qualifier)) {
    // XIfExists(k) = Null(k) OR X(k): two statements instead of one.
    const absent = toMinio(parseOperator('Null')!, key, ['true'], action, ctx);
    const base = toMinio(BASE_OP(op), key, values, action, ctx);
    if (absent.kind === 'unsupported') return absent;
    if (base.kind === 'unsupported') return base;
    if (absent.kind === 'true' || base.kind === 'true') return { kind: 'true' };
    const alts = [...(absent.kind === 'alts' ? absent.alts : []), ...(base.kind === 'alts' ? base.alts : [])];
    if (alts.length === 0) return { kind: 'false', why: 'neither branch can hold' };
    return { kind: 'alts', alts, note: 'has no MinIO operator; written as "key absent" OR the plain operator (two statements)' };
  }
  const unsupported = (why: string): ClauseOutcome => ({ kind: 'unsupported', why });
  const one = (clause: MClause): ClauseOutcome => ({ kind: 'alts', alts: [[clause]] });
  const orEach = (opName: string, vs: string[]): ClauseOutcome => ({ kind: 'alts', alts: vs.map((v) => [{ op: opName, key, values: [v] }]) });
  const opName = (q: ParsedOperator['qualifier'], base: string) => (q ? `${q}:${base}` : base);
  // AWS: a negated operator is true when the request lacks the key; MinIO's numeric and date
  // operators are false then (its string operators already agree with AWS).
  const orAbsent = (clause: MClause): ClauseOutcome => (MINIO_ALWAYS_SET.has(key)
    ? one(clause)
    : { kind: 'alts', alts: [[{ op: 'Null', key, values: ['true'] }], [clause]], note: 'is true in AWS when the request has no such key, false in MinIO; written as "key absent" OR the operator (two statements)' });

  switch (op.family) {
    case 'string': {
      const mode = op.base.endsWith('Like') ? 'pattern' : 'literal';
      const strings: string[] = [];
      for (const v of values) {
        const r = resolveVariables(String(v), mode, ctx.variablesSupported, ctx.staticContext);
        if (r.kind === 'absent') return unsupported(`${r.variable} has no value for a role session`);
        if (r.kind === 'inexact') return unsupported(r.problems.join('; '));
        strings.push(r.value);
      }
      const invalid = minioStringValueProblem(op.base, key, strings);
      if (invalid) return unsupported(invalid);
      // MinIO applies the qualifier before negating, AWS negates each value: swap for negated ops.
      const qualifier = op.negated && op.qualifier ? (op.qualifier === 'ForAllValues' ? 'ForAnyValue' : 'ForAllValues') : op.qualifier;
      const clause: MClause = { op: opName(qualifier, op.base), key, values: unique(strings) };
      if (MINIO_EMPTY_WHEN_ABSENT.has(key)) {
        const whenAbsent = evaluateStatically(op, strings, undefined)!;
        const whenEmpty = evaluateStatically(op, strings, ['']);
        if (whenEmpty !== undefined && whenEmpty !== whenAbsent) {
          const note = `: MinIO sees "" where AWS has no ${key}; corrected`;
          return whenAbsent
            ? { kind: 'alts', alts: [[clause], [{ op: 'StringEquals', key, values: [''] }]], note }
            : { kind: 'alts', alts: [[clause, { op: 'StringNotEquals', key, values: [''] }]], note };
        }
      }
      return one(clause);
    }
    case 'numeric': {
      if (op.qualifier) return unsupported(`MinIO ignores ${op.qualifier} on numeric operators`);
      const ints: string[] = [];
      for (const v of values) {
        const s = String(v).trim();
        if (!/^-?\d+$/.test(s)) return unsupported(`MinIO compares integers only, not ${JSON.stringify(v)}`);
        ints.push(String(Number.parseInt(s, 10)));
      }
      const name = op.ifExists ? 'NumericGreaterThanIfExists' : op.base;
      if (ints.length === 1) return op.negated ? orAbsent({ op: name, key, values: ints }) : one({ op: name, key, values: ints });
      if (op.negated) return unsupported(`${op.base} with several values (none may equal) has no MinIO form`);
      return orEach(name, unique(ints));
    }
    case 'date': {
      if (op.qualifier) return unsupported(`MinIO ignores ${op.qualifier} on date operators`);
      // MinIO keeps aws:EpochTime as seconds, which its date operators cannot parse; aws:CurrentTime is the same instant.
      const dateKey = key === 'aws:EpochTime' ? 'aws:CurrentTime' : key;
      const dates: string[] = [];
      for (const v of values) {
        const d = toRfc3339(v);
        if (!d) return unsupported(`${JSON.stringify(v)} is not a date MinIO can read`);
        dates.push(d);
      }
      if (dates.length === 1) {
        const clause = { op: op.base, key: dateKey, values: dates };
        return op.negated ? orAbsent(clause) : one(clause);
      }
      if (op.negated) return unsupported(`${op.base} with several values has no MinIO form`);
      return { kind: 'alts', alts: unique(dates).map((d) => [{ op: op.base, key: dateKey, values: [d] }]) };
    }
    case 'bool': {
      if (key !== 'aws:SecureTransport') return unsupported(`MinIO's Bool only takes aws:SecureTransport`);
      const vs = unique(values.map((v) => String(v).toLowerCase()));
      if (vs.length !== 1) return unsupported('Bool with both "true" and "false"');
      return one({ op: 'Bool', key, values: vs });
    }
    case 'ip': {
      if (key !== 'aws:SourceIp') return unsupported(`MinIO's ${op.base} only takes aws:SourceIp`);
      if (op.qualifier) return unsupported(`MinIO ignores ${op.qualifier} on ${op.base}`);
      const cidrs: string[] = [];
      for (const v of values) {
        const c = normaliseCidr(String(v));
        if (!c) return unsupported(`${JSON.stringify(v)} is not an IP address or CIDR block`);
        cidrs.push(c);
      }
      return one({ op: op.base, key, values: unique(cidrs) });
    }
    case 'null': {
      if (values.length !== 1) return unsupported('Null takes exactly one value');
      const absent = String(values[0]).toLowerCase() === 'true';
      if (MINIO_EMPTY_WHEN_ABSENT.has(key)) {
        return {
          kind: 'alts',
          alts: [[{ op: absent ? 'StringEquals' : 'StringNotEquals', key, values: [''] }]],
          note: `: MinIO sees "" where AWS has no ${key}; written as a comparison with ""`,
        };
      }
      return one({ op: 'Null', key, values: [absent ? 'true' : 'false'] });
    }
    case 'binary': {
      const vs = values.map(String);
      if (!vs.every((v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0)) return unsupported('BinaryEquals values must be base64');
      return one({ op: opName(op.qualifier, 'BinaryEquals'), key, values: unique(vs) });
    }
    case 'arn':
      return unsupported(`MinIO has no ${op.base} operator`);
  }
}

/** MinIO's validateStringValues: values it refuses make it reject the whole policy. */
function minioStringValueProblem(base: string, key: string, values: string[]): string | undefined {
  for (const v of values) {
    if (key === 's3:x-amz-copy-source') {
      const path = v.replace(/^\//, '');
      const slash = path.indexOf('/');
      const bucket = slash === -1 ? path : path.slice(0, slash);
      if (slash === -1 || slash === path.length - 1) return `MinIO needs "<bucket>/<key>" for s3:x-amz-copy-source, not ${JSON.stringify(v)}`;
      if (!isMinioBucketName(bucket)) return `MinIO needs a literal bucket name in s3:x-amz-copy-source, not ${JSON.stringify(bucket)}`;
    }
    if (base === 'StringLike' || base === 'StringNotLike') continue;
    if (key === 's3:x-amz-server-side-encryption-customer-algorithm' && v !== 'AES256') return `MinIO accepts only "AES256" for ${key}`;
    if (key === 's3:x-amz-server-side-encryption' && v !== 'AES256' && v !== 'aws:kms') return `MinIO accepts only "AES256" or "aws:kms" for ${key}`;
    if (key === 's3:x-amz-metadata-directive' && v !== 'COPY' && v !== 'REPLACE') return `MinIO accepts only COPY or REPLACE for ${key}`;
    if (key === 's3:x-amz-content-sha256' && v === '') return `MinIO refuses an empty ${key}`;
  }
  return undefined;
}

/** minio-go s3utils.CheckValidBucketName. */
function isMinioBucketName(b: string): boolean {
  if (b.trim() === '' || b.length < 3 || b.length > 63) return false;
  if (/^(\d+\.){3}\d+$/.test(b)) return false;
  if (b.includes('..') || b.includes('.-') || b.includes('-.')) return false;
  return /^[A-Za-z0-9][A-Za-z0-9._:-]{1,61}[A-Za-z0-9]$/.test(b);
}

/** AWS date values (ISO 8601 or epoch seconds) as RFC 3339, the only form MinIO parses. */
function toRfc3339(v: string | number | boolean): string | undefined {
  if (typeof v === 'boolean') return undefined;
  const s = String(v).trim();
  const ms = /^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function normaliseCidr(v: string): string | undefined {
  const [addr, bits, extra] = v.split('/');
  if (extra !== undefined || !addr) return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (v4) {
    if (v4.slice(1).some((o) => Number(o) > 255)) return undefined;
    if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= 32)) return undefined;
    return `${addr}/${bits ?? '32'}`;
  }
  if (addr.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr)) {
    // MinIO appends "/32" to a bare address; an IPv6 address alone means /128.
    if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= 128)) return undefined;
    return `${addr}/${bits ?? '128'}`;
  }
  return undefined;
}
