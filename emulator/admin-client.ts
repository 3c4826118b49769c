import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { AdminCredentials } from './credentials/admin.js';

/** What a signing client needs to know about a stack (a `Stack`, or the JSON `ase up` writes). */
export interface AdminEndpoint {
  /** The emulator's URL, e.g. `http://127.0.0.1:4566`. */
  emulatorUrl: string;
  adminCredentials: AdminCredentials;
}

/**
 * The one way callers (the harness, tests, benchmarks, your scripts) reach the IAM-authorised
 * user-pool API (Admin*, ListUsers, CreateGroup): the SDK's own client, SigV4-signed with the
 * stack's administrator credentials, sent straight to the emulator's URL. Destroy it when done.
 *
 * ```ts
 * const idp = userPoolAdminClient(stack);
 * await idp.send(new AdminCreateUserCommand({ UserPoolId, Username: 'carol' }));
 * idp.destroy();
 * ```
 */
export function userPoolAdminClient(stack: AdminEndpoint, options: { region?: string } = {}): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: options.region ?? 'us-east-1',
    endpoint: stack.emulatorUrl,
    credentials: { ...stack.adminCredentials },
    maxAttempts: 1,
  });
}
