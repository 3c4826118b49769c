import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { request, type Dispatcher } from 'undici';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequestOptions {
  /** Where to connect, e.g. `http://127.0.0.1:9000/minio/admin/v3/add-canned-policy?name=x`. */
  url: string;
  method: string;
  credentials: SigV4Credentials;
  region: string;
  /** `s3` for S3 and MinIO admin calls, `sts` for STS. */
  service: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /**
   * The Host header to sign and send, when it differs from the URL's (virtual-host requests
   * sent straight to a loopback port). Default: the URL's host.
   */
  host?: string;
  dispatcher?: Dispatcher;
}

export interface SignedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const hash = new Sha256();
  hash.update(data);
  return Buffer.from(await hash.digest()).toString('hex');
}

/**
 * Signs a request with SigV4 (header auth, `X-Amz-Content-Sha256` set to the payload hash, as
 * MinIO requires) and sends it with undici. The answer is returned whatever its status.
 */
export async function sendSigned(options: SignedRequestOptions): Promise<SignedResponse> {
  const url = new URL(options.url);
  const body = options.body ?? '';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const headers: Record<string, string> = {
    host: options.host ?? url.host,
    'x-amz-content-sha256': await sha256Hex(body),
    ...lowerKeys(options.headers ?? {}),
  };
  if (body.length > 0) headers['content-length'] = String(Buffer.byteLength(body));
  if (options.credentials.sessionToken) headers['x-amz-security-token'] = options.credentials.sessionToken;
  const signer = new SignatureV4({
    credentials: { accessKeyId: options.credentials.accessKeyId, secretAccessKey: options.credentials.secretAccessKey },
    region: options.region,
    service: options.service,
    sha256: Sha256,
    // S3-style: the path is signed as sent (no double encoding).
    uriEscapePath: options.service !== 's3',
  });
  const signed = await signer.sign({
    method: options.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers,
    body,
  });
  const res = await request(url, {
    method: options.method as Dispatcher.HttpMethod,
    headers: signed.headers,
    body: body.length > 0 ? body : null,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
