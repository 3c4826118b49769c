import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { epochSeconds, type Clock } from '../clock.js';
import type { SigningKeys } from '../keys.js';
import { assumeRoleWithWebIdentity } from '../minio/sts.js';
import { MINIO_POLICY_CLAIM } from '../oidc/plugin.js';
import { CredentialVendingError, type CredentialVendor, type SessionRegistry, type VendRequest, type VendedCredentials } from './vendor.js';

export interface MinioVendorOptions {
  /** The MinIO issuer's key (never the user pools'). */
  keys: SigningKeys;
  /** The stack's random MinIO OpenID client ID (the tokens' `aud`). */
  clientId: string;
  clock: Clock;
  sessions: SessionRegistry;
  /** MinIO's S3/STS endpoint, e.g. http://127.0.0.1:9000. */
  endpoint: () => string;
  /** Lifetime of vended credentials; Cognito's are one hour. */
  ttlSeconds?: number;
  /** Connections to MinIO's STS (owned and closed by the stack). */
  dispatcher?: Dispatcher;
}

/**
 * Vends credentials the way Cognito does — "this identity now holds this role" — but has MinIO
 * mint them: the emulator signs a web-identity token whose `sub` is the identity ID (so
 * `${jwt:sub}` in the compiled policy is the identity ID, as `${cognito-identity.amazonaws.com:sub}`
 * is on AWS) and whose `policy` claim names the role's canned policy. MinIO then decides every S3
 * request made with these credentials; the emulator decides none.
 */
export class MinioCredentialVendor implements CredentialVendor {
  /**
   * Credentials already minted, by identity + role (+ session policy). Handed out again while more
   * than half their life remains, so asking twice costs no new MinIO session. They are the same
   * real MinIO credentials either way; Cognito would mint new ones, which no client can tell apart.
   */
  private readonly minted = new Map<string, VendedCredentials>();

  constructor(private readonly options: MinioVendorOptions) {}

  async vend(request: VendRequest): Promise<VendedCredentials> {
    const key = `${request.identityId}\n${request.role.roleArn}\n${request.role.minioPolicy}\n${request.role.sessionPolicy ?? ''}`;
    const ttlMs = (this.options.ttlSeconds ?? 3600) * 1000;
    const cached = this.minted.get(key);
    if (cached && cached.expiration.getTime() - this.options.clock.now().getTime() > ttlMs / 2) return cached;
    const credentials = await this.mint(request);
    if (this.minted.size >= 10_000) this.forgetExpired();
    this.minted.set(key, credentials);
    return credentials;
  }

  private forgetExpired(): void {
    const now = this.options.clock.now().getTime();
    for (const [key, credentials] of this.minted) if (credentials.expiration.getTime() <= now) this.minted.delete(key);
  }

  private async mint({ identityId, role, accountId }: VendRequest): Promise<VendedCredentials> {
    const { keys, clock, sessions, endpoint } = this.options;
    const ttl = this.options.ttlSeconds ?? 3600;
    const now = epochSeconds(clock.now());
    const token = await keys.sign({
      // MinIO binds a web-identity session's policy to (sub, iss): a later session of the same
      // identity with another role would re-point earlier sessions at the new policy. One issuer
      // per role keeps each session on its own role's policy (MinIO does not compare iss).
      iss: `amplify-storage-emulator/${role.minioPolicy}`,
      sub: identityId,
      aud: this.options.clientId,
      [MINIO_POLICY_CLAIM]: role.minioPolicy,
      iat: now,
      exp: now + ttl,
      jti: randomUUID(),
    });
    let credentials: VendedCredentials;
    try {
      credentials = await assumeRoleWithWebIdentity({
        endpoint: endpoint(),
        token,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
        ...(role.sessionPolicy ? { policy: role.sessionPolicy } : {}),
      });
    } catch (e) {
      throw new CredentialVendingError(`MinIO refused credentials for role ${role.roleArn}: ${(e as Error).message}`, { cause: e });
    }
    sessions.record(credentials.accessKeyId, {
      roleArn: role.roleArn, identityId, accountId, expiration: credentials.expiration,
      secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken,
    });
    return credentials;
  }
}
