import type { AdminCreateUserCommandInput, AdminCreateUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { attributeEntries, userType } from './attributes.js';
import { InvalidParameterException, UnsupportedUserStateException, missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { assertPasswordConforms, generatePassword } from './password-policy.js';

/** How long an admin-set temporary password stays usable (Cognito's default, 7 days). */
export const TEMPORARY_PASSWORD_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * AdminCreateUser: a FORCE_CHANGE_PASSWORD user whose first sign-in answers with the
 * NEW_PASSWORD_REQUIRED challenge. No invitation is sent; without TemporaryPassword one is
 * generated (and logged). MessageAction RESEND renews an existing user's temporary password.
 */
export const adminCreateUser = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'store'>,
): Operation<AdminCreateUserCommandInput, Wire<AdminCreateUserCommandOutput>> => async (input, ctx) => {
  if (!input.UserPoolId) throw missingMember('userPoolId');
  if (!input.Username) throw missingMember('username');
  const pool = deps.store.requirePool(input.UserPoolId);
  const attributes = attributeEntries(input.UserAttributes);
  const password = input.TemporaryPassword ?? generatePassword(pool.passwordPolicy.minimumLength);
  assertPasswordConforms(password, pool.passwordPolicy);
  const now = deps.clock.now();
  const temporaryPasswordExpiresAt = new Date(now.getTime() + TEMPORARY_PASSWORD_VALIDITY_MS);

  if (input.MessageAction === 'RESEND') {
    const user = pool.requireUser(input.Username);
    if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new UnsupportedUserStateException(`Resend not possible. ${user.username} status is not FORCE_CHANGE_PASSWORD`);
    pool.setPassword(user, password, now);
    user.temporaryPasswordExpiresAt = temporaryPasswordExpiresAt;
    return { User: userType(user) };
  }
  if (input.MessageAction !== undefined && input.MessageAction !== 'SUPPRESS') {
    throw new InvalidParameterException(`MessageAction ${input.MessageAction} is not valid (RESEND or SUPPRESS)`);
  }

  const user = pool.createUser(
    { signInName: input.Username, password, attributes, status: 'FORCE_CHANGE_PASSWORD', temporaryPasswordExpiresAt },
    now,
    'User account already exists',
  );
  if (!input.TemporaryPassword) ctx.log.info({ userPoolId: pool.id, username: user.username, temporaryPassword: password }, 'generated temporary password');
  return { User: userType(user) };
};
