import type { CreateGroupCommandInput, CreateGroupCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { GroupExistsException, InvalidParameterException, missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import type { StoredGroup } from './store.js';

/** CreateGroup, with the RoleArn and Precedence that decide `cognito:preferred_role`. */
export const createGroup = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'store'>,
): Operation<CreateGroupCommandInput, Wire<CreateGroupCommandOutput>> => async (input) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  if (!input.GroupName) throw missingMember('groupName');
  const pool = deps.store.requirePool(input.UserPoolId);
  if (input.Precedence !== undefined && (!Number.isInteger(input.Precedence) || input.Precedence < 0)) {
    throw new InvalidParameterException(
      `1 validation error detected: Value '${input.Precedence}' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  }
  if (pool.groups.has(input.GroupName)) throw new GroupExistsException(input.GroupName);
  const now = deps.clock.now();
  const group: StoredGroup = {
    name: input.GroupName,
    ...(input.Description !== undefined ? { description: input.Description } : {}),
    ...(input.Precedence !== undefined ? { precedence: input.Precedence } : {}),
    ...(input.RoleArn !== undefined ? { roleArn: input.RoleArn } : {}),
    createdAt: now,
    updatedAt: now,
  };
  pool.groups.set(group.name, group);
  return {
    Group: {
      GroupName: group.name,
      UserPoolId: pool.id,
      Description: group.description,
      RoleArn: group.roleArn,
      Precedence: group.precedence,
      LastModifiedDate: group.updatedAt,
      CreationDate: group.createdAt,
    },
  };
};
