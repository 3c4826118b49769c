import type { DecidingRequest, Observed } from '../results.js';

/** S3 answers that mean "the policy refused this request". */
const DENIED_CODES = new Set(['AccessDenied']);
const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);

/**
 * Classifies what the client threw. `deny` is S3's AccessDenied (403). A HEAD request
 * (getProperties) carries no error body, so a bare 403 on it counts as AccessDenied too.
 * `not-found` is NoSuchKey / 404. Anything else is `error` with the client's error name.
 */
export function classifyError(error: unknown, decidingRequest: DecidingRequest | undefined): Observed {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const status = decidingRequest?.status;
  const code = decidingRequest?.code;
  if (DENIED_CODES.has(name) || (status === 403 && (code ? DENIED_CODES.has(code) : decidingRequest?.method === 'HEAD'))) {
    return { outcome: 'deny', errorName: code ?? name, message };
  }
  if (NOT_FOUND_NAMES.has(name) || (status === 404 && (!code || NOT_FOUND_NAMES.has(code)))) {
    return { outcome: 'not-found', errorName: code ?? name, message };
  }
  return { outcome: 'error', errorName: name, message };
}
