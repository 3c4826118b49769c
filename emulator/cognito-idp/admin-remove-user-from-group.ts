import type {
  AdminRemoveUserFromGroupCommandInput, AdminRemoveUserFromGroupCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';

/** AdminRemoveUserFromGroup: idempotent; the user's next tokens no longer carry the group. */
export const adminRemoveUserFromGroup = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'store'>,
): Operation<AdminRemoveUserFromGroupCommandInput, Wire<AdminRemoveUserFromGroupCommandOutput>> => async (input) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  if (!input.Username) throw missingMember('username');
  if (!input.GroupName) throw missingMember('groupName');
  const pool = deps.store.requirePool(input.UserPoolId);
  const group = pool.requireGroup(input.GroupName);
  const user = pool.requireUser(input.Username);
  user.groups.delete(group.name);
  user.updatedAt = deps.clock.now();
  return {};
};
