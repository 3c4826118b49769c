import { describe, expect, it } from 'vitest';
import { adminAddUserToGroup } from './admin-add-user-to-group.js';
import { TEST_POOL_ID, createTestDeps, decodeJwt, signInWithPassword, testContext } from '../../test/helpers/cognito-idp.js';

describe('AdminAddUserToGroup', () => {
  it('adds the group (idempotently) and the next tokens carry it', async () => {
    const deps = await createTestDeps();
    const op = adminAddUserToGroup(deps);
    expect(await op({ UserPoolId: TEST_POOL_ID, Username: 'bob', GroupName: 'readers' }, testContext)).toEqual({});
    await op({ UserPoolId: TEST_POOL_ID, Username: 'bob', GroupName: 'readers' }, testContext);
    expect(deps.store.getUser(TEST_POOL_ID, 'bob').groups).toEqual(['readers']);
    const { AccessToken } = await signInWithPassword(deps, 'bob');
    expect(decodeJwt(AccessToken)['cognito:groups']).toEqual(['readers']);
  });

  it('rejects unknown groups and users', async () => {
    const deps = await createTestDeps();
    const op = adminAddUserToGroup(deps);
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'bob', GroupName: 'ghosts' }, testContext))
      .rejects.toMatchObject({ type: 'ResourceNotFoundException', message: 'Group not found.' });
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'zed', GroupName: 'readers' }, testContext))
      .rejects.toMatchObject({ type: 'UserNotFoundException' });
  });
});
