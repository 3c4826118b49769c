import { describe, expect, it } from 'vitest';
import { adminSetUserPassword } from './admin-set-user-password.js';
import { initiateAuth } from './initiate-auth.js';
import { TEST_CLIENT_ID, TEST_POOL_ID, createTestDeps, signInWithPassword, testContext } from '../../test/helpers/cognito-idp.js';

describe('AdminSetUserPassword', () => {
  it('Permanent: true sets a password the user signs in with directly', async () => {
    const deps = await createTestDeps();
    deps.store.requirePool(TEST_POOL_ID).requireUser('bob').status = 'UNCONFIRMED';
    await adminSetUserPassword(deps)({ UserPoolId: TEST_POOL_ID, Username: 'bob', Password: 'N3w-password', Permanent: true }, testContext);
    expect(deps.store.getUser(TEST_POOL_ID, 'bob').status).toBe('CONFIRMED');
    await expect(signInWithPassword(deps, 'bob', 'N3w-password')).resolves.toHaveProperty('AccessToken');
    await expect(signInWithPassword(deps, 'bob')).rejects.toMatchObject({ type: 'NotAuthorizedException' });
  });

  it('Permanent: false makes it temporary (NEW_PASSWORD_REQUIRED at sign-in)', async () => {
    const deps = await createTestDeps();
    await adminSetUserPassword(deps)({ UserPoolId: TEST_POOL_ID, Username: 'bob', Password: 'Temp-passw0rd', Permanent: false }, testContext);
    expect(deps.store.getUser(TEST_POOL_ID, 'bob').status).toBe('FORCE_CHANGE_PASSWORD');
    const out = await initiateAuth(deps)(
      { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: TEST_CLIENT_ID, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Temp-passw0rd' } },
      testContext,
    );
    expect(out.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('rejects weak passwords and unknown users', async () => {
    const deps = await createTestDeps();
    const op = adminSetUserPassword(deps);
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'bob', Password: 'weak', Permanent: true }, testContext))
      .rejects.toMatchObject({ type: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough' });
    await expect(op({ UserPoolId: TEST_POOL_ID, Username: 'zed', Password: 'N3w-password', Permanent: true }, testContext))
      .rejects.toMatchObject({ type: 'UserNotFoundException' });
  });
});
