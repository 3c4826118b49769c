import type { JsonService } from '../aws/json-protocol.js';
import { getCredentialsForIdentity } from './get-credentials-for-identity.js';
import { getId } from './get-id.js';
import { getOpenIdToken } from './get-open-id-token.js';
import type { CognitoIdentityDeps } from './deps.js';

export type { CognitoIdentityDeps } from './deps.js';

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
