/**
 * AWS IAM policy → MinIO canned policy that MinIO evaluates with AWS's meaning.
 *
 * MinIO's engine (minio/pkg v3.1.3) differs from AWS in ways that would silently grant or refuse
 * access; each difference is closed here. The rule for what cannot be closed exactly is
 * "fail closed": an Allow may only lose permissions (never gain), a Deny may only apply more
 * widely (never less). Every decision is reported in plain words naming the document and the
 * statement.
 *
 * The compilation is per statement, so compiling documents one by one and concatenating the
 * results equals compiling their concatenation.
 *
 * Per statement:
 * 1. Principal / NotPrincipal: removed (identity policies name none; MinIO rejects them).
 * 2. Actions and NotAction are expanded to the explicit actions MinIO and AWS both know
 *    (AWS action names are case-insensitive, MinIO's are not; MinIO rejects unknown actions).
 * 3. Resources are filtered per action level: bucket-level actions keep only patterns that can
 *    match a bucket ARN (MinIO matches them against `bucket/`, so `bucket/*` would grant
 *    s3:ListBucket); object-level actions keep patterns that can match an object ARN.
 * 4. Conditions are decided per action: keys AWS never sets for that action are evaluated now
 *    (positive operators false, negated true), keys and operators MinIO lacks fail closed,
 *    `...IfExists` becomes "key absent OR operator", negated multi-value qualifiers are swapped
 *    to MinIO's reading, keys MinIO sets to "" where AWS leaves them out are corrected.
 * 5. Actions with the same resources and conditions are grouped back into one statement, so each
 *    MinIO statement only carries keys MinIO accepts for all of its actions.
 */

import { isKnownAbsent, parseOperator, type ParsedOperator } from './aws-model.js';
import { COGNITO_KEY_TO_MINIO, POLICY_VERSION, S3_ARN_PREFIX } from './constants.js';
import { arnMatch, globMatch, hasWildcard } from './glob.js';
import {
  MINIO_ACTIONS, MINIO_EMPTY_WHEN_ABSENT, MULTI_VALUED_KEYS, expandActionPattern, minioAcceptsKey, minioAction,
  minioKeyName, type ActionLevel, type MinioAction,
} from './minio-model.js';
import type { IamPolicyDocument, IamStatement } from './types.js';
import { resolveVariables } from './variables.js';

export interface CompileOptions {
  /** Names the document in warnings (a file name, `role authenticated policy 1`, ...). */
  source: string;
  /**
   * Request-context values AWS would have that MinIO cannot supply, known ahead of time for this
   * role (e.g. `aws:PrincipalArn`, `aws:PrincipalAccount`). Conditions on them are decided now.
   * Key names are case-insensitive, as in AWS.
   */
  staticContext?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Amplify always talks HTTPS to S3, while MinIO behind the emulator sees plain HTTP. Default
   * true: `aws:SecureTransport` is decided as "true". false: MinIO evaluates it.
   */
  assumeSecureTransport?: boolean;
  /** Statement numbers to report when the document is a selection of another (bucket-policy statements for a role). */
  statementIndexes?: readonly number[];
}

export interface DroppedItem {
  source: string;
  statementIndex: number;
  sid?: string;
  kind: 'statement' | 'principal' | 'action' | 'resource' | 'condition';
  /** The action, resource, condition clause (`StringLike s3:prefix`) or principal dropped. */
  item: string;
  reason: string;
}

export interface CompileResult {
  /** A policy MinIO accepts: Version 2012-10-17, Statement always a list, explicit actions. */
  policy: IamPolicyDocument & { Statement: IamStatement[] };
  warnings: string[];
  dropped: DroppedItem[];
}

/** A condition clause in MinIO's terms: full operator name, MinIO key spelling, string values. */
interface MClause {
  op: string;
  key: string;
  values: string[];
}
type Conj = MClause[];

