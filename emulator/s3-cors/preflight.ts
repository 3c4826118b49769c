import { corsHeaders, explainRefusal, matchRule, parseRequestHeaders, type BucketCors, type CorsRequest } from './rules.js';

/** S3's answer to an OPTIONS request: status, headers and (for refusals) the error XML. */
export interface PreflightAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  /** Set when refused: S3's message and, when rules were evaluated, why each did not match. */
  refusal?: { code: string; message: string; detail?: string };
}

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

function error(status: number, code: string, message: string, extra: Record<string, string> = {}, detail?: string): PreflightAnswer {
  const fields = Object.entries(extra).map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('');
  return {
    status,
    headers: [['Content-Type', 'application/xml']],
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}</Error>`,
    refusal: { code, message, ...(detail ? { detail } : {}) },
  };
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * Answers a preflight as S3 does (AWS's CORS documentation; LocalStack's s3/cors.py agrees):
 * no Origin or no (or an unknown) Access-Control-Request-Method is a 400; an unknown bucket, a
 * bucket without CORS configuration and a request no rule allows are 403 AccessForbidden; the
 * first matching rule gives 200 with its headers and an empty body.
 *
 * @param cors the bucket's configuration; `undefined` when the bucket does not exist.
 * @param isObject true when the URL names an object (S3 says ResourceType OBJECT, else BUCKET).
 */
export function answerPreflight(
  cors: BucketCors | undefined,
  header: (name: string) => string | undefined,
  isObject: boolean,
): PreflightAnswer {
  const origin = header('origin');
  const method = header('access-control-request-method');
  if (!origin) return error(400, 'BadRequest', 'Insufficient information. Origin request header needed.');
  if (!method) return error(400, 'BadRequest', 'Invalid Access-Control-Request-Method: null');
  if (!CORS_METHODS.has(method)) return error(400, 'BadRequest', `Invalid Access-Control-Request-Method: ${method}`);
  const resource = { Method: method, ResourceType: isObject ? 'OBJECT' : 'BUCKET' };
  if (cors === undefined) return error(403, 'AccessForbidden', 'CORSResponse: Bucket not found', resource);
  if (cors === null) return error(403, 'AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', resource);
  const request: CorsRequest = { origin, method, requestHeaders: parseRequestHeaders(header('access-control-request-headers')) };
  const match = matchRule(cors, request);
  if (!match) {
    return error(403, 'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      resource, explainRefusal(cors, request));
  }
  return { status: 200, headers: corsHeaders(match, request, true), body: '' };
}
