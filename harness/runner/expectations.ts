import type { Observed } from '../results.js';
import type { Expectation } from '../scenario/types.js';

const describe = (o: Observed): string => (o.errorName && o.outcome !== 'allow' ? `${o.outcome} (${o.errorName})` : o.outcome);

/** Compares what happened with what the file expects; each mismatch is one line of explanation. */
export function compareWithExpectation(expected: Expectation, observed: Observed): string[] {
  const reasons: string[] = [];
  if (expected.outcome !== observed.outcome) {
    reasons.push(`expected ${expected.outcome}, got ${describe(observed)}${observed.message && observed.outcome !== 'allow' ? `: ${observed.message}` : ''}`);
    return reasons;
  }
  if (expected.error !== undefined && expected.error !== observed.errorName) {
    reasons.push(`expected error ${expected.error}, got ${observed.errorName ?? 'no error'}`);
  }
  if (expected.body !== undefined && expected.body !== observed.body) {
    reasons.push(`expected body ${JSON.stringify(expected.body)}, got ${observed.body === undefined ? 'no body' : JSON.stringify(observed.body)}`);
  }
  if (expected.keys !== undefined) {
    const want = [...new Set(expected.keys)].sort();
    const got = [...new Set(observed.keys ?? [])].sort();
    const missing = want.filter((k) => !got.includes(k));
    const extra = got.filter((k) => !want.includes(k));
    if (missing.length > 0) reasons.push(`list is missing ${missing.join(', ')}`);
    if (extra.length > 0) reasons.push(`list has unexpected ${extra.join(', ')}`);
  }
  if (expected.contains !== undefined) {
    const got = new Set(observed.keys ?? []);
    const missing = expected.contains.filter((k) => !got.has(k));
    if (missing.length > 0) reasons.push(`list does not contain ${missing.join(', ')}`);
  }
  return reasons;
}
