import { systemClock, type Clock } from '../clock.js';
import type { RoleBinding } from '../cognito-identity/store.js';

export interface VendedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface VendRequest {
  identityId: string;
  role: RoleBinding;
  accountId: string;
}

/** Turns "this identity assumes this role" into S3 credentials that carry the role's policy. */
export interface CredentialVendor {
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
