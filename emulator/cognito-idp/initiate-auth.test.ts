import { describe, expect, it } from 'vitest';
import { initiateAuth } from './initiate-auth.js';
import { N } from './srp.js';
import { TEST_CLIENT_ID, TEST_PASSWORD, TEST_POOL_ID, TestSrpClient, createTestDeps, decodeJwt, signInWithPassword, testContext, testPoolConfig } from '../../test/helpers/cognito-idp.js';

describe('InitiateAuth USER_SRP_AUTH', () => {
  it('answers PASSWORD_VERIFIER with SALT, SECRET_BLOCK, SRP_B and the internal username', async () => {
    const deps = await createTestDeps();
    const client = new TestSrpClient('TestPool1');
    const out = await initiateAuth(deps)(
      { AuthFlow: 'USER_SRP_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'ALICE', SRP_A: client.srpA } },
      testContext,
    );
    expect(out.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(out.AuthenticationResult).toBeUndefined();
    const params = out.ChallengeParameters!;
    expect(params.USERNAME).toBe('alice');
    expect(params.USER_ID_FOR_SRP).toBe('alice');
    expect(params.SALT).toMatch(/^[0-9a-f]+$/);
    expect(params.SRP_B).toMatch(/^[0-9a-f]+$/);
    expect(BigInt(`0x${params.SRP_B}`) % N).not.toBe(0n);
    expect(Buffer.from(params.SECRET_BLOCK!, 'base64').length).toBeGreaterThanOrEqual(32);
  });

  it('names the sub as USER_ID_FOR_SRP in email-as-username pools', async () => {
    const deps = await createTestDeps([testPoolConfig({ usernameAttributes: ['email'], users: [{ username: 'dora@example.com', password: TEST_PASSWORD }] })]);
    const out = await initiateAuth(deps)(
      { AuthFlow: 'USER_SRP_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'dora@example.com', SRP_A: new TestSrpClient('TestPool1').srpA } },
      testContext,
    );
    const sub = deps.store.getUser(TEST_POOL_ID, 'dora@example.com').sub;
    expect(out.ChallengeParameters).toMatchObject({ USERNAME: sub, USER_ID_FOR_SRP: sub });
  });

  it('rejects unknown users, A mod N = 0 and missing parameters', async () => {
    const deps = await createTestDeps();
    const run = (AuthParameters: Record<string, string>) =>
      initiateAuth(deps)({ AuthFlow: 'USER_SRP_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters }, testContext);
    await expect(run({ USERNAME: 'zed', SRP_A: 'abc' })).rejects.toMatchObject({ type: 'UserNotFoundException', message: 'User does not exist.' });
    await expect(run({ USERNAME: 'alice', SRP_A: N.toString(16) })).rejects.toMatchObject({ type: 'InvalidParameterException' });
    await expect(run({ USERNAME: 'alice' })).rejects.toMatchObject({ type: 'InvalidParameterException', message: 'Missing required parameter SRP_A' });
    await expect(run({ SRP_A: 'abc' })).rejects.toMatchObject({ message: 'Missing required parameter USERNAME' });
  });
});

describe('InitiateAuth USER_PASSWORD_AUTH', () => {
  it('returns Cognito tokens for the right password', async () => {
    const deps = await createTestDeps();
    const out = await initiateAuth(deps)(
      { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'alice', PASSWORD: TEST_PASSWORD } },
      testContext,
    );
    expect(out.ChallengeName).toBeUndefined();
    expect(out.AuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer', RefreshToken: expect.any(String) });
    const id = decodeJwt(out.AuthenticationResult!.IdToken!);
    expect(id).toMatchObject({ 'cognito:username': 'alice', aud: TEST_CLIENT_ID, token_use: 'id', email: 'alice@example.com', email_verified: true });
    expect(id.auth_time).toBe(Math.floor(deps.clock.now().getTime() / 1000));
  });

  it('rejects a wrong password, unknown user, unconfirmed and disabled users', async () => {
    const deps = await createTestDeps();
    const run = (USERNAME: string, PASSWORD: string) =>
      initiateAuth(deps)({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME, PASSWORD } }, testContext);
    await expect(run('alice', 'Wrong-passw0rd')).rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    await expect(run('zed', TEST_PASSWORD)).rejects.toMatchObject({ type: 'UserNotFoundException', message: 'User does not exist.' });

    const bob = deps.store.requirePool(TEST_POOL_ID).requireUser('bob');
    bob.status = 'UNCONFIRMED';
    await expect(run('bob', 'Wrong-passw0rd')).rejects.toMatchObject({ type: 'NotAuthorizedException' });
    await expect(run('bob', TEST_PASSWORD)).rejects.toMatchObject({ type: 'UserNotConfirmedException', message: 'User is not confirmed.' });
    bob.status = 'RESET_REQUIRED';
    await expect(run('bob', TEST_PASSWORD)).rejects.toMatchObject({ type: 'PasswordResetRequiredException' });
    bob.status = 'CONFIRMED';
    bob.enabled = false;
    await expect(run('bob', TEST_PASSWORD)).rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'User is disabled.' });
  });
});

describe('InitiateAuth REFRESH_TOKEN_AUTH', () => {
  it('issues new tokens of the same sign-in without a new refresh token', async () => {
    const deps = await createTestDeps();
    const first = await signInWithPassword(deps, 'alice');
    deps.clock.advance(60_000);
    for (const AuthFlow of ['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN'] as const) {
      const out = await initiateAuth(deps)({ AuthFlow, ClientId: TEST_CLIENT_ID, AuthParameters: { REFRESH_TOKEN: first.RefreshToken } }, testContext);
      expect(out.AuthenticationResult?.RefreshToken).toBeUndefined();
      const before = decodeJwt(first.AccessToken);
      const after = decodeJwt(out.AuthenticationResult!.AccessToken!);
      expect(after.origin_jti).toBe(before.origin_jti);
      expect(after.auth_time).toBe(before.auth_time);
      expect(after.iat).toBe((before.iat as number) + 60);
      expect(after.jti).not.toBe(before.jti);
    }
  });

  it('rejects unknown refresh tokens', async () => {
    const deps = await createTestDeps();
    await expect(initiateAuth(deps)({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { REFRESH_TOKEN: 'nope' } }, testContext))
      .rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
  });
});

describe('InitiateAuth validation', () => {
  it('rejects unknown clients, missing members and unsupported flows', async () => {
    const deps = await createTestDeps();
    const op = initiateAuth(deps);
    await expect(op({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nope', AuthParameters: {} }, testContext))
      .rejects.toMatchObject({ type: 'ResourceNotFoundException', message: 'User pool client nope does not exist.' });
    await expect(op({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: undefined }, testContext))
      .rejects.toMatchObject({ type: 'InvalidParameterException', message: expect.stringContaining("at 'clientId'") });
    await expect(op({ AuthFlow: 'CUSTOM_AUTH', ClientId: TEST_CLIENT_ID }, testContext))
      .rejects.toMatchObject({ type: 'InvalidParameterException', message: expect.stringContaining('CUSTOM_AUTH') });
  });
});
