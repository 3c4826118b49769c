import type { CORSConfiguration, CORSRule } from '@aws-sdk/client-s3';

export type { CORSConfiguration, CORSRule };

/**
 * A bucket's CORS state as S3 keeps it: a configuration, or none at all (`cors: none`, or after
 * DeleteBucketCors). S3 answers every preflight from this; MinIO is never asked.
 */
export type BucketCors = CORSConfiguration | null;

/** The rule the Amplify docs tell you to put on a custom bucket (used when a bucket says nothing). */
export const AMPLIFY_DOCS_CORS: CORSConfiguration = {
  CORSRules: [{
    AllowedHeaders: ['*'],
    AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    AllowedOrigins: ['*'],
    ExposeHeaders: ['x-amz-server-side-encryption', 'x-amz-request-id', 'x-amz-id-2', 'ETag'],
    MaxAgeSeconds: 3000,
  }],
};

/** A CORS request as S3 evaluates it. */
export interface CorsRequest {
  origin: string;
  /** The request's method, or on a preflight its Access-Control-Request-Method. */
  method: string;
  /** Preflight only: Access-Control-Request-Headers, lowercased. */
  requestHeaders?: string[];
}

export interface RuleMatch {
  rule: CORSRule;
  /** 0-based position in CORSRules. */
  index: number;
}

/** A pattern with at most one `*` (S3 refuses more), matched whole. */
function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** Why a rule does not match, for reports: the first part of the request it refuses. */
export function ruleMismatch(rule: CORSRule, request: CorsRequest): string | undefined {
  if (!(rule.AllowedOrigins ?? []).some((o) => wildcardMatch(o, request.origin, false))) {
    return `origin ${request.origin} is not in AllowedOrigins ${JSON.stringify(rule.AllowedOrigins ?? [])}`;
  }
  if (!(rule.AllowedMethods ?? []).includes(request.method)) {
    return `method ${request.method} is not in AllowedMethods ${JSON.stringify(rule.AllowedMethods ?? [])}`;
  }
  const refused = (request.requestHeaders ?? []).filter((h) => !(rule.AllowedHeaders ?? []).some((a) => wildcardMatch(a, h, true)));
  if (refused.length > 0) {
    return `request header${refused.length > 1 ? 's' : ''} ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not in AllowedHeaders ${JSON.stringify(rule.AllowedHeaders ?? [])}`;
  }
  return undefined;
}

/** S3's evaluation: the first rule that allows the origin, the method and (preflight) every requested header. */
export function matchRule(config: CORSConfiguration, request: CorsRequest): RuleMatch | undefined {
  const rules = config.CORSRules ?? [];
  for (const [index, rule] of rules.entries()) {
    if (ruleMismatch(rule, request) === undefined) return { rule, index };
  }
  return undefined;
}

/** Each rule's reason for refusing, one line per rule, for reports. */
export function explainRefusal(config: CORSConfiguration, request: CorsRequest): string {
  return (config.CORSRules ?? []).map((rule, i) => `rule ${rule.ID ? `${JSON.stringify(rule.ID)} ` : ''}#${i + 1}: ${ruleMismatch(rule, request) ?? 'matches'}`).join('; ');
}

export const CORS_VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/**
 * The headers S3 adds for a matching rule: on a preflight and on the actual response alike,
 * except that only a preflight echoes the requested headers.
 */
export function corsHeaders(match: RuleMatch, request: CorsRequest, preflight: boolean): Array<[string, string]> {
  const { rule } = match;
  const anyOrigin = (rule.AllowedOrigins ?? []).includes('*');
  const headers: Array<[string, string]> = [
    ['Access-Control-Allow-Origin', anyOrigin ? '*' : request.origin],
    ...(anyOrigin ? [] : [['Access-Control-Allow-Credentials', 'true'] as [string, string]]),
    ['Vary', CORS_VARY],
    ['Access-Control-Allow-Methods', (rule.AllowedMethods ?? []).join(', ')],
  ];
  if (preflight && request.requestHeaders && request.requestHeaders.length > 0) {
    headers.push(['Access-Control-Allow-Headers', request.requestHeaders.join(', ')]);
  }
  if (rule.ExposeHeaders && rule.ExposeHeaders.length > 0) headers.push(['Access-Control-Expose-Headers', rule.ExposeHeaders.join(', ')]);
  if (rule.MaxAgeSeconds !== undefined) headers.push(['Access-Control-Max-Age', String(rule.MaxAgeSeconds)]);
  return headers;
}

/** `Access-Control-Request-Headers` as S3 reads it: comma-separated, trimmed, lowercased, empties dropped. */
export function parseRequestHeaders(value: string | undefined): string[] {
  return (value ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0);
}
