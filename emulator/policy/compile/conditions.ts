/**
 * Stage 3 of a statement, per action: each condition clause translated. A clause on a key whose
 * value is known now (AWS never sets it for the action, or the role fixes it) is evaluated as AWS
 * would (evaluate.ts); one MinIO evaluates itself is written in MinIO's terms (emit.ts); the
 * clauses of a statement become a list of alternatives (OR of ANDs), merged per MinIO statement
 * (merge.ts).
 */
import { isKnownAbsent, parseOperator } from '../aws-model.js';
import { COGNITO_KEY_TO_MINIO } from '../constants.js';
import { minioAcceptsKey, minioKeyName, type MinioAction } from '../minio-model.js';
import type { IamStatement } from '../types.js';
import { toMinio } from './emit.js';
import { evaluateStatically } from './evaluate.js';
import { mergeConj } from './merge.js';
import {
  MAX_ALTERNATIVES, asList, uniqueBy, type ClauseOutcome, type Conj, type Ctx, type DroppedPart, type MClause, type SourceClause,
  type StatementCtx,
} from './model.js';

export function parseClauses(st: IamStatement): SourceClause[] {
  const out: SourceClause[] = [];
  for (const [opRaw, block] of Object.entries(st.Condition ?? {})) {
    for (const [key, v] of Object.entries(block)) {
      out.push({ opRaw, op: parseOperator(opRaw), key, values: asList(v) });
    }
  }
  return out;
}

/**
 * MinIO checks s3:GetObject for every GET and HEAD, with or without versionId, and lets a
 * statement holding s3:GetObjectVersion match it too. AWS checks s3:GetObject only for requests
 * without a version ID and s3:GetObjectVersion only for requests with one. MinIO's s3:versionid
 * is "" exactly when the request names no version, so each action is confined to its own
 * requests. A statement granting both under the same conditions needs neither clause.
 */
const VERSION_GATES: Readonly<Record<string, MClause>> = {
  's3:GetObject': { op: 'StringEquals', key: 's3:versionid', values: [''] },
  's3:GetObjectVersion': { op: 'StringNotEquals', key: 's3:versionid', values: [''] },
};

/** True when the statement grants s3:GetObject and s3:GetObjectVersion under the same conditions. */
export function grantsBothGetForms(actions: readonly MinioAction[], clauses: SourceClause[], ctx: Ctx, s: StatementCtx): boolean {
  const get = actions.find((a) => a.name === 's3:GetObject');
  const version = actions.find((a) => a.name === 's3:GetObjectVersion');
  if (!get || !version) return false;
  const silent = () => {};
  return JSON.stringify(conditionsFor(get, clauses, ctx, s, silent, false)) === JSON.stringify(conditionsFor(version, clauses, ctx, s, silent, false));
}

export function conditionsFor(
  action: MinioAction,
  clauses: SourceClause[],
  ctx: Ctx,
  s: StatementCtx,
  note: (message: string, action: MinioAction, dropped?: DroppedPart) => void,
  /** Whether s3:GetObject / s3:GetObjectVersion get the clause that tells them apart (see {@link VERSION_GATES}). */
  versionGate = true,
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
          note(`Allow dropped (fail closed): condition ${what}: ${outcome.why}`, action,
            { kind: 'action', item: action.name, reason: `condition ${what}: ${outcome.why}` });
          return never();
        }
        note(`condition ${what} dropped, so the Deny applies more widely (fail closed): ${outcome.why}`, action,
          { kind: 'condition', item: what, reason: outcome.why });
        continue;
      case 'alts': {
        if (outcome.note) note(`condition ${what} ${outcome.note}`, action);
        const next = product.flatMap((conj) => outcome.alts.map((alt) => [...conj, ...alt]));
        if (next.length > MAX_ALTERNATIVES) {
          const why = `it needs more than ${MAX_ALTERNATIVES} MinIO statements`;
          if (s.effect === 'Allow') {
            note(`Allow dropped (fail closed): condition ${what}: ${why}`, action, { kind: 'action', item: action.name, reason: why });
            return never();
          }
          note(`condition ${what} dropped, so the Deny applies more widely (fail closed): ${why}`, action, { kind: 'condition', item: what, reason: why });
          continue;
        }
        product = next;
      }
    }
  }
  const gate = versionGate ? VERSION_GATES[action.name] : undefined;
  if (gate) product = product.map((conj) => [...conj, gate]);
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

