import { describe, expect, it } from 'vitest';
import { getUser } from './get-user.js';
import { revokeToken } from './revoke-token.js';
import { TEST_CLIENT_ID, createTestDeps, signInWithPassword, testContext, testPoolConfig } from '../../test/helpers/cognito-idp.js';

describe('RevokeToken', () => {
  it('revokes the refresh token and the access tokens of the same sign-in only', async () => {
    const deps = await createTestDeps();
    const revoked = await signInWithPassword(deps, 'alice');
    const other = await signInWithPassword(deps, 'alice');
    expect(await revokeToken(deps)({ ClientId: TEST_CLIENT_ID, Token: revoked.RefreshToken }, testContext)).toEqual({});
    await expect(getUser(deps)({ AccessToken: revoked.AccessToken }, testContext)).rejects.toMatchObject({ message: 'Access Token has been revoked' });
    await expect(getUser(deps)({ AccessToken: other.AccessToken }, testContext)).resolves.toHaveProperty('Username', 'alice');
  });

  it("succeeds without effect for unknown tokens and other clients' tokens", async () => {
    const deps = await createTestDeps([testPoolConfig({ clientIds: [TEST_CLIENT_ID, 'otherclient'] })]);
    const session = await signInWithPassword(deps, 'alice');
    await expect(revokeToken(deps)({ ClientId: TEST_CLIENT_ID, Token: 'unknown' }, testContext)).resolves.toEqual({});
    await expect(revokeToken(deps)({ ClientId: 'otherclient', Token: session.RefreshToken }, testContext)).resolves.toEqual({});
    await expect(getUser(deps)({ AccessToken: session.AccessToken }, testContext)).resolves.toHaveProperty('Username', 'alice');
    await expect(revokeToken(deps)({ ClientId: 'nope', Token: session.RefreshToken }, testContext)).rejects.toMatchObject({ type: 'ResourceNotFoundException' });
  });
});
