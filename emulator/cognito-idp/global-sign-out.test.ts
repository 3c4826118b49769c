import { describe, expect, it } from 'vitest';
import { getTokensFromRefreshToken } from './get-tokens-from-refresh-token.js';
import { getUser } from './get-user.js';
import { globalSignOut } from './global-sign-out.js';
import { TEST_CLIENT_ID, createTestDeps, signInWithPassword, testContext } from '../../test/helpers/cognito-idp.js';

describe('GlobalSignOut', () => {
  it("revokes every one of the user's sessions and no one else's", async () => {
    const deps = await createTestDeps();
    const phone = await signInWithPassword(deps, 'alice');
    const laptop = await signInWithPassword(deps, 'alice');
    const bob = await signInWithPassword(deps, 'bob');

    expect(await globalSignOut(deps)({ AccessToken: phone.AccessToken }, testContext)).toEqual({});
    for (const session of [phone, laptop]) {
      await expect(getUser(deps)({ AccessToken: session.AccessToken }, testContext)).rejects.toMatchObject({
        type: 'NotAuthorizedException', message: 'Access Token has been revoked',
      });
      await expect(getTokensFromRefreshToken(deps)({ ClientId: TEST_CLIENT_ID, RefreshToken: session.RefreshToken }, testContext))
        .rejects.toMatchObject({ message: 'Refresh Token has been revoked' });
    }
    await expect(getUser(deps)({ AccessToken: bob.AccessToken }, testContext)).resolves.toHaveProperty('Username', 'bob');
    await expect(globalSignOut(deps)({ AccessToken: phone.AccessToken }, testContext)).rejects.toMatchObject({ type: 'NotAuthorizedException' });
  });
});
