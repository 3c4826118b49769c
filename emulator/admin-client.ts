import { createRequire } from 'node:module';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { AdminCredentials } from './credentials/admin.js';

// The SDK client costs its module loading, so the package index (which exports this) loads it on
// the first call. The package has no "exports" and no "type": Node's `import` of it loads this
// same CommonJS build (dist-cjs) through the same cache: the client is the one the caller's own
// `import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider'` pairs with.
const require = createRequire(import.meta.url);
type Sdk = typeof import('@aws-sdk/client-cognito-identity-provider');

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
  const { CognitoIdentityProviderClient } = require('@aws-sdk/client-cognito-identity-provider') as Sdk;
  return new CognitoIdentityProviderClient({
    region: options.region ?? 'us-east-1',
    endpoint: stack.emulatorUrl,
    credentials: { ...stack.adminCredentials },
    maxAttempts: 1,
  });
}
