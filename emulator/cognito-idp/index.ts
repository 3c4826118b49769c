import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { serveJsonService, type JsonService } from '../aws/json-protocol.js';
import type { OperationTable } from '../aws/types.js';
import { adminAddUserToGroup } from './admin-add-user-to-group.js';
import { adminCreateUser } from './admin-create-user.js';
import { adminDeleteUser } from './admin-delete-user.js';
import { adminGetUser } from './admin-get-user.js';
import { adminRemoveUserFromGroup } from './admin-remove-user-from-group.js';
import { adminSetUserPassword } from './admin-set-user-password.js';
import { confirmSignUp } from './confirm-sign-up.js';
import { createGroup } from './create-group.js';
import { getTokensFromRefreshToken } from './get-tokens-from-refresh-token.js';
import { getUser } from './get-user.js';
import { globalSignOut } from './global-sign-out.js';
import { initiateAuth } from './initiate-auth.js';
import { listUsers } from './list-users.js';
import { respondToAuthChallenge } from './respond-to-auth-challenge.js';
import { revokeToken } from './revoke-token.js';
import { signUp } from './sign-up.js';
import { issuerFor } from './tokens.js';
import { userPoolAuthorizer } from './authorize.js';
import type { CognitoIdpDeps } from './deps.js';

export type { CognitoIdpDeps } from './deps.js';
export { issuerFor } from './tokens.js';
export { UserPoolStore, type UserSnapshot } from './store.js';

export const COGNITO_IDP_TARGET_PREFIX = 'AWSCognitoIdentityProviderService';

/** Every supported operation: X-Amz-Target operation name → factory. Adding one is one line. */
export const cognitoIdpOperations = {
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminGetUser: adminGetUser,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminSetUserPassword: adminSetUserPassword,
  ConfirmSignUp: confirmSignUp,
  CreateGroup: createGroup,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  GetUser: getUser,
  GlobalSignOut: globalSignOut,
  InitiateAuth: initiateAuth,
  ListUsers: listUsers,
  RespondToAuthChallenge: respondToAuthChallenge,
  RevokeToken: revokeToken,
  SignUp: signUp,
} as const;

export type CognitoIdpOperationName = keyof typeof cognitoIdpOperations;

export function isCognitoIdpOperation(name: string): name is CognitoIdpOperationName {
  return Object.hasOwn(cognitoIdpOperations, name);
}

/** The user-pool API as a JSON 1.1 service: its registry and the IAM authorizer of admin operations. */
export function cognitoIdpService(deps: CognitoIdpDeps): JsonService {
  const operations: OperationTable = {};
  for (const [name, factory] of Object.entries(cognitoIdpOperations)) operations[name] = factory(deps);
  return { targetPrefix: COGNITO_IDP_TARGET_PREFIX, operations, authorize: userPoolAuthorizer(deps.callers) };
}

/**
 * Cognito user pools as one encapsulated Fastify plugin: JSON 1.1 body parsing, its error handler
 * and the operation registry, serving `X-Amz-Target: AWSCognitoIdentityProviderService.*` on `/`,
 * and the pools' discovery documents.
 */
export const cognitoIdpPlugin: FastifyPluginAsync<CognitoIdpDeps> = async (app, deps) => {
  serveJsonService(app, cognitoIdpService(deps));
  registerUserPoolWellKnown(app, deps);
};

/**
 * Cognito's per-pool discovery documents at Cognito's own paths:
 * `GET /<poolId>/.well-known/jwks.json` and `GET /<poolId>/.well-known/openid-configuration`.
 * `issuer` is the real Cognito issuer (what tokens carry); `jwks_uri` points back at this
 * server (the Host the request came to) so a verifier can actually fetch it. Unknown pool: 404.
 */
export function registerUserPoolWellKnown(app: FastifyInstance, deps: Pick<CognitoIdpDeps, 'keys' | 'store'>): void {
  app.get<{ Params: { poolId: string } }>('/:poolId/.well-known/jwks.json', async (request, reply) => {
    const pool = deps.store.findPool(request.params.poolId);
    if (!pool) return reply.code(404).send({ message: `User pool ${request.params.poolId} does not exist.` });
    return reply.header('content-type', 'application/json').send(await deps.keys.jwks());
  });

  app.get<{ Params: { poolId: string } }>('/:poolId/.well-known/openid-configuration', async (request, reply) => {
    const pool = deps.store.findPool(request.params.poolId);
    if (!pool) return reply.code(404).send({ message: `User pool ${request.params.poolId} does not exist.` });
    return reply.header('content-type', 'application/json').send({
      issuer: issuerFor(pool.region, pool.id),
      jwks_uri: `${request.protocol}://${request.host}/${pool.id}/.well-known/jwks.json`,
      response_types_supported: ['code', 'token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'cognito:username', 'cognito:groups', 'email', 'email_verified'],
    });
  });
}
