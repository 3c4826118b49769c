import type { ChallengeNameType } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { adminCreateUser } from './admin-create-user.js';
import { initiateAuth } from './initiate-auth.js';
import { respondToAuthChallenge } from './respond-to-auth-challenge.js';
import { TEST_CLIENT_ID, TEST_PASSWORD, TEST_POOL_ID, TestSrpClient, createTestDeps, decodeJwt, testContext, testPoolConfig, type TestDeps } from '../../test/helpers/cognito-idp.js';

async function srpChallenge(deps: TestDeps, username: string, poolName = 'TestPool1') {
  const client = new TestSrpClient(poolName);
  const out = await initiateAuth(deps)(
    { AuthFlow: 'USER_SRP_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: username, SRP_A: client.srpA } },
    testContext,
  );
  return { client, challenge: out.ChallengeParameters! };
}

const respond = (deps: TestDeps, ChallengeResponses: Record<string, string>, ChallengeName: ChallengeNameType = 'PASSWORD_VERIFIER', Session?: string) =>
  respondToAuthChallenge(deps)({ ClientId: TEST_CLIENT_ID, ChallengeName, ChallengeResponses, Session }, testContext);

describe('RespondToAuthChallenge PASSWORD_VERIFIER', () => {
  it('signs in with a correct SRP proof', async () => {
    const deps = await createTestDeps();
    const { client, challenge } = await srpChallenge(deps, 'alice');
    const out = await respond(deps, client.respond(challenge, TEST_PASSWORD));
    expect(out.AuthenticationResult?.AccessToken).toBeDefined();
    expect(decodeJwt(out.AuthenticationResult!.IdToken!)).toMatchObject({
      'cognito:username': 'alice', 'cognito:groups': ['admin', 'editors'], 'cognito:preferred_role': 'arn:aws:iam::123456789012:role/admin',
    });
  });

  it('signs in email-as-username users (USER_ID_FOR_SRP is the sub)', async () => {
    const deps = await createTestDeps([testPoolConfig({ usernameAttributes: ['email'], users: [{ username: 'dora@example.com', password: TEST_PASSWORD }] })]);
    const { client, challenge } = await srpChallenge(deps, 'dora@example.com');
    const out = await respond(deps, client.respond(challenge, TEST_PASSWORD));
    const id = decodeJwt(out.AuthenticationResult!.IdToken!);
    expect(id['cognito:username']).toBe(id.sub);
    expect(id.email).toBe('dora@example.com');
  });

  it('rejects a wrong password, and each SECRET_BLOCK answers only once', async () => {
    const deps = await createTestDeps();
    const { client, challenge } = await srpChallenge(deps, 'alice');
    await expect(respond(deps, client.respond(challenge, 'Wrong-passw0rd'))).rejects.toMatchObject({
      type: 'NotAuthorizedException', message: 'Incorrect username or password.',
    });
    await expect(respond(deps, client.respond(challenge, TEST_PASSWORD))).rejects.toMatchObject({
      type: 'NotAuthorizedException', message: 'Invalid session for the user.',
    });
  });

  it('rejects an expired session, another user, and a malformed TIMESTAMP', async () => {
    const deps = await createTestDeps();
    let { client, challenge } = await srpChallenge(deps, 'alice');
    deps.clock.advance(3 * 60_000 + 1);
    await expect(respond(deps, client.respond(challenge, TEST_PASSWORD))).rejects.toMatchObject({
      message: 'Invalid session for the user, session is expired.',
    });
    ({ client, challenge } = await srpChallenge(deps, 'alice'));
    await expect(respond(deps, { ...client.respond(challenge, TEST_PASSWORD), USERNAME: 'bob' })).rejects.toMatchObject({ type: 'NotAuthorizedException' });
    ({ client, challenge } = await srpChallenge(deps, 'alice'));
    await expect(respond(deps, { ...client.respond(challenge, TEST_PASSWORD), TIMESTAMP: '2026-01-01T00:00:00Z' })).rejects.toMatchObject({
      type: 'InvalidParameterException',
    });
  });

  it('reports an unconfirmed user only after a correct proof', async () => {
    const deps = await createTestDeps();
    deps.store.requirePool(TEST_POOL_ID).requireUser('bob').status = 'UNCONFIRMED';
    const { client, challenge } = await srpChallenge(deps, 'bob');
    await expect(respond(deps, client.respond(challenge, TEST_PASSWORD))).rejects.toMatchObject({ type: 'UserNotConfirmedException' });
  });
});

describe('RespondToAuthChallenge NEW_PASSWORD_REQUIRED', () => {
  async function invited(deps: TestDeps) {
    await adminCreateUser(deps)({
      UserPoolId: TEST_POOL_ID, Username: 'newbie', TemporaryPassword: 'Temp-passw0rd',
      UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }],
    }, testContext);
    const { client, challenge } = await srpChallenge(deps, 'newbie');
    return respond(deps, client.respond(challenge, 'Temp-passw0rd'));
  }

  it('challenges a FORCE_CHANGE_PASSWORD user, then sets the new password and signs in', async () => {
    const deps = await createTestDeps();
    const step = await invited(deps);
    expect(step.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(step.Session).toEqual(expect.any(String));
    expect(step.ChallengeParameters).toEqual({
      USER_ID_FOR_SRP: 'newbie', requiredAttributes: '[]', userAttributes: JSON.stringify({ email: 'newbie@example.com' }),
    });

    await expect(respond(deps, { USERNAME: 'newbie', NEW_PASSWORD: 'short' }, 'NEW_PASSWORD_REQUIRED', step.Session))
      .rejects.toMatchObject({ type: 'InvalidPasswordException' });
    const done = await respond(deps, { USERNAME: 'newbie', NEW_PASSWORD: 'Brand-new-passw0rd', 'userAttributes.name': 'New Bee' }, 'NEW_PASSWORD_REQUIRED', step.Session);
    expect(decodeJwt(done.AuthenticationResult!.IdToken!)).toMatchObject({ 'cognito:username': 'newbie', name: 'New Bee' });
    expect(deps.store.getUser(TEST_POOL_ID, 'newbie').status).toBe('CONFIRMED');

    const pool = deps.store.requirePool(TEST_POOL_ID);
    expect(pool.passwordMatches(pool.requireUser('newbie'), 'Brand-new-passw0rd')).toBe(true);
    await expect(respond(deps, { USERNAME: 'newbie', NEW_PASSWORD: 'Brand-new-passw0rd' }, 'NEW_PASSWORD_REQUIRED', step.Session))
      .rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'Invalid session for the user.' });
  });

  it('rejects a missing, foreign or expired session', async () => {
    const deps = await createTestDeps();
    const step = await invited(deps);
    await expect(respond(deps, { USERNAME: 'newbie', NEW_PASSWORD: 'Brand-new-passw0rd' }, 'NEW_PASSWORD_REQUIRED'))
      .rejects.toMatchObject({ type: 'InvalidParameterException' });
    await expect(respond(deps, { USERNAME: 'alice', NEW_PASSWORD: 'Brand-new-passw0rd' }, 'NEW_PASSWORD_REQUIRED', step.Session))
      .rejects.toMatchObject({ type: 'NotAuthorizedException' });
    deps.clock.advance(3 * 60_000 + 1);
    await expect(respond(deps, { USERNAME: 'newbie', NEW_PASSWORD: 'Brand-new-passw0rd' }, 'NEW_PASSWORD_REQUIRED', step.Session))
      .rejects.toMatchObject({ message: 'Invalid session for the user, session is expired.' });
  });

  it('refuses a temporary password older than 7 days', async () => {
    const deps = await createTestDeps();
    await adminCreateUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'late', TemporaryPassword: 'Temp-passw0rd' }, testContext);
    deps.clock.advance(7 * 24 * 3600_000 + 1);
    const { client, challenge } = await srpChallenge(deps, 'late');
    await expect(respond(deps, client.respond(challenge, 'Temp-passw0rd'))).rejects.toMatchObject({
      type: 'NotAuthorizedException', message: 'Temporary password has expired and must be reset by an administrator.',
    });
  });

  it('rejects challenges the emulator does not implement', async () => {
    const deps = await createTestDeps();
    await expect(respondToAuthChallenge(deps)({ ClientId: TEST_CLIENT_ID, ChallengeName: 'SMS_MFA', ChallengeResponses: {} }, testContext))
      .rejects.toMatchObject({ type: 'InvalidParameterException' });
  });
});
