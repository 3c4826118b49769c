import { describe, expect, it } from 'vitest';
import { adminRemoveUserFromGroup } from './admin-remove-user-from-group.js';
import { TEST_POOL_ID, createTestDeps, decodeJwt, signInWithPassword, testContext } from '../../test/helpers/cognito-idp.js';

describe('AdminRemoveUserFromGroup', () => {
  it('removes the group and the preferred role follows', async () => {
    const deps = await createTestDeps();
    await adminRemoveUserFromGroup(deps)({ UserPoolId: TEST_POOL_ID, Username: 'alice', GroupName: 'admin' }, testContext);
    expect(deps.store.getUser(TEST_POOL_ID, 'alice').groups).toEqual(['editors']);
    const { IdToken } = await signInWithPassword(deps, 'alice');
    expect(decodeJwt(IdToken)).toMatchObject({
      'cognito:groups': ['editors'], 'cognito:preferred_role': 'arn:aws:iam::123456789012:role/editors',
      'cognito:roles': ['arn:aws:iam::123456789012:role/editors'],
    });
  });

  it('rejects unknown groups and users', async () => {
    const deps = await createTestDeps();
    const op = adminRemoveUserFromGroup(deps);
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'alice', GroupName: 'ghosts' }, testContext))
      .rejects.toMatchObject({ type: 'ResourceNotFoundException', message: 'Group not found.' });
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'zed', GroupName: 'admin' }, testContext))
      .rejects.toMatchObject({ type: 'UserNotFoundException' });
  });
});
