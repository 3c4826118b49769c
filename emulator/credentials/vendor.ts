import { systemClock, type Clock } from '../clock.js';

export interface VendedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** A role as the vendor needs it (an identity pool's RoleBinding is one). */
export interface VendedRole {
  roleArn: string;
  /** Name of the MinIO canned policy that holds the role's (compiled) policy. */
  minioPolicy: string;
  /** Session policy MinIO intersects with the role policy (cross-account bucket policies). */
  sessionPolicy?: string;
}

export interface VendRequest {
  identityId: string;
  role: VendedRole;
  accountId: string;
}

/**
 * The vendor could not mint credentials (MinIO refused the web identity, or did not answer). The
 * vendor reports it in its own terms; each service that vends maps it to its AWS error.
 */
export class CredentialVendingError extends Error {
  override readonly name = 'CredentialVendingError';
}

/** Turns "this identity assumes this role" into S3 credentials that carry the role's policy. */
export interface CredentialVendor {
  /** Throws {@link CredentialVendingError} when no credentials could be minted. */
  vend(request: VendRequest): Promise<VendedCredentials>;
}

/** Who holds which vended credentials: what STS GetCallerIdentity answers. */
export interface SessionInfo {
  roleArn: string;
  identityId: string;
  accountId: string;
  expiration: Date;
}

/** A vended session as the registry keeps it: who holds it, and what verifies its signatures. */
export interface RecordedSession extends SessionInfo {
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * Every live vended session by access key, so STS can verify a request signed with one and name
 * its role. Bounded for long-lived stacks: expired sessions are forgotten. The sweep runs when the
 * registry has doubled since the last one (amortised O(1) per record).
 */
export class SessionRegistry {
  private static readonly MIN_SWEEP = 256;
  private readonly sessions = new Map<string, RecordedSession>();
  private sweepAt = SessionRegistry.MIN_SWEEP;

  constructor(private readonly clock: Clock = systemClock) {}

  record(accessKeyId: string, session: RecordedSession): void {
    if (this.sessions.size >= this.sweepAt) {
      this.forgetExpired();
      this.sweepAt = Math.max(SessionRegistry.MIN_SWEEP, this.sessions.size * 2);
    }
    this.sessions.set(accessKeyId, session);
  }

  /** The session holding `accessKeyId`, expired or not, until the sweep forgets it. */
  lookup(accessKeyId: string): RecordedSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  forgetExpired(): void {
    const now = this.clock.now().getTime();
    for (const [key, session] of this.sessions) if (session.expiration.getTime() <= now) this.sessions.delete(key);
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** The assumed-role ARN AWS reports for a web-identity session of `roleArn`. */
export function assumedRoleArn(roleArn: string, sessionName: string): string {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) return roleArn;
  return `arn:aws:sts::${match[1]}:assumed-role/${match[2]}/${sessionName}`;
}

/** Cognito names the STS session `CognitoIdentityCredentials`. */
export const COGNITO_SESSION_NAME = 'CognitoIdentityCredentials';
