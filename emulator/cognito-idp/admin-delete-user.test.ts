import { describe, expect, it } from 'vitest';
import { adminDeleteUser } from './admin-delete-user.js';
import { getTokensFromRefreshToken } from './get-tokens-from-refresh-token.js';
import { TEST_CLIENT_ID, TEST_POOL_ID, createTestDeps, signInWithPassword, testContext } from '../../test/helpers/cognito-idp.js';

describe('AdminDeleteUser', () => {
  it('deletes the user and revokes their tokens', async () => {
    const deps = await createTestDeps();
    const { RefreshToken } = await signInWithPassword(deps, 'bob');
    expect(await adminDeleteUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'bob' }, testContext)).toEqual({});
    expect(() => deps.store.getUser(TEST_POOL_ID, 'bob')).toThrow(expect.objectContaining({ type: 'UserNotFoundException' }));
    await expect(getTokensFromRefreshToken(deps)({ ClientId: TEST_CLIENT_ID, RefreshToken }, testContext))
      .rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
    await expect(adminDeleteUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'bob' }, testContext))
      .rejects.toMatchObject({ type: 'UserNotFoundException' });
  });

  it('a recreated user with the same name gets a new sub', async () => {
    const deps = await createTestDeps();
    const before = deps.store.getUser(TEST_POOL_ID, 'bob').sub;
    await adminDeleteUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'bob' }, testContext);
    const pool = deps.store.requirePool(TEST_POOL_ID);
    pool.createUser({ signInName: 'bob', password: 'Passw0rd!', status: 'CONFIRMED' }, deps.clock.now());
    expect(deps.store.getUser(TEST_POOL_ID, 'bob').sub).not.toBe(before);
  });
});
