import type { AdminDeleteUserCommandInput, AdminDeleteUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';

/** AdminDeleteUser: removes the user and revokes every token they hold. */
export const adminDeleteUser = (
  deps: Pick<CognitoIdpDeps, 'store'>,
): Operation<AdminDeleteUserCommandInput, Wire<AdminDeleteUserCommandOutput>> => async (input) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  if (!input.Username) throw missingMember('username');
  const pool = deps.store.requirePool(input.UserPoolId);
  const user = pool.requireUser(input.Username);
  pool.deleteUser(user);
  deps.store.revokeUserTokens(pool.id, user.sub);
  return {};
};
