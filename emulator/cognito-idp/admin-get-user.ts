import type { AdminGetUserCommandInput, AdminGetUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { attributeList } from './attributes.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';

/** AdminGetUser: a user by username (or email in email-as-username pools). */
export const adminGetUser = (
  deps: Pick<CognitoIdpDeps, 'store'>,
): Operation<AdminGetUserCommandInput, Wire<AdminGetUserCommandOutput>> => async (input) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  if (!input.Username) throw missingMember('username');
  const user = deps.store.requirePool(input.UserPoolId).requireUser(input.Username);
  return {
    Username: user.username,
    UserAttributes: attributeList(user),
    UserCreateDate: user.createdAt,
    UserLastModifiedDate: user.updatedAt,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
};
