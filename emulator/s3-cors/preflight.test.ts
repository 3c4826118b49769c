/**
 * Preflight answers against S3's documented CORS rules (AWS's "How Amazon S3 evaluates the CORS
 * configuration on a bucket": first matching rule wins; origin, method and every requested
 * header must match; one wildcard per origin/header; errors as S3 words them).
 */
import { describe, expect, it } from 'vitest';
import { answerPreflight } from './preflight.js';
import { AMPLIFY_DOCS_CORS, type BucketCors } from './rules.js';

const APP = 'http://localhost:5173';
const rules: BucketCors = {
  CORSRules: [
    { ID: 'app', AllowedOrigins: [APP], AllowedMethods: ['PUT', 'POST', 'DELETE'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 },
    { ID: 'read', AllowedOrigins: ['*'], AllowedMethods: ['GET', 'HEAD'] },
    { ID: 'sub', AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET'], AllowedHeaders: ['authorization', 'x-amz-*'] },
  ],
};
const AMPLIFY_HEADERS = 'amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token,x-amz-user-agent';

type Row = [string, BucketCors | undefined, Record<string, string>, number, string | RegExp | Record<string, string>];
const table: Row[] = [
  ['no Origin header: 400', rules, { 'access-control-request-method': 'GET' }, 400, /Insufficient information. Origin request header needed./],
  ['no Access-Control-Request-Method: 400', rules, { origin: APP }, 400, /Invalid Access-Control-Request-Method: null/],
  ['a method S3 does not do CORS for: 400', rules, { origin: APP, 'access-control-request-method': 'PATCH' }, 400, /Invalid Access-Control-Request-Method: PATCH/],
  ['unknown bucket: 403 Bucket not found', undefined, { origin: APP, 'access-control-request-method': 'GET' }, 403, /<Code>AccessForbidden<\/Code><Message>CORSResponse: Bucket not found<\/Message><Method>GET<\/Method><ResourceType>OBJECT/],
  ['no configuration: 403 CORS is not enabled', null, { origin: APP, 'access-control-request-method': 'GET' }, 403, /CORSResponse: CORS is not enabled for this bucket./],
  ['origin in no rule: 403 not allowed', rules, { origin: 'http://evil.test', 'access-control-request-method': 'PUT' }, 403, /CORSResponse: This CORS request is not allowed/],
  ['method in no rule for that origin: 403', rules, { origin: 'https://a.example.com', 'access-control-request-method': 'PUT' }, 403, /not allowed/],
  ['origins match case-sensitively', rules, { origin: 'HTTP://LOCALHOST:5173', 'access-control-request-method': 'PUT' }, 403, /not allowed/],
  ['first matching rule wins, with credentials for a named origin', rules, { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' }, 200, {
    'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true', 'access-control-allow-methods': 'PUT, POST, DELETE',
    'access-control-allow-headers': 'content-type', 'access-control-expose-headers': 'ETag', 'access-control-max-age': '600',
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  }],
  ['a `*` origin answers `*`, without credentials', rules, { origin: APP, 'access-control-request-method': 'GET' }, 200, {
    'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD', vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  }],
  ['a requested header outside AllowedHeaders fails the rule (a rule without AllowedHeaders allows none)', rules, { origin: 'https://a.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-amz-date,amz-sdk-request' }, 403, /not allowed/],
  ['one wildcard in an origin matches any text there; headers match case-insensitively', rules, { origin: 'https://deep.a.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'Authorization, X-Amz-Date' }, 200, {
    'access-control-allow-origin': 'https://deep.a.example.com', 'access-control-allow-credentials': 'true', 'access-control-allow-headers': 'authorization, x-amz-date',
  }],
  ['the Amplify pitfall: [authorization, content-type, x-amz-*] refuses what Amplify sends', { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT'], AllowedHeaders: ['authorization', 'content-type', 'x-amz-*'] }] },
    { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': AMPLIFY_HEADERS }, 403, /not allowed/],
  ["the docs' rule allows what Amplify sends", AMPLIFY_DOCS_CORS, { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': AMPLIFY_HEADERS }, 200, {
    'access-control-allow-origin': '*', 'access-control-allow-headers': AMPLIFY_HEADERS.split(',').join(', '),
    'access-control-expose-headers': 'x-amz-server-side-encryption, x-amz-request-id, x-amz-id-2, ETag', 'access-control-max-age': '3000',
  }],
];

describe('answerPreflight', () => {
  it.each(table)('%s', (_label, cors, headers, status, expected) => {
    const answer = answerPreflight(cors, (name) => headers[name], true);
    expect(answer.status).toBe(status);
    if (expected instanceof RegExp || typeof expected === 'string') {
      expect(answer.body).toMatch(expected);
      expect(answer.headers.some(([n]) => n.toLowerCase().startsWith('access-control-'))).toBe(false);
    } else {
      expect(answer.body).toBe('');
      const got = Object.fromEntries(answer.headers.map(([n, v]) => [n.toLowerCase(), v]));
      expect(got).toMatchObject(expected);
      if (expected['access-control-allow-origin'] === '*') expect(got['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('says why each rule refused, for reports', () => {
    const headers: Record<string, string> = { origin: 'https://a.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'amz-sdk-request' };
    const refused = answerPreflight(rules, (name) => headers[name], true);
    expect(refused.status).toBe(403);
    expect(refused.refusal?.detail).toBe([
      'rule "app" #1: origin https://a.example.com is not in AllowedOrigins ["http://localhost:5173"]',
      'rule "read" #2: request header amz-sdk-request is not in AllowedHeaders []',
      'rule "sub" #3: request header amz-sdk-request is not in AllowedHeaders ["authorization","x-amz-*"]',
    ].join('; '));
  });
});
