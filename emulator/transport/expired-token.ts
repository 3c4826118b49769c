import { DecoratorHandler, type Dispatcher } from 'undici';
import { decodeJwt } from 'jose';
import { interceptRoute } from './intercept.js';

/**
 * MinIO refuses a request signed with an expired session as `403 InvalidAccessKeyId`; AWS answers
 * `400 ExpiredToken`, and that is what a client's error handling (and a scenario's `expect`) is
 * written against. MinIO still decides: this only rewrites MinIO's refusal, and only when the
 * request's own session token (MinIO's session tokens are JWTs with an `exp`) has expired.
 * An interceptor for `dispatcher.compose()`.
 */
export function expiredTokenInterceptor(now: () => number = Date.now): Dispatcher.DispatcherComposeInterceptor {
  return interceptRoute('s3', (options, handler) =>
    hasExpiredSession(sessionToken(options), now()) ? new ExpiredTokenHandler(options, handler) : undefined);
}

/** Forwards the answer to a request with an expired session, with MinIO's 403 replaced by AWS's 400 ExpiredToken. */
class ExpiredTokenHandler extends DecoratorHandler {
  private rewriting = false;

  constructor(private readonly options: Dispatcher.DispatchOptions, private readonly handler: Dispatcher.DispatchHandlers) {
    super(handler);
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    const handler = this.handler;
    if (statusCode !== 403) return handler.onHeaders ? handler.onHeaders(statusCode, headers, resume, statusText) : true;
    this.rewriting = true;
    const out: Buffer[] = [];
    for (let i = 0; i + 1 < (headers?.length ?? 0); i += 2) {
      const name = String(headers[i]).toLowerCase();
      if (name === 'content-length' || name === 'content-type') continue;
      out.push(headers[i]!, headers[i + 1]!);
    }
    const isHead = this.options.method === 'HEAD';
    out.push(Buffer.from('content-type'), Buffer.from('application/xml'));
    out.push(Buffer.from('content-length'), Buffer.from(String(isHead ? 0 : EXPIRED_TOKEN_BODY.length)));
    return handler.onHeaders ? handler.onHeaders(400, out, resume, 'Bad Request') : true;
  }

  onData(chunk: Buffer): boolean {
    if (this.rewriting) return true; // MinIO's body is replaced by AWS's
    return this.handler.onData ? this.handler.onData(chunk) : true;
  }

  onComplete(trailers: string[] | null): void {
    if (this.rewriting && this.options.method !== 'HEAD') this.handler.onData?.(EXPIRED_TOKEN_BODY);
    this.handler.onComplete?.(trailers);
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
