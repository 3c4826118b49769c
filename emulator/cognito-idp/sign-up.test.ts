import { describe, expect, it } from 'vitest';
import { signUp } from './sign-up.js';
import { TEST_CLIENT_ID, TEST_PASSWORD, TEST_POOL_ID, createTestDeps, testContext, testPoolConfig } from '../../test/helpers/cognito-idp.js';

describe('SignUp', () => {
  it('creates an UNCONFIRMED user with a code delivered (masked) to their email', async () => {
    const deps = await createTestDeps();
    const out = await signUp(deps)({
      ClientId: TEST_CLIENT_ID, Username: 'erin', Password: TEST_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }, { Name: 'custom:team', Value: 'red' }],
    }, testContext);
    const erin = deps.store.getUser(TEST_POOL_ID, 'erin');
    expect(out).toEqual({
      UserConfirmed: false, UserSub: erin.sub,
      CodeDeliveryDetails: { Destination: 'e***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    });
    expect(erin.status).toBe('UNCONFIRMED');
    expect(erin.attributes).toEqual({ email: 'erin@example.com', 'custom:team': 'red', sub: erin.sub });
    expect(deps.store.getConfirmationCode(TEST_POOL_ID, 'erin')).toMatch(/^\d{6}$/);
  });

  it('uses the email as sign-in name and the sub as username in email-as-username pools', async () => {
    const deps = await createTestDeps([testPoolConfig({ usernameAttributes: ['email'], users: [] })]);
    const op = signUp(deps);
    const out = await op({ ClientId: TEST_CLIENT_ID, Username: 'fay@example.com', Password: TEST_PASSWORD }, testContext);
    expect(deps.store.getUser(TEST_POOL_ID, 'fay@example.com').username).toBe(out.UserSub);
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'FAY@example.com', Password: TEST_PASSWORD }, testContext))
      .rejects.toMatchObject({ type: 'UsernameExistsException', message: 'An account with the given email already exists.' });
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'fay', Password: TEST_PASSWORD }, testContext))
      .rejects.toMatchObject({ type: 'InvalidParameterException', message: 'Username should be an email.' });
  });

  it('rejects existing usernames, weak passwords, sub attributes and unknown clients', async () => {
    const deps = await createTestDeps();
    const op = signUp(deps);
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'Alice', Password: TEST_PASSWORD }, testContext))
      .rejects.toMatchObject({ type: 'UsernameExistsException', message: 'User already exists' });
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'gus', Password: 'password' }, testContext))
      .rejects.toMatchObject({ type: 'InvalidPasswordException', message: 'Password did not conform with policy: Password must have uppercase characters' });
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'gus', Password: TEST_PASSWORD, UserAttributes: [{ Name: 'sub', Value: 'x' }] }, testContext))
      .rejects.toMatchObject({ type: 'InvalidParameterException' });
    await expect(op({ ClientId: 'nope', Username: 'gus', Password: TEST_PASSWORD }, testContext))
      .rejects.toMatchObject({ type: 'ResourceNotFoundException' });
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'gus', Password: undefined }, testContext))
      .rejects.toMatchObject({ type: 'InvalidParameterException', message: expect.stringContaining("'password'") });
  });
});
