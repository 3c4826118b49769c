/**
 * The last stage: the clauses of one alternative merged into one MinIO Condition block, and that
 * block written out.
 */
import { MULTI_VALUED_KEYS } from '../minio-model.js';
import type { IamStatement } from '../types.js';
import { unique, type Conj } from './model.js';

type Merged = { kind: 'ok'; conj: Conj; dropped?: string } | { kind: 'false' } | { kind: 'conflict'; key: string };

/**
 * One MinIO Condition block cannot hold the same operator and key twice. Clauses that meet are
 * combined where the result is exact; otherwise an Allow drops the alternative and a Deny keeps
 * the first clause only (broader).
 */
export function mergeConj(conj: Conj, effect: 'Allow' | 'Deny'): Merged {
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

export function toConditionBlock(conj: Conj): IamStatement['Condition'] | undefined {
  if (conj.length === 0) return undefined;
  const block: NonNullable<IamStatement['Condition']> = {};
  for (const c of conj) (block[c.op] ??= {})[c.key] = c.values;
  return block;
}
