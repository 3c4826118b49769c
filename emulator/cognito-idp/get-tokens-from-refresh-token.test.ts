import { describe, expect, it } from 'vitest';
import { getTokensFromRefreshToken } from './get-tokens-from-refresh-token.js';
import { revokeToken } from './revoke-token.js';
import { TEST_CLIENT_ID, TEST_POOL_ID, createTestDeps, decodeJwt, signInWithPassword, testContext, testPoolConfig } from '../../test/helpers/cognito-idp.js';

describe('GetTokensFromRefreshToken', () => {
  it('refreshes ID and access tokens with current groups, keeping origin_jti and auth_time', async () => {
    const deps = await createTestDeps();
    const first = await signInWithPassword(deps, 'bob');
    expect(decodeJwt(first.IdToken)).not.toHaveProperty('cognito:groups');
    deps.store.requirePool(TEST_POOL_ID).requireUser('bob').groups.add('editors');
    deps.clock.advance(30 * 60_000);

    const { AuthenticationResult: result } = await getTokensFromRefreshToken(deps)({ ClientId: TEST_CLIENT_ID, RefreshToken: first.RefreshToken }, testContext);
    expect(result).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
    expect(result?.RefreshToken).toBeUndefined();
    const id = decodeJwt(result!.IdToken!);
    expect(id).toMatchObject({
      'cognito:groups': ['editors'], 'cognito:preferred_role': 'arn:aws:iam::123456789012:role/editors',
      origin_jti: decodeJwt(first.IdToken).origin_jti, auth_time: decodeJwt(first.IdToken).auth_time,
    });
    expect(id.iat).toBe((decodeJwt(first.IdToken).iat as number) + 1800);
  });

  it('rejects revoked, expired, foreign-client and unknown refresh tokens', async () => {
    const deps = await createTestDeps([testPoolConfig({ clientIds: [TEST_CLIENT_ID, 'otherclient'] })]);
    const op = getTokensFromRefreshToken(deps);
    const { RefreshToken } = await signInWithPassword(deps, 'alice');
    await expect(op({ ClientId: 'otherclient', RefreshToken }, testContext)).rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
    await expect(op({ ClientId: TEST_CLIENT_ID, RefreshToken: 'nope' }, testContext)).rejects.toMatchObject({ message: 'Invalid Refresh Token' });
    await expect(op({ ClientId: 'nope', RefreshToken }, testContext)).rejects.toMatchObject({ type: 'ResourceNotFoundException' });

    deps.clock.advance(30 * 24 * 3600_000);
    await expect(op({ ClientId: TEST_CLIENT_ID, RefreshToken }, testContext)).rejects.toMatchObject({ message: 'Refresh Token has expired' });

    const fresh = await signInWithPassword(deps, 'alice');
    await revokeToken(deps)({ ClientId: TEST_CLIENT_ID, Token: fresh.RefreshToken }, testContext);
    await expect(op({ ClientId: TEST_CLIENT_ID, RefreshToken: fresh.RefreshToken }, testContext)).rejects.toMatchObject({ message: 'Refresh Token has been revoked' });
  });
});
