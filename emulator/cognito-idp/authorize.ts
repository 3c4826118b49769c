import type { FastifyRequest } from 'fastify';
import { jsonAuthError } from '../aws/auth-errors.js';
import { SignatureFailure } from '../aws/sigv4-verify.js';
import { regionOfHost, signedRequestOf, type Caller, type CallerAuthenticator } from '../credentials/callers.js';
import { COGNITO_SESSION_NAME, assumedRoleArn } from '../credentials/vendor.js';
import { AccessDeniedException } from './errors.js';

/**
 * The user-pool operations AWS authorises with IAM (SigV4-signed by an IAM principal) rather than
 * with a user's tokens or nothing: every Admin* operation and the pool-management ones.
 */
export const IAM_AUTHORIZED_OPERATIONS: ReadonlySet<string> = new Set([
  'AdminAddUserToGroup', 'AdminCreateUser', 'AdminDeleteUser', 'AdminGetUser', 'AdminRemoveUserFromGroup',
  'AdminSetUserPassword', 'CreateGroup', 'ListUsers',
]);

/**
 * Authorises a user-pool call as Cognito does: public operations pass; IAM-authorised ones need a
 * valid SigV4 signature (scope service `cognito-idp`, the endpoint's region) by the stack's
 * administrator. A vended identity-pool session signs validly but holds no Cognito permission.
 */
export function userPoolAuthorizer(callers: CallerAuthenticator) {
  return async (operation: string, request: FastifyRequest, input: Record<string, unknown>): Promise<Caller | undefined> => {
    if (!IAM_AUTHORIZED_OPERATIONS.has(operation)) return undefined;
    let caller: Caller;
    try {
      caller = await callers.authenticate(signedRequestOf(request), {
        service: 'cognito-idp',
        region: regionOfHost(request.headers.host, 'cognito-idp'),
      });
    } catch (e) {
      if (e instanceof SignatureFailure) throw jsonAuthError(e);
      throw e;
    }
    if (caller.kind === 'session') {
      const poolId = typeof input.UserPoolId === 'string' ? input.UserPoolId : '*';
      const region = poolId.includes('_') ? poolId.slice(0, poolId.indexOf('_')) : 'us-east-1';
      const action = `cognito-idp:${operation}`;
      throw new AccessDeniedException(
        `User: ${assumedRoleArn(caller.session.roleArn, COGNITO_SESSION_NAME)} is not authorized to perform: ${action} ` +
          `on resource: arn:aws:cognito-idp:${region}:${caller.session.accountId}:userpool/${poolId} because no identity-based policy allows the ${action} action`,
      );
    }
    return caller;
  };
}
