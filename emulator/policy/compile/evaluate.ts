/**
 * AWS's evaluation of one condition clause, for values known when compiling (a key AWS never
 * sets for the action, or one the role fixes). Never used to decide an S3 request.
 */
import type { ParsedOperator } from '../aws-model.js';
import { arnMatch, globMatch } from '../glob.js';

export const hasVar = (values: ReadonlyArray<string | number | boolean>) => values.some((v) => typeof v === 'string' && v.includes('${'));

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
