/**
 * The one list of known differences between the emulator and AWS that the differential test
 * accepts. Each entry says why it cannot be closed, cites AWS's documentation for AWS's side,
 * and names the test that proves the difference on a running MinIO. docs/how-it-works.md's
 * exception table is checked against this list (test/differential/exceptions.test.ts).
 */
import type { DiffCase, DiffRequest } from './cases.js';
import type { Decision } from './oracle.js';

export interface ExceptionEntry {
  id: string;
  /** One line: what differs. */
  summary: string;
  /** Why it stays. */
  why: string;
  /** AWS's documentation for what AWS does. */
  awsDoc: string;
  /** `file › test name` of the test that shows the difference on a running MinIO. */
  provenBy: string;
  /** True when this entry explains the disagreement. */
  matches: (c: DiffCase, req: DiffRequest, ours: string, oracle: Decision) => boolean;
}

export const EXCEPTIONS: readonly ExceptionEntry[] = [
  {
    id: 'session-policy-over-2048-bytes',
    summary: "A cross-account bucket's statements for a role, compiled, exceed 2048 bytes: the role gets no credentials instead of an answer",
    why: 'MinIO refuses session policies over 2048 bytes, and a cross-account bucket policy is enforced as one; the compiler warns, and the sign-in fails loudly rather than answering wrongly',
    awsDoc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
    provenBy: 'test/integration/divergence-minio.test.ts › 26.',
    matches: (c, _req, ours) => c.crossAccount && ours === 'too-large',
  },
];

export function explain(list: readonly ExceptionEntry[], c: DiffCase, req: DiffRequest, ours: string, oracle: Decision): ExceptionEntry | undefined {
  return list.find((e) => e.matches(c, req, ours, oracle));
}
