import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Verifies an AWS Signature Version 4 (`Authorization: AWS4-HMAC-SHA256 ...` header) as AWS
 * endpoints do: the header's parts, the credential scope (date, region, service, terminator),
 * the clock skew (±5 minutes), that `host` and `x-amz-date` are signed, the session token, and
 * finally the signature itself, recomputed with @smithy/signature-v4 (the SDK's own signer) over
 * exactly the headers the caller says it signed. Protocol-neutral: each protocol turns a
 * {@link SignatureFailure} into its own AWS error shape.
 */

export type SignatureFailureKind =
  /** No Authorization header at all. */
  | 'missing'
  /** An Authorization header that is not a complete SigV4 header. */
  | 'incomplete'
  /** An access key nobody issued (or a session token that does not belong to it). */
  | 'unknown-key'
  /** A session whose credentials have expired. */
  | 'expired-token'
  /** The signature does not match. */
  | 'mismatch'
  /** X-Amz-Date too far from the server's clock. */
  | 'skew'
  /** Credential scope names the wrong date, region, service or terminator. */
  | 'scope';

export class SignatureFailure extends Error {
  constructor(readonly kind: SignatureFailureKind, message: string) {
    super(message);
    this.name = 'SignatureFailure';
  }
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** What the endpoint knows about one access key. */
export interface KnownCredentials<P> {
  secretAccessKey: string;
  /** Set for temporary credentials: the request must carry exactly this X-Amz-Security-Token. */
  sessionToken?: string;
  expiration?: Date;
  principal: P;
}

export interface SignedRequest {
  method: string;
  /** Path and query as received, e.g. `/?Action=GetCallerIdentity`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (text protocols only). */
  body: string;
}

export interface VerifyOptions<P> {
  /** Signing name the scope must carry: `cognito-idp`, `sts`. */
  service: string;
  /** Region the endpoint serves (from its host name); undefined: any well-formed region. */
  region: string | undefined;
  now: Date;
  lookup: (accessKeyId: string) => KnownCredentials<P> | undefined;
}

export interface VerifiedCaller<P> {
  accessKeyId: string;
  principal: P;
}

const MAX_SKEW_MS = 5 * 60 * 1000;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const header = (headers: SignedRequest['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** `20260101T000000Z` → Date, or undefined when malformed. */
function parseAmzDate(text: string): Date | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const amzDate = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` into its parts. */
function parseAuthorization(authorization: string): { credential: string; signedHeaders: string; signature: string } {
  const [algorithm, ...rest] = authorization.trim().split(/\s+/);
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new SignatureFailure('incomplete', `Unsupported AWS 'algorithm': '${algorithm ?? ''}'`);
  }
  const parts = new Map<string, string>();
  for (const item of rest.join(' ').split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) parts.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !parts.get(k));
  if (missing.length > 0) {
    throw new SignatureFailure('incomplete', `${missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ')} Authorization=${authorization}`);
  }
  return { credential: parts.get('Credential')!, signedHeaders: parts.get('SignedHeaders')!, signature: parts.get('Signature')! };
}

export async function verifySigV4<P>(request: SignedRequest, options: VerifyOptions<P>): Promise<VerifiedCaller<P>> {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) throw new SignatureFailure('missing', 'Missing Authentication Token');
  const { credential, signedHeaders, signature } = parseAuthorization(authorization);

  const dateText = header(request.headers, 'x-amz-date');
  const signedAt = dateText ? parseAmzDate(dateText) : undefined;
  if (!dateText || !signedAt) {
    throw new SignatureFailure('incomplete', `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`);
  }
  const signed = signedHeaders.split(';');
  if (!signed.includes('host')) throw new SignatureFailure('mismatch', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (!signed.includes('x-amz-date')) throw new SignatureFailure('mismatch', SIGNATURE_MISMATCH_MESSAGE);

  // Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request
  const [accessKeyId = '', scopeDate = '', scopeRegion = '', scopeService = '', terminator = '', ...extra] = credential.split('/');
  if (!accessKeyId || extra.length > 0 || !terminator) {
    throw new SignatureFailure('incomplete', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  if (terminator !== 'aws4_request') {
    throw new SignatureFailure('scope', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `);
  }
  if (scopeDate !== dateText.slice(0, 8)) {
    throw new SignatureFailure('scope', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${dateText.slice(0, 8)}', from '${dateText}'.`);
  }
  if (options.region ? scopeRegion !== options.region : !REGION.test(scopeRegion)) {
    throw new SignatureFailure('scope', `Credential should be scoped to a valid region. `);
  }
  if (scopeService !== options.service) {
    throw new SignatureFailure('scope', `Credential should be scoped to correct service: '${options.service}'. `);
  }
  const now = options.now.getTime();
  if (signedAt.getTime() < now - MAX_SKEW_MS) {
    throw new SignatureFailure('skew', `Signature expired: ${dateText} is now earlier than ${amzDate(new Date(now - MAX_SKEW_MS))} (${amzDate(options.now)} - 5 min.)`);
  }
  if (signedAt.getTime() > now + MAX_SKEW_MS) {
    throw new SignatureFailure('skew', `Signature not yet current: ${dateText} is still later than ${amzDate(new Date(now + MAX_SKEW_MS))} (${amzDate(options.now)} + 5 min.)`);
  }

  const known = options.lookup(accessKeyId);
  const token = header(request.headers, 'x-amz-security-token');
  if (!known || (known.sessionToken ?? undefined) !== token) {
    throw new SignatureFailure('unknown-key', 'The security token included in the request is invalid.');
  }
  if (known.expiration && known.expiration.getTime() <= now) {
    throw new SignatureFailure('expired-token', 'The security token included in the request is expired');
  }

  // Recompute over exactly the signed headers; the signer adds x-amz-date itself (from signedAt)
  // and x-amz-security-token when given the session token, so both are taken from the request.
  const headers: Record<string, string> = {};
  for (const name of signed) {
    if (name === 'x-amz-date' || name === 'x-amz-security-token') continue;
    const value = header(request.headers, name);
    if (value === undefined) throw new SignatureFailure('mismatch', SIGNATURE_MISMATCH_MESSAGE);
    headers[name] = value;
  }
  const signsToken = signed.includes('x-amz-security-token');
  const bodyHash = await sha256Hex(request.body);
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== bodyHash) throw new SignatureFailure('mismatch', SIGNATURE_MISMATCH_MESSAGE);
  const [path = '/', search = ''] = request.url.split(/\?(.*)/s);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prior = query[k];
    query[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId,
      secretAccessKey: known.secretAccessKey,
      ...(signsToken && known.sessionToken ? { sessionToken: known.sessionToken } : {}),
    },
    region: scopeRegion,
    service: scopeService,
    sha256: Sha256,
    applyChecksum: false,
  });
  const expected = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path, query, headers, body: request.body },
    { signingDate: signedAt, signableHeaders: new Set(signed) },
  );
  const expectedAuthorization = String(expected.headers.authorization ?? '');
  const expectedSignature = /Signature=([0-9a-f]+)/.exec(expectedAuthorization)?.[1] ?? '';
  const expectedSigned = /SignedHeaders=([^,]+)/.exec(expectedAuthorization)?.[1] ?? '';
  if (expectedSigned !== signedHeaders || !sameText(expectedSignature, signature)) {
    throw new SignatureFailure('mismatch', SIGNATURE_MISMATCH_MESSAGE);
  }
  return { accessKeyId, principal: known.principal };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function sha256Hex(body: string): Promise<string> {
  const hash = new Sha256();
  hash.update(body);
  return Buffer.from(await hash.digest()).toString('hex');
}
