import type { FastifyPluginAsync } from 'fastify';
import { serveJsonService, type JsonService } from '../aws/json-protocol.js';
import type { CognitoIdentityDeps } from './deps.js';
import { getCredentialsForIdentity } from './get-credentials-for-identity.js';
import { getId } from './get-id.js';
import { getOpenIdToken } from './get-open-id-token.js';

export type { CognitoIdentityDeps } from './deps.js';
export { IdentityPoolStore, type IdentityPool, type RoleBinding } from './store.js';

export const COGNITO_IDENTITY_TARGET_PREFIX = 'AWSCognitoIdentityService';

/** Every supported operation: X-Amz-Target operation name → factory. */
export const cognitoIdentityOperations = {
  GetId: getId,
  GetCredentialsForIdentity: getCredentialsForIdentity,
  GetOpenIdToken: getOpenIdToken,
} as const;

export type CognitoIdentityOperationName = keyof typeof cognitoIdentityOperations;

/** The identity-pool API as a JSON 1.1 service (public operations: no authorizer). */
export function cognitoIdentityService(deps: CognitoIdentityDeps): JsonService {
  return {
    targetPrefix: COGNITO_IDENTITY_TARGET_PREFIX,
    operations: Object.fromEntries(
      Object.entries(cognitoIdentityOperations).map(([name, factory]) => [name, factory(deps)]),
    ),
  };
}

/**
 * Cognito identity pools as one encapsulated Fastify plugin: JSON 1.1 body parsing, its error
 * handler and the operation registry, serving `X-Amz-Target: AWSCognitoIdentityService.*` on `/`.
 */
export const cognitoIdentityPlugin: FastifyPluginAsync<CognitoIdentityDeps> = async (app, deps) => {
  serveJsonService(app, cognitoIdentityService(deps));
};
