import type http from 'node:http';
import { EXPIRED_TOKEN_BODY, hasExpiredSession, sessionTokenOf } from '../transport/expired-token.js';
import { answerPreflight } from '../s3-cors/preflight.js';
import { corsHeaders, explainRefusal, matchRule } from '../s3-cors/rules.js';
import type { BucketCorsStore } from '../s3-cors/store.js';
import { validateCorsConfiguration } from '../s3-cors/validate.js';
import { corsFromXml, corsToXml } from '../s3-cors/xml.js';
import { forward, type Answer } from './forward.js';

/** A CORS request the front door refused (preflight) or answered without CORS headers (response). */
export interface CorsRefusal {
  kind: 'preflight' | 'response';
  bucket: string;
  method: string;
  url: string;
  origin: string;
  /** Preflight: S3's status and message; response: what the browser will not be allowed to read. */
  status: number;
  message: string;
  /** Why each rule did not match, when rules were evaluated. */
  detail?: string;
}

export interface S3DoorOptions {
  cors: BucketCorsStore;
  now: () => number;
  onCorsRefusal: (refusal: CorsRefusal) => void;
}

/** Bucket and key of an S3 request, virtual-hosted (`bucket.s3.region...`) or path style (`s3.region.../bucket/key`). */
export function bucketAndKey(hostname: string, path: string): { bucket?: string; key?: string } {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const pathname = (path.split('?')[0] ?? '/').replace(/^\//, '');
  const virtual = /^(.+?)\.s3(?:[.-]|$)/.exec(host);
  if (virtual) return { bucket: virtual[1]!, ...(pathname ? { key: decodeURIComponent(pathname) } : {}) };
  const [bucket, ...rest] = pathname.split('/');
  return { ...(bucket ? { bucket: decodeURIComponent(bucket) } : {}), ...(rest.length > 0 && rest.join('/') ? { key: decodeURIComponent(rest.join('/')) } : {}) };
}

const hasCorsSubresource = (path: string) => /[?&]cors(?:=[^&]*)?(?:&|$)/.test(path);

const xmlError = (code: string, message: string) =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);

/**
 * S3 requests through the front door. Preflights are answered from the bucket's CORS rules and
 * never reach MinIO (it has no per-bucket CORS). Every other request goes to MinIO unchanged;
 * its answer loses MinIO's own CORS headers and gains exactly those of the rule S3 would match
 * (403 error XML included), and an expired session's refusal becomes AWS's ExpiredToken.
 * `?cors` requests are authorised by MinIO (it checks signature and policy before answering
 * NotImplemented) and then carried out here.
 */
export function handleS3(req: http.IncomingMessage, res: http.ServerResponse, hostname: string, to: { host: string; port: number }, agent: http.Agent, options: S3DoorOptions): void {
  const path = req.url ?? '/';
  const { bucket, key } = bucketAndKey(hostname, path);
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const origin = header('origin');
  const url = `https://${hostname}${path}`;

  if (req.method === 'OPTIONS') {
    const answer = answerPreflight(bucket ? options.cors.get(bucket) : undefined, header, key !== undefined);
    if (answer.refusal && origin) {
      options.onCorsRefusal({
        kind: 'preflight', bucket: bucket ?? '', method: header('access-control-request-method') ?? '', url, origin,
        status: answer.status, message: answer.refusal.message, ...(answer.refusal.detail ? { detail: answer.refusal.detail } : {}),
      });
    }
    req.resume();
    res.writeHead(answer.status, [...answer.headers.flat(), 'Content-Length', String(Buffer.byteLength(answer.body))]);
    res.end(answer.body);
    return;
  }

  const expired = hasExpiredSession(sessionTokenOf(path, header), options.now());
  const corsOperation = bucket !== undefined && key === undefined && hasCorsSubresource(path) && ['GET', 'PUT', 'DELETE'].includes(req.method ?? '');
  const body: Buffer[] = [];
  if (corsOperation && req.method === 'PUT') req.on('data', (chunk: Buffer) => body.push(chunk));

  const decorate = (answer: Answer): Answer => {
    let shaped = { ...answer, headers: answer.headers.filter(([n]) => !/^access-control-|^vary$/i.test(n)) };
    if (expired && shaped.status === 403) {
      shaped = { status: 400, headers: shaped.headers.filter(([n]) => !/^content-type$/i.test(n)).concat([['Content-Type', 'application/xml']]), body: EXPIRED_TOKEN_BODY };
    } else if (corsOperation) {
      shaped = carryOutCorsOperation(req.method!, bucket!, shaped, Buffer.concat(body), options.cors);
    }
    const cors = bucket ? options.cors.get(bucket) : undefined;
    if (origin && cors) {
      const request = { origin, method: req.method ?? 'GET' };
      const match = matchRule(cors, request);
      if (match) shaped.headers.push(...corsHeaders(match, request, false));
      else options.onCorsRefusal({ kind: 'response', bucket: bucket!, method: request.method, url, origin, status: shaped.status, message: 'no CORS rule matches the actual request, so the answer carries no Access-Control-Allow-Origin', detail: explainRefusal(cors, request) });
    } else if (origin && bucket) {
      options.onCorsRefusal({ kind: 'response', bucket, method: req.method ?? '', url, origin, status: shaped.status, message: cors === null ? 'the bucket has no CORS configuration' : 'no such bucket on this stack' });
    }
    return shaped;
  };
  forward(req, res, to, agent, decorate);
}

/**
 * MinIO said what it thinks of a `?cors` request once it had checked signature and policy: a 403
 * (or any error but "not implemented"/"no configuration") stands; otherwise S3's operation is
 * done here, on the store the front door answers preflights from.
 */
function carryOutCorsOperation(method: string, bucket: string, minio: Answer, body: Buffer, store: BucketCorsStore): Answer {
  const authorised = minio.status < 300 || minio.status === 501 || (method === 'GET' && minio.status === 404);
  if (!authorised || !store.has(bucket)) return minio;
  const keep = minio.headers.filter(([n]) => /^(x-amz-request-id|x-amz-id-2|date|server)$/i.test(n));
  const xml = (status: number, payload: Buffer): Answer => ({ status, headers: [...keep, ['Content-Type', 'application/xml']], body: payload });
  if (method === 'GET') {
    const config = store.get(bucket);
    return config ? xml(200, Buffer.from(corsToXml(config))) : xml(404, xmlError('NoSuchCORSConfiguration', 'The CORS configuration does not exist'));
  }
  if (method === 'DELETE') {
    store.set(bucket, null);
    return { status: 204, headers: keep, body: Buffer.alloc(0) };
  }
  const parsed = corsFromXml(body.toString('utf8'));
  if (parsed === undefined) return xml(400, xmlError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema'));
  const problems = validateCorsConfiguration(parsed);
  if (problems.length > 0) return xml(400, xmlError(problems[0]!.code, problems[0]!.message.replace(/[<>&]/g, '')));
  store.set(bucket, parsed as never);
  return { status: 200, headers: keep, body: Buffer.alloc(0) };
}
