import type { JsonService } from '../aws/json-protocol.js';
import type { Clock } from '../clock.js';
import type { CredentialVendor } from '../credentials/vendor.js';
import type { SigningKeys } from '../keys.js';
import { getCredentialsForIdentity } from './get-credentials-for-identity.js';
import { getId } from './get-id.js';
import { getOpenIdToken } from './get-open-id-token.js';
import type { IdentityPoolStore } from './store.js';

export interface CognitoIdentityDeps {
  clock: Clock;
  /** Verifies the user-pool ID tokens in `Logins`. */
  keys: SigningKeys;
  /** Signs the classic flow's OpenID tokens (GetOpenIdToken). */
  identityKeys: SigningKeys;
  store: IdentityPoolStore;
  vendor: CredentialVendor;
}

/** Every supported operation, by its AWS name. */
export const cognitoIdentityOperations = {
  GetId: getId,
  GetCredentialsForIdentity: getCredentialsForIdentity,
  GetOpenIdToken: getOpenIdToken,
} as const;

export type CognitoIdentityOperationName = keyof typeof cognitoIdentityOperations;

export function cognitoIdentityService(deps: CognitoIdentityDeps): JsonService {
  return {
    targetPrefix: 'AWSCognitoIdentityService',
    operations: Object.fromEntries(
      Object.entries(cognitoIdentityOperations).map(([name, factory]) => [name, factory(deps)]),
    ),
  };
}

export { IdentityPoolStore, type IdentityPool, type RoleBinding } from './store.js';
