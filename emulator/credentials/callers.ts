import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { verifySigV4, type KnownCredentials, type SignedRequest } from '../aws/sigv4-verify.js';
import type { AdminCredentials } from './admin.js';
import type { SessionInfo, SessionRegistry } from './vendor.js';

/** Who signed a request: the stack's administrator, or the holder of a vended session. */
export type Caller =
  | { kind: 'admin'; accessKeyId: string }
  | { kind: 'session'; accessKeyId: string; session: SessionInfo };

/**
 * Authenticates SigV4-signed requests against the credentials this stack issued: its
 * administrator's long-term key and every session the credential vendor handed out (whose
 * secrets and tokens the session registry keeps). Nothing else verifies.
 */
export class CallerAuthenticator {
  constructor(
    private readonly admin: AdminCredentials,
    private readonly sessions: SessionRegistry,
    private readonly clock: Clock,
  ) {}

  /** Throws {@link SignatureFailure} unless the request is validly signed by a known key. */
  async authenticate(request: SignedRequest, scope: { service: string; region: string | undefined }): Promise<Caller> {
    const { principal } = await verifySigV4<Caller>(request, {
      ...scope,
      now: this.clock.now(),
      lookup: (accessKeyId) => this.lookup(accessKeyId),
    });
    return principal;
  }

  private lookup(accessKeyId: string): KnownCredentials<Caller> | undefined {
    if (accessKeyId === this.admin.accessKeyId) {
      return { secretAccessKey: this.admin.secretAccessKey, principal: { kind: 'admin', accessKeyId } };
    }
    const session = this.sessions.lookup(accessKeyId);
    if (!session) return undefined;
    return {
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration,
      principal: { kind: 'session', accessKeyId, session },
    };
  }
}

/** The region an AWS host name serves (`cognito-idp.eu-west-1.amazonaws.com` → eu-west-1; global STS → us-east-1). */
export function regionOfHost(host: string | undefined, service: string): string | undefined {
  const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (name === `${service}.amazonaws.com`) return 'us-east-1';
  const match = new RegExp(`^${service}(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com$`).exec(name);
  return match?.[1];
}

/** The parts of a received request SigV4 covers (text bodies: the protocols here are JSON and forms). */
export function signedRequestOf(request: FastifyRequest): SignedRequest {
  return { method: request.method, url: request.url, headers: request.headers, body: typeof request.body === 'string' ? request.body : '' };
}
