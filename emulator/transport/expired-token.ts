import type { Dispatcher } from 'undici';
import { decodeJwt } from 'jose';
import { bindAll, WrappingDispatcher } from './wrap-handler.js';

/**
 * MinIO refuses a request signed with an expired session as `403 InvalidAccessKeyId`; AWS answers
 * `400 ExpiredToken`, and that is what a client's error handling (and a scenario's `expect`) is
 * written against. MinIO still decides: this only rewrites MinIO's refusal, and only when the
 * request's own session token (MinIO's session tokens are JWTs with an `exp`) has expired.
 */
export class ExpiredTokenDispatcher extends WrappingDispatcher {
  constructor(inner: Dispatcher, private readonly now: () => number = Date.now) {
    super(inner, 's3');
  }

  protected wrap(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): Dispatcher.DispatchHandlers | undefined {
    if (!hasExpiredSession(sessionToken(options), this.now())) return undefined;

    let rewriting = false;
    const body = EXPIRED_TOKEN_BODY;
    return {
      ...bindAll(handler),
      onHeaders(statusCode, headers, resume, statusText) {
        if (statusCode !== 403) return handler.onHeaders ? handler.onHeaders(statusCode, headers, resume, statusText) : true;
        rewriting = true;
        const out: Buffer[] = [];
        for (let i = 0; i + 1 < (headers?.length ?? 0); i += 2) {
          const name = String(headers![i]).toLowerCase();
          if (name === 'content-length' || name === 'content-type') continue;
          out.push(headers![i] as Buffer, headers![i + 1] as Buffer);
        }
        const isHead = options.method === 'HEAD';
        out.push(Buffer.from('content-type'), Buffer.from('application/xml'));
        out.push(Buffer.from('content-length'), Buffer.from(String(isHead ? 0 : body.length)));
        return handler.onHeaders ? handler.onHeaders(400, out, resume, 'Bad Request') : true;
      },
      onData(chunk) {
        if (rewriting) return true; // MinIO's body is replaced by AWS's
        return handler.onData ? handler.onData(chunk) : true;
      },
      onComplete(trailers) {
        if (rewriting && options.method !== 'HEAD') handler.onData?.(body);
        handler.onComplete?.(trailers);
      },
    };
  }
}

/** AWS's answer to a request signed with an expired session (status 400). */
export const EXPIRED_TOKEN_BODY = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ExpiredToken</Code>' +
    '<Message>The provided token has expired.</Message></Error>',
);

/** True when the request's session token (a MinIO JWT) has expired: MinIO's 403 for it becomes AWS's 400 ExpiredToken. */
export function hasExpiredSession(token: string | undefined, now: number): boolean {
  const expiredAt = token ? tokenExpiry(token) : undefined;
  return expiredAt !== undefined && expiredAt * 1000 <= now;
}

/** The session token of a request given by path and a header lookup (for servers that are not undici). */
export function sessionTokenOf(path: string, header: (name: string) => string | undefined): string | undefined {
  const fromQuery = /[?&]X-Amz-Security-Token=([^&]+)/i.exec(path)?.[1];
  return fromQuery ? decodeURIComponent(fromQuery) : header('x-amz-security-token');
}

/** The session token a request carries: the `x-amz-security-token` header, or the presigned-URL parameter. */
function sessionToken(options: Dispatcher.DispatchOptions): string | undefined {
  const fromQuery = /[?&]X-Amz-Security-Token=([^&]+)/i.exec(options.path)?.[1];
  if (fromQuery) return decodeURIComponent(fromQuery);
  const headers = options.headers;
  if (!headers) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === 'x-amz-security-token') return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const entry of headers as Iterable<[string, string]>) {
      if (String(entry[0]).toLowerCase() === 'x-amz-security-token') return String(entry[1]);
    }
    return undefined;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (name.toLowerCase() === 'x-amz-security-token') return String(value);
  }
  return undefined;
}

/** The `exp` of a session token (a JWT the emulator signed), read without verifying it; undefined for anything else. */
function tokenExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
