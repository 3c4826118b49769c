import type { ConfirmSignUpCommandInput, ConfirmSignUpCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import {
  CodeMismatchException, ExpiredCodeException, NotAuthorizedException, UserNotFoundException, missingMember,
} from './errors.js';
import type { CognitoIdpDeps } from './deps.js';

/** ConfirmSignUp: checks the code SignUp issued, confirms the user and verifies their email/phone. */
export const confirmSignUp = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'store'>,
): Operation<ConfirmSignUpCommandInput, Wire<ConfirmSignUpCommandOutput>> => async (input) => {
  if (!input.ClientId) throw missingMember('clientId');
  if (!input.Username) throw missingMember('username');
  if (!input.ConfirmationCode) throw missingMember('confirmationCode');
  const pool = deps.store.requirePoolForClient(input.ClientId);
  const user = pool.findUser(input.Username);
  if (!user) throw new UserNotFoundException('Username/client id combination not found.');
  if (user.status !== 'UNCONFIRMED') throw new NotAuthorizedException(`User cannot be confirmed. Current status is ${user.status}`);

  const now = deps.clock.now();
  const pending = user.confirmationCode;
  if (!pending || pending.code !== input.ConfirmationCode) throw new CodeMismatchException();
  if (pending.expiresAt <= now) throw new ExpiredCodeException();

  delete user.confirmationCode;
  user.status = 'CONFIRMED';
  user.updatedAt = now;
  if (user.attributes.has('email')) user.attributes.set('email_verified', 'true');
  else if (user.attributes.has('phone_number')) user.attributes.set('phone_number_verified', 'true');
  return {};
};
