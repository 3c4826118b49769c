import { describe, expect, it } from 'vitest';
import { getUser } from './get-user.js';
import { TEST_POOL_ID, createTestDeps, signInWithPassword, testContext } from '../../test/helpers/cognito-idp.js';

describe('GetUser', () => {
  it("returns the caller's username and attributes", async () => {
    const deps = await createTestDeps();
    const { AccessToken } = await signInWithPassword(deps, 'alice');
    const sub = deps.store.getUser(TEST_POOL_ID, 'alice').sub;
    expect(await getUser(deps)({ AccessToken }, testContext)).toEqual({
      Username: 'alice',
      UserAttributes: [
        { Name: 'sub', Value: sub }, { Name: 'email', Value: 'alice@example.com' }, { Name: 'email_verified', Value: 'true' },
      ],
    });
  });

  it('rejects ID tokens, expired tokens and a missing token', async () => {
    const deps = await createTestDeps();
    const { IdToken, AccessToken } = await signInWithPassword(deps, 'alice');
    await expect(getUser(deps)({ AccessToken: IdToken }, testContext)).rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Invalid Access Token' });
    await expect(getUser(deps)({ AccessToken: undefined }, testContext)).rejects.toMatchObject({ type: 'InvalidParameterException' });
    deps.clock.advance(3600_000);
    await expect(getUser(deps)({ AccessToken }, testContext)).rejects.toMatchObject({ message: 'Access Token has expired' });
  });
});