type ClauseOutcome =
  | { kind: 'true'; why?: string }
  | { kind: 'false'; why: string }
  | { kind: 'alts'; alts: Conj[]; note?: string }
  | { kind: 'unsupported'; why: string };

interface SourceClause {
  opRaw: string;
  op: ParsedOperator | undefined;
  key: string;
  values: Array<string | number | boolean>;
}

/** Upper bound on statements one source statement may turn into through OR-splitting. */
const MAX_ALTERNATIVES = 16;

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const unique = <T>(xs: readonly T[]): T[] => Array.from(new Set(xs));

/** Compiles one IAM document (identity, session, or bucket statements already picked for a role). */
export function compileForMinio(doc: IamPolicyDocument, options: CompileOptions): CompileResult {
  const warnings: string[] = [];
  const dropped: DroppedItem[] = [];
  const variablesSupported = doc.Version === POLICY_VERSION;
  if (doc.Version !== POLICY_VERSION) {
    warnings.push(`${options.source}: Version is ${doc.Version === undefined ? 'missing' : `"${doc.Version}"`}, so AWS reads "\${...}" literally (no policy variables); compiled as such`);
  }
  const statements: IamStatement[] = [];
  asList(doc.Statement).forEach((st, i) => {
    const index = options.statementIndexes?.[i] ?? i;
    statements.push(...compileStatement(st, index, { ...options, variablesSupported, warnings, dropped }));
  });
  return { policy: { Version: POLICY_VERSION, Statement: statements }, warnings, dropped };
}

interface Ctx extends CompileOptions {
  variablesSupported: boolean;
  warnings: string[];
  dropped: DroppedItem[];
}

interface StatementCtx {
  effect: 'Allow' | 'Deny';
  warn: (message: string) => void;
  drop: (kind: DroppedItem['kind'], item: string, reason: string) => void;
}

