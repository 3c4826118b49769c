/**
 * IAM policy documents of a scenario, checked by the one IAM validator
 * (emulator/policy/validate-iam.ts) while the file is loaded, so every mistake AWS would refuse is
 * reported with its file:line before MinIO starts.
 */
import { validateIamDocument } from '../../emulator/policy/validate-iam.js';
import { isRecord } from './values.js';
import type { Anchor, Segment } from './yaml-source.js';

export type PolicyKind = 'bucket' | 'identity';

export interface PolicyProblem {
  path: Segment[];
  anchor: Anchor;
  message: string;
}

/**
 * `kind` bucket: a bucket policy of `bucket` (each statement names a Principal, every resource
 * lies in the bucket); identity: a policy attached to a role (no Principal).
 */
export function checkPolicyDocument(document: unknown, kind: PolicyKind, bucket?: string): PolicyProblem[] {
  const singleStatement = isRecord(document) && !Array.isArray(document['Statement']);
  return validateIamDocument(document, { source: '', kind: kind === 'bucket' ? 'resource' : 'identity', ...(bucket ? { bucket } : {}) })
    .map((issue) => {
      // A document whose Statement is one object has no index in its path.
      const path = singleStatement && issue.segments[0] === 'Statement' ? ['Statement', ...issue.segments.slice(2)] : issue.segments;
      const present = has(document, path);
      return {
        path: present ? path : path.slice(0, -1),
        anchor: present ? 'key' : 'container',
        message: `${issue.path.replace(/^Statement\[(\d+)\]\.?/, (_, i: string) => `Statement[${i}]${issue.sid !== undefined ? ` (Sid "${issue.sid}")` : ''} `).trim()}: ${issue.message}`,
      };
    });
}

function has(value: unknown, path: readonly Segment[]): boolean {
  let node = value;
  for (const seg of path) {
    if (Array.isArray(node) && typeof seg === 'number' && seg < node.length) node = node[seg];
    else if (isRecord(node) && typeof seg === 'string' && seg in node) node = node[seg];
    else return false;
  }
  return true;
}
