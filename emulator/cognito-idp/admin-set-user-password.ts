import type { AdminSetUserPasswordCommandInput, AdminSetUserPasswordCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { TEMPORARY_PASSWORD_VALIDITY_MS } from './admin-create-user.js';
import { assertPasswordConforms } from './password-policy.js';

/**
 * AdminSetUserPassword: Permanent true makes the user CONFIRMED with this password;
 * false makes it a temporary password (FORCE_CHANGE_PASSWORD, NEW_PASSWORD_REQUIRED at sign-in).
 */
export const adminSetUserPassword = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'store'>,
): Operation<AdminSetUserPasswordCommandInput, Wire<AdminSetUserPasswordCommandOutput>> => async (input) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  if (!input.Username) throw missingMember('username');
  if (!input.Password) throw missingMember('password');
  const pool = deps.store.requirePool(input.UserPoolId);
  const user = pool.requireUser(input.Username);
  assertPasswordConforms(input.Password, pool.passwordPolicy);
  const now = deps.clock.now();
  pool.setPassword(user, input.Password, now);
  if (input.Permanent) {
    user.status = 'CONFIRMED';
    delete user.temporaryPasswordExpiresAt;
  } else {
    user.status = 'FORCE_CHANGE_PASSWORD';
    user.temporaryPasswordExpiresAt = new Date(now.getTime() + TEMPORARY_PASSWORD_VALIDITY_MS);
  }
  return {};
};
