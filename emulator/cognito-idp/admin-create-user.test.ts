import { describe, expect, it } from 'vitest';
import { adminCreateUser } from './admin-create-user.js';
import { initiateAuth } from './initiate-auth.js';
import { TEST_CLIENT_ID, TEST_POOL_ID, createTestDeps, testContext, testPoolConfig } from '../../test/helpers/cognito-idp.js';

describe('AdminCreateUser', () => {
  it('creates a FORCE_CHANGE_PASSWORD user whose temporary password leads to NEW_PASSWORD_REQUIRED', async () => {
    const deps = await createTestDeps();
    const out = await adminCreateUser(deps)({
      UserPoolId: TEST_POOL_ID, Username: 'hank', TemporaryPassword: 'Temp-passw0rd',
      UserAttributes: [{ Name: 'email', Value: 'hank@example.com' }, { Name: 'email_verified', Value: 'true' }],
    }, testContext);
    const sub = deps.store.getUser(TEST_POOL_ID, 'hank').sub;
    expect(out).toEqual({
      User: {
        Username: 'hank',
        Attributes: [{ Name: 'sub', Value: sub }, { Name: 'email', Value: 'hank@example.com' }, { Name: 'email_verified', Value: 'true' }],
        UserCreateDate: deps.clock.now(), UserLastModifiedDate: deps.clock.now(), Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD',
      },
    });
    const step = await initiateAuth(deps)(
      { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'hank', PASSWORD: 'Temp-passw0rd' } },
      testContext,
    );
    expect(step.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(step.AuthenticationResult).toBeUndefined();
  });

  it('generates a temporary password meeting the policy when none is given', async () => {
    const deps = await createTestDeps();
    const out = await adminCreateUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'ivy', MessageAction: 'SUPPRESS' }, testContext);
    expect(out.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
  });

  it('uses the sub as username in email-as-username pools', async () => {
    const deps = await createTestDeps([testPoolConfig({ usernameAttributes: ['email'], users: [] })]);
    const out = await adminCreateUser(deps)({ UserPoolId: TEST_POOL_ID, Username: 'jo@example.com', TemporaryPassword: 'Temp-passw0rd' }, testContext);
    const jo = deps.store.getUser(TEST_POOL_ID, 'jo@example.com');
    expect(out.User?.Username).toBe(jo.sub);
    expect(jo.attributes.email).toBe('jo@example.com');
  });

  it('renews the temporary password with MessageAction RESEND', async () => {
    const deps = await createTestDeps();
    const op = adminCreateUser(deps);
    await op({ UserPoolId: TEST_POOL_ID, Username: 'kim', TemporaryPassword: 'Temp-passw0rd' }, testContext);
    await op({ UserPoolId: TEST_POOL_ID, Username: 'kim', TemporaryPassword: 'Other-passw0rd', MessageAction: 'RESEND' }, testContext);
    const pool = deps.store.requirePool(TEST_POOL_ID);
    expect(pool.passwordMatches(pool.requireUser('kim'), 'Other-passw0rd')).toBe(true);
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'alice', MessageAction: 'RESEND' }, testContext))
      .rejects.toMatchObject({ type: 'UnsupportedUserStateException' });
  });

  it('rejects existing users, weak temporary passwords and unknown pools', async () => {
    const deps = await createTestDeps();
    const op = adminCreateUser(deps);
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'alice', TemporaryPassword: 'Temp-passw0rd' }, testContext))
      .rejects.toMatchObject({ type: 'UsernameExistsException', message: 'User account already exists' });
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'lou', TemporaryPassword: 'temp' }, testContext))
      .rejects.toMatchObject({ type: 'InvalidPasswordException' });
    await expect(op({ UserPoolId: 'us-east-1_Nope', Username: 'lou' }, testContext))
      .rejects.toMatchObject({ type: 'ResourceNotFoundException', message: 'User pool us-east-1_Nope does not exist.' });
  });
});
