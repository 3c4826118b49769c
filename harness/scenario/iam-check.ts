/** Rules for IAM policy documents that the schema cannot express, in AWS's terms. */
import { describePath } from './schema-check.js';
import type { Anchor, Segment } from './yaml-source.js';

export type PolicyKind = 'bucket' | 'identity';

export interface PolicyProblem {
  path: Segment[];
  anchor: Anchor;
  message: string;
}

/**
 * `kind` bucket: a bucket policy (each statement names a Principal);
 * identity: a policy attached to a role (no Principal).
 * Statements that are not mappings are left to the schema check.
 */
export function checkPolicyDocument(document: unknown, kind: PolicyKind): PolicyProblem[] {
  if (!isRecord(document)) return [];
  const statement = document['Statement'];
  const statements: Array<[Segment[], unknown]> = Array.isArray(statement)
    ? statement.map((s, i) => [['Statement', i], s])
    : [[['Statement'], statement]];
  const problems: PolicyProblem[] = [];
  for (const [path, s] of statements) {
    if (!isRecord(s)) continue;
    const name = describePath(path);
    const pair = (a: string, b: string, example: string): void => {
      if (!(a in s) && !(b in s)) {
        problems.push({ path, anchor: 'container', message: `${name} has no ${a}; add "${a}": ${example} (or ${b})` });
      } else if (a in s && b in s) {
        problems.push({ path: [...path, b], anchor: 'key', message: `${name} has both ${a} and ${b}; keep one of them` });
      }
    };
    pair('Action', 'NotAction', '["s3:GetObject"]');
    pair('Resource', 'NotResource', '["arn:aws:s3:::<bucket>/public/*"]');
    const principal = 'Principal' in s ? 'Principal' : 'NotPrincipal' in s ? 'NotPrincipal' : undefined;
    if (kind === 'identity' && principal) {
      problems.push({
        path: [...path, principal],
        anchor: 'key',
        message: `${name} names a ${principal}, which a role's identity policy cannot do (AWS rejects it: "Has prohibited field ${principal}"); remove it, the role is the principal`,
      });
    }
    if (kind === 'bucket' && !principal) {
      problems.push({
        path,
        anchor: 'container',
        message: `${name} has no Principal, which every bucket policy statement needs; add e.g. "Principal": { "AWS": "arn:aws:iam::123456789012:role/ase-authenticated" }`,
      });
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
