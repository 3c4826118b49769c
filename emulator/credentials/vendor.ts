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

export class SessionRegistry {
  private readonly sessions = new Map<string, SessionInfo>();

  record(accessKeyId: string, info: SessionInfo): void {
    this.sessions.set(accessKeyId, info);
  }

  lookup(accessKeyId: string): SessionInfo | undefined {
    return this.sessions.get(accessKeyId);
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
