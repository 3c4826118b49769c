import { describe, expect, it } from 'vitest';
import { adminGetUser } from './admin-get-user.js';
import { TEST_POOL_ID, createTestDeps, testContext } from '../../test/helpers/cognito-idp.js';

describe('AdminGetUser', () => {
  it('returns the user with status and dates', async () => {
    const deps = await createTestDeps();
    const sub = deps.store.getUser(TEST_POOL_ID, 'bob').sub;
    expect(await adminGetUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'Bob' }, testContext)).toEqual({
      Username: 'bob',
      UserAttributes: [{ Name: 'sub', Value: sub }, { Name: 'name', Value: 'Bob' }],
      UserCreateDate: new Date('2026-01-01T00:00:00Z'),
      UserLastModifiedDate: new Date('2026-01-01T00:00:00Z'),
      Enabled: true,
      UserStatus: 'CONFIRMED',
    });
  });

  it('rejects unknown users and pools', async () => {
    const deps = await createTestDeps();
    await expect(adminGetUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'zed' }, testContext))
      .rejects.toMatchObject({ type: 'UserNotFoundException', message: 'User does not exist.' });
    await expect(adminGetUser(deps)({ UserPoolId: 'us-east-1_Nope', Username: 'bob' }, testContext))
      .rejects.toMatchObject({ type: 'ResourceNotFoundException' });
  });
});