function compileStatement(st: IamStatement, index: number, ctx: Ctx): IamStatement[] {
  const sid = typeof st.Sid === 'string' ? st.Sid : undefined;
  const label = `${ctx.source} Statement[${index}]${sid !== undefined ? ` (Sid "${sid}")` : ''}`;
  const effect = st.Effect;
  const s: StatementCtx = {
    effect,
    warn: (message) => ctx.warnings.push(`${label}: ${message}`),
    drop: (kind, item, reason) => ctx.dropped.push({ source: ctx.source, statementIndex: index, ...(sid !== undefined ? { sid } : {}), kind, item, reason }),
  };
  const dropStatement = (reason: string): IamStatement[] => {
    s.warn(`statement dropped: ${reason}`);
    s.drop('statement', `Statement[${index}]`, reason);
    return [];
  };

  // 1. Principals.
  if (st.Principal !== undefined) {
    s.warn('Principal removed: an identity policy applies to the role it is attached to');
    s.drop('principal', JSON.stringify(st.Principal), 'identity policies name no Principal');
  }
  if (st.NotPrincipal !== undefined) {
    if (effect === 'Allow') return dropStatement('an Allow with NotPrincipal cannot be expressed for one role; dropped to fail closed');
    s.warn('NotPrincipal removed: the Deny now applies to this role in every case (fail closed)');
    s.drop('principal', JSON.stringify(st.NotPrincipal), 'NotPrincipal cannot be expressed in MinIO');
  }

  // 2. Actions.
  const actions = expandActions(st, s);
  if (actions.length === 0) return dropStatement('no action in it exists in MinIO');

  // 3. Resources, once per statement, then per level.
  const specs = resourceSpecs(prepareResources(st, ctx, s), actions, s);

  // 4. Conditions, per action.
  const clauses = parseClauses(st);
  const notes = new Map<string, string[]>();
  const note = (message: string, action: MinioAction) => {
    const list = notes.get(message);
    if (list) list.push(action.name);
    else notes.set(message, [action.name]);
  };

  const groups = new Map<string, { actions: string[]; spec: ResourceSpec; conj: Conj }>();
  for (const action of actions) {
    const spec = specs.get(action.level);
    if (!spec) continue;
    const alts = conditionsFor(action, clauses, ctx, s, note);
    for (const conj of alts) {
      const key = JSON.stringify([spec, conj]);
      const group = groups.get(key);
      if (group) group.actions.push(action.name);
      else groups.set(key, { actions: [action.name], spec, conj });
    }
  }
  for (const [message, names] of notes) s.warn(`${message} (${unique(names).join(', ')})`);

  if (groups.size === 0) return dropStatement('nothing in it can match in AWS or be expressed in MinIO');
  const out: IamStatement[] = [];
  for (const { actions: names, spec, conj } of groups.values()) {
    const condition = toConditionBlock(conj);
    out.push({
      ...(sid !== undefined ? { Sid: sid } : {}),
      Effect: effect,
      Action: names,
      ...spec,
      ...(condition ? { Condition: condition } : {}),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Actions

function expandActions(st: IamStatement, s: StatementCtx): MinioAction[] {
  if (st.NotAction !== undefined) {
    const patterns = asList(st.NotAction);
    const kept = MINIO_ACTIONS.filter((a) => a.aws && !patterns.some((p) => globMatch(p, a.name, { ignoreCase: true })));
    s.warn(`NotAction ${JSON.stringify(patterns)} expanded to the ${kept.length} S3 actions MinIO knows outside it`);
    return kept;
  }
  const out: MinioAction[] = [];
  for (const pattern of asList(st.Action)) {
    const matched = expandActionPattern(pattern);
    if (matched.length > 0) {
      out.push(...matched);
      continue;
    }
    const known = minioAction(pattern);
    let reason: string;
    if (known && !known.aws) reason = `${pattern} is a MinIO extension, not an AWS action, so AWS never grants it`;
    else if (!/^s3:/i.test(pattern) && pattern !== '*') reason = `${pattern} is not an S3 action; the emulator enforces S3 only`;
    else reason = `${pattern} is not an action MinIO knows (MinIO would reject the whole policy)`;
    s.warn(`action dropped: ${reason}`);
    s.drop('action', pattern, reason);
  }
  return unique(out);
}

// ---------------------------------------------------------------------------------------------
// Resources

interface PreparedResources {
  mode: 'Resource' | 'NotResource';
  /** `all` for "*"; otherwise the part after `arn:aws:s3:::`. */
  entries: Array<{ raw: string; all: boolean; pattern: string }>;
}

type ResourceSpec = { Resource: string[] } | { NotResource: string[] };

function prepareResources(st: IamStatement, ctx: Ctx, s: StatementCtx): PreparedResources {
  const mode = st.NotResource !== undefined ? 'NotResource' : 'Resource';
  // Where a broader pattern fails closed: a Deny's Resource, an Allow's NotResource.
  const wideningIsSafe = (mode === 'Resource') === (s.effect === 'Deny');
  const entries: PreparedResources['entries'] = [];
  const dropEntry = (raw: string, reason: string) => {
    s.warn(`${mode} ${raw} dropped: ${reason}`);
    s.drop('resource', raw, reason);
  };
  for (const raw of asList(mode === 'Resource' ? st.Resource : st.NotResource)) {
    if (raw === '*') {
      entries.push({ raw, all: true, pattern: '*' });
      continue;
    }
    let value = raw;
    const resolved = resolveVariables(raw, 'pattern', ctx.variablesSupported, ctx.staticContext);
    if (resolved.kind === 'absent') {
      dropEntry(raw, `${resolved.variable} has no value for a role session, so AWS never matches it`);
      continue;
    }
    if (resolved.kind === 'inexact') {
      if (wideningIsSafe && resolved.widened !== undefined) {
        s.warn(`${mode} ${raw} widened to ${resolved.widened} (fail closed): ${resolved.problems.join('; ')}`);
        value = resolved.widened;
      } else {
        dropEntry(raw, `${resolved.problems.join('; ')} (fail closed)`);
        continue;
      }
    } else {
      value = resolved.value;
    }
    if (value.startsWith(S3_ARN_PREFIX)) {
      const pattern = value.slice(S3_ARN_PREFIX.length);
      if (pattern === '' || pattern.startsWith('/')) {
        dropEntry(raw, 'a bucket name cannot be empty or start with "/", so it never matches');
        continue;
      }
      entries.push({ raw, all: false, pattern });
      continue;
    }
    const parts = value.split(':');
    const head = parts.slice(0, 5);
    if (parts.length >= 6 && head.every((part, i) => globMatch(part, ['arn', 'aws', 's3', '', ''][i]!))) {
      // e.g. arn:aws:s3:*:*:bucket/* — the wildcards cover the empty region and account.
      entries.push({ raw, all: false, pattern: parts.slice(5).join(':') });
      continue;
    }
    if (value.startsWith('arn:') && !hasWildcard(head.join(':'))) {
      dropEntry(raw, 'not an S3 bucket or object ARN (arn:aws:s3:::...); the emulator serves S3 buckets only');
      continue;
    }
    if (wideningIsSafe) {
      s.warn(`${mode} ${raw} read as "*" (fail closed): it cannot be matched exactly against S3 ARNs`);
      entries.push({ raw, all: true, pattern: '*' });
    } else {
      dropEntry(raw, 'it cannot be matched exactly against S3 ARNs (fail closed)');
    }
  }
  return { mode, entries: uniqueBy(entries, (e) => `${e.all}:${e.pattern}`) };
}

const uniqueBy = <T>(xs: T[], key: (x: T) => string): T[] => {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
};

const canMatchBucket = (e: { all: boolean; pattern: string }) => e.all || !e.pattern.includes('/');
const canMatchObject = (e: { all: boolean; pattern: string }) => e.all || /[/*?]/.test(e.pattern);
const isAllStars = (e: { all: boolean; pattern: string }) => e.all || /^\*+$/.test(e.pattern);

/**
 * MinIO matches a bucket-level action against `bucket/`. A pattern ending in `*` already covers
 * the slash; a plain name matches through MinIO's path.Clean comparison; a pattern with a
 * wildcard elsewhere (`b*x`, `b?`) would not, so it gets the slash appended.
 */
function bucketPatternForMinio(pattern: string): string {
  return hasWildcard(pattern) && !pattern.endsWith('*') ? `${pattern}/` : pattern;
}

function toArn(e: { all: boolean; pattern: string }, level: ActionLevel): string {
  if (e.all) return '*';
  return `${S3_ARN_PREFIX}${level === 'bucket' ? bucketPatternForMinio(e.pattern) : e.pattern}`;
}

/**
 * The Resource / NotResource of each action level present in the statement. An entry that fits
 * no level is reported, and so is a level left with nothing (`s3:ListBucket on
 * arn:aws:s3:::b/* never matches in AWS`); an entry that only some levels use is not.
 */
function resourceSpecs(res: PreparedResources, actions: MinioAction[], s: StatementCtx): Map<ActionLevel, ResourceSpec | undefined> {
  const levels = unique(actions.map((a) => a.level));
  const fits = (level: ActionLevel) => (level === 'bucket' ? canMatchBucket : level === 'object' ? canMatchObject : isAllStars);
  const specs = new Map<ActionLevel, ResourceSpec | undefined>();
  for (const level of levels) specs.set(level, resourcesForLevel(res, level, fits(level)));
  if (res.mode === 'NotResource') return specs;
  for (const level of levels) {
    const names = actions.filter((a) => a.level === level).map((a) => a.name);
    const levelEmpty = specs.get(level) === undefined;
    for (const e of res.entries.filter((x) => !fits(level)(x))) {
      const usedElsewhere = levels.some((l) => l !== level && fits(l)(e));
      if (usedElsewhere && !levelEmpty) continue;
      const fix = level === 'bucket' ? e.raw.slice(0, e.raw.indexOf('/', S3_ARN_PREFIX.length)) : level === 'object' ? `${e.raw}/*` : '"*"';
      const reason = `${names.join(', ')} on ${e.raw} never ${names.length > 1 ? 'match' : 'matches'} in AWS; use ${fix}`;
      s.warn(reason);
      s.drop('resource', `${e.raw} for ${names.join(', ')}`, reason);
    }
  }
  return specs;
}

function resourcesForLevel(res: PreparedResources, level: ActionLevel, fits: (e: PreparedResources['entries'][number]) => boolean): ResourceSpec | undefined {
  if (res.mode === 'Resource') {
    const kept = res.entries.filter(fits);
    return kept.length === 0 ? undefined : { Resource: unique(kept.map((e) => toArn(e, level))) };
  }
  // NotResource: entries that cannot match at this level exclude nothing there.
  if (level === 'service') return res.entries.some(isAllStars) ? undefined : { Resource: ['*'] };
  const kept = res.entries.filter(fits);
  if (kept.length === 0) return { Resource: ['*'] };
  if (kept.some((e) => e.all)) return undefined;
  return { NotResource: unique(kept.map((e) => toArn(e, level))) };
}

// ---------------------------------------------------------------------------------------------
// Conditions

function parseClauses(st: IamStatement): SourceClause[] {
  const out: SourceClause[] = [];
  for (const [opRaw, block] of Object.entries(st.Condition ?? {})) {
    for (const [key, v] of Object.entries(block)) {
      out.push({ opRaw, op: parseOperator(opRaw), key, values: asList(v) });
    }
  }
  return out;
}

function conditionsFor(
  action: MinioAction,
  clauses: SourceClause[],
  ctx: Ctx,
  s: StatementCtx,
  note: (message: string, action: MinioAction) => void,
): Conj[] {
  const never = (): Conj[] => [];
  let product: Conj[] = [[]];
  for (const clause of clauses) {
    const what = `${clause.opRaw} ${clause.key}`;
    const outcome = translateClause(clause, action, ctx);
    switch (outcome.kind) {
      case 'true':
        if (outcome.why) note(`condition ${what} is always true here (${outcome.why}); left out`, action);
        continue;
      case 'false':
        note(`condition ${what} is never true here (${outcome.why}), so the ${s.effect} never applies`, action);
        return never();
      case 'unsupported':
        if (s.effect === 'Allow') {
          note(`Allow dropped (fail closed): condition ${what}: ${outcome.why}`, action);
          s.drop('action', action.name, `condition ${what}: ${outcome.why}`);
          return never();
        }
        note(`condition ${what} dropped, so the Deny applies more widely (fail closed): ${outcome.why}`, action);
        s.drop('condition', what, outcome.why);
        continue;
      case 'alts': {
        if (outcome.note) note(`condition ${what} ${outcome.note}`, action);
        const next = product.flatMap((conj) => outcome.alts.map((alt) => [...conj, ...alt]));
        if (next.length > MAX_ALTERNATIVES) {
          const why = `it needs more than ${MAX_ALTERNATIVES} MinIO statements`;
          if (s.effect === 'Allow') {
            note(`Allow dropped (fail closed): condition ${what}: ${why}`, action);
            s.drop('action', action.name, why);
            return never();
          }
          note(`condition ${what} dropped, so the Deny applies more widely (fail closed): ${why}`, action);
          s.drop('condition', what, why);
          continue;
        }
        product = next;
      }
    }
  }
  if (action.name === 's3:GetObjectVersion') {
    // MinIO lets any statement holding s3:GetObjectVersion also match s3:GetObject. AWS checks
    // s3:GetObjectVersion only for requests naming a version, so requiring one is exact in AWS
    // and limits MinIO's extra match to versioned GETs, which AWS authorises with this action.
    product = product.map((conj) => [...conj, { op: 'StringNotEquals', key: 's3:versionid', values: [''] }]);
  }
  const result: Conj[] = [];
  for (const conj of product) {
    const merged = mergeConj(conj, s.effect);
    if (merged.kind === 'false') continue;
    if (merged.kind === 'conflict') {
      note(`Allow dropped (fail closed): two conditions on ${merged.key} cannot be combined in one MinIO statement`, action);
      continue;
    }
    if (merged.dropped) note(`condition ${merged.dropped} dropped, so the Deny applies more widely (fail closed): it cannot be combined with another condition on the same key`, action);
    result.push(merged.conj);
  }
  return uniqueBy(result, (c) => JSON.stringify(c));
}

/** Decides one source clause for one action. */
function translateClause(clause: SourceClause, action: MinioAction, ctx: Ctx): ClauseOutcome {
  const op = clause.op;
  if (!op) return { kind: 'unsupported', why: `"${clause.opRaw}" is not a condition operator` };
  const lower = clause.key.toLowerCase();
  const mapped = COGNITO_KEY_TO_MINIO[lower];

  const known = staticValues(lower, ctx);
  if (known !== undefined) {
    const result = evaluateStatically(op, clause.values, known);
    if (result === undefined) return { kind: 'unsupported', why: `${clause.opRaw} cannot be decided for ${clause.key}` };
    const why = `${clause.key} is ${JSON.stringify(known.length === 1 ? known[0] : known)} for this role`;
    return result ? { kind: 'true', why } : { kind: 'false', why };
  }
  if (!mapped && isKnownAbsent(clause.key, action)) {
    const result = evaluateStatically(op, clause.values, undefined);
    const why = `AWS has no ${clause.key} for ${action.name}`;
    return result ? { kind: 'true', why } : { kind: 'false', why };
  }
  const key = mapped ?? minioKeyName(clause.key);
  if (!key) return { kind: 'unsupported', why: `MinIO has no condition key ${clause.key}` };
  if (key === 'aws:userid') return { kind: 'unsupported', why: 'aws:userid differs between AWS (role ID:session) and MinIO (parent user)' };
  if (key === 's3:signatureAge') return { kind: 'unsupported', why: 'MinIO reads s3:signatureAge from a request header the client sets' };
  if (!minioAcceptsKey(action, key)) {
    return { kind: 'unsupported', why: `MinIO does not accept ${key} for ${action.name}` };
  }
  return toMinio(op, key, clause.values, action, ctx);
}

function staticValues(lowerKey: string, ctx: Ctx): readonly string[] | undefined {
  if (lowerKey === 'aws:securetransport' && ctx.assumeSecureTransport !== false) return ['true'];
  if (!ctx.staticContext) return undefined;
  for (const [k, v] of Object.entries(ctx.staticContext)) {
    if (k.toLowerCase() === lowerKey) return typeof v === 'string' ? [v] : v;
  }
  return undefined;
}

/** `${...}` in values cannot be decided ahead of time. */
const hasVar = (values: ReadonlyArray<string | number | boolean>) => values.some((v) => typeof v === 'string' && v.includes('${'));

/**
 * AWS's outcome of a clause for request values `request` (undefined: the key is absent), or
 * undefined when it cannot be decided here.
 */
export function evaluateStatically(op: ParsedOperator, values: ReadonlyArray<string | number | boolean>, request: readonly string[] | undefined): boolean | undefined {
  const present = request !== undefined && request.length > 0;
  if (op.family === 'null') {
    const wantAbsent = String(values[0]).toLowerCase() === 'true';
    return wantAbsent ? !present : present;
  }
  if (!present) {
    if (op.ifExists) return true;
    if (op.qualifier === 'ForAllValues') return true;
    if (op.qualifier === 'ForAnyValue') return false;
    return op.negated;
  }
  if (hasVar(values)) return undefined;
  const policy = values.map(String);
  const matchOne = (v: string): boolean | undefined => {
    switch (op.base) {
      case 'StringEquals': case 'StringNotEquals': return policy.includes(v);
      case 'StringEqualsIgnoreCase': case 'StringNotEqualsIgnoreCase': return policy.some((p) => p.toLowerCase() === v.toLowerCase());
      case 'StringLike': case 'StringNotLike': return policy.some((p) => globMatch(p, v));
      case 'ArnEquals': case 'ArnNotEquals': case 'ArnLike': case 'ArnNotLike': return policy.some((p) => arnMatch(p, v));
      case 'Bool': return policy.some((p) => p.toLowerCase() === v.toLowerCase());
      default: return undefined;
    }
  };
  const results = request.map(matchOne);
  if (results.some((r) => r === undefined)) return undefined;
  const r = results as boolean[];
  if (op.qualifier === 'ForAllValues') return r.every((m) => (op.negated ? !m : m));
  if (op.qualifier === 'ForAnyValue') return r.some((m) => (op.negated ? !m : m));
  const any = r.some(Boolean);
  return op.negated ? !any : any;
}

const BASE_OP = (op: ParsedOperator): ParsedOperator => ({ ...op, ifExists: false, raw: op.raw.replace(/IfExists$/, '') });

/** The clause for a key MinIO evaluates itself. */
function toMinio(op: ParsedOperator, key: string, values: ReadonlyArray<string | number | boolean>, action: MinioAction, ctx: Ctx): ClauseOutcome {
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
      if (ints.length === 1) return one({ op: name, key, values: ints });
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
      if (dates.length === 1) return { kind: 'alts', alts: [[{ op: op.base, key: dateKey, values: dates }]] };
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

type Merged = { kind: 'ok'; conj: Conj; dropped?: string } | { kind: 'false' } | { kind: 'conflict'; key: string };

/**
 * One MinIO Condition block cannot hold the same operator and key twice. Clauses that meet are
 * combined where the result is exact; otherwise an Allow drops the alternative and a Deny keeps
 * the first clause only (broader).
 */
function mergeConj(conj: Conj, effect: 'Allow' | 'Deny'): Merged {
  const out: Conj = [];
  let dropped: string | undefined;
  for (const c of conj) {
    const i = out.findIndex((x) => x.op === c.op && x.key === c.key);
    if (i === -1) {
      out.push({ ...c, values: [...c.values] });
      continue;
    }
    const prev = out[i]!;
    if (JSON.stringify([...prev.values].sort()) === JSON.stringify([...c.values].sort())) continue;
    if (['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike'].includes(c.op)) {
      out[i] = { ...prev, values: unique([...prev.values, ...c.values]) };
      continue;
    }
    if (c.op === 'StringEquals' && !MULTI_VALUED_KEYS.has(c.key)) {
      const both = prev.values.filter((v) => c.values.includes(v));
      if (both.length === 0) return { kind: 'false' };
      out[i] = { ...prev, values: both };
      continue;
    }
    if (c.op === 'Null') return { kind: 'false' };
    if (effect === 'Allow') return { kind: 'conflict', key: c.key };
    dropped = `${c.op} ${c.key}`;
  }
  // StringEquals "" with StringNotEquals "" on the same key never holds.
  for (const c of out) {
    if (c.op === 'StringEquals' && c.values.length === 1 && c.values[0] === ''
      && out.some((x) => x.op === 'StringNotEquals' && x.key === c.key && x.values.includes(''))) return { kind: 'false' };
  }
  return dropped ? { kind: 'ok', conj: out, dropped } : { kind: 'ok', conj: out };
}

function toConditionBlock(conj: Conj): IamStatement['Condition'] | undefined {
  if (conj.length === 0) return undefined;
  const block: NonNullable<IamStatement['Condition']> = {};
  for (const c of conj) (block[c.op] ??= {})[c.key] = c.values;
  return block;
}
