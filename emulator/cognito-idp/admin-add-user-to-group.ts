import type { AdminAddUserToGroupCommandInput, AdminAddUserToGroupCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';

/** AdminAddUserToGroup: idempotent; the user's next tokens carry the group. */
export const adminAddUserToGroup = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'store'>,
): Operation<AdminAddUserToGroupCommandInput, Wire<AdminAddUserToGroupCommandOutput>> => async (input) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  if (!input.Username) throw missingMember('username');
  if (!input.GroupName) throw missingMember('groupName');
  const pool = deps.store.requirePool(input.UserPoolId);
  const group = pool.requireGroup(input.GroupName);
  const user = pool.requireUser(input.Username);
  user.groups.add(group.name);
  user.updatedAt = deps.clock.now();
  return {};
};
