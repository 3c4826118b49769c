import { describe, expect, it } from 'vitest';
import { confirmSignUp } from './confirm-sign-up.js';
import { signUp } from './sign-up.js';
import { TEST_CLIENT_ID, TEST_PASSWORD, TEST_POOL_ID, createTestDeps, signInWithPassword, testContext, type TestDeps } from '../../test/helpers/cognito-idp.js';

async function signedUp(deps: TestDeps): Promise<string> {
  await signUp(deps)({ ClientId: TEST_CLIENT_ID, Username: 'erin', Password: TEST_PASSWORD, UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }] }, testContext);
  return deps.store.getConfirmationCode(TEST_POOL_ID, 'erin')!;
}

describe('ConfirmSignUp', () => {
  it('confirms the user, verifies the email, and lets them sign in', async () => {
    const deps = await createTestDeps();
    const code = await signedUp(deps);
    expect(await confirmSignUp(deps)({ ClientId: TEST_CLIENT_ID, Username: 'erin', ConfirmationCode: code }, testContext)).toEqual({});
    const erin = deps.store.getUser(TEST_POOL_ID, 'erin');
    expect(erin.status).toBe('CONFIRMED');
    expect(erin.attributes.email_verified).toBe('true');
    await expect(signInWithPassword(deps, 'erin')).resolves.toHaveProperty('AccessToken');
  });

  it('rejects a wrong code, an expired code, confirmed users and unknown users', async () => {
    const deps = await createTestDeps();
    const code = await signedUp(deps);
    const op = confirmSignUp(deps);
    const wrong = code === '000000' ? '111111' : '000000';
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'erin', ConfirmationCode: wrong }, testContext))
      .rejects.toMatchObject({ type: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' });
    deps.clock.advance(24 * 3600_000 + 1);
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'erin', ConfirmationCode: code }, testContext))
      .rejects.toMatchObject({ type: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' });
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'alice', ConfirmationCode: code }, testContext))
      .rejects.toMatchObject({ type: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is CONFIRMED' });
    await expect(op({ ClientId: TEST_CLIENT_ID, Username: 'zed', ConfirmationCode: code }, testContext))
      .rejects.toMatchObject({ type: 'UserNotFoundException', message: 'Username/client id combination not found.' });
  });
});
