import type { SignUpCommandInput, SignUpCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { attributeEntries, codeDeliveryDetails } from './attributes.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { assertPasswordConforms } from './password-policy.js';

/**
 * SignUp: creates an UNCONFIRMED user and a confirmation code. No message is sent: the code is
 * logged and readable with `UserPoolStore.getConfirmationCode`.
 */
export const signUp = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'store'>,
): Operation<SignUpCommandInput, Wire<SignUpCommandOutput>> => async (input, ctx) => {
  if (!input.ClientId) throw missingMember('clientId');
  if (!input.Username) throw missingMember('username');
  if (!input.Password) throw missingMember('password');
  const pool = deps.store.requirePoolForClient(input.ClientId);
  const attributes = attributeEntries(input.UserAttributes);
  assertPasswordConforms(input.Password, pool.passwordPolicy);

  const user = pool.createUser(
    { signInName: input.Username, password: input.Password, attributes, status: 'UNCONFIRMED' },
    deps.clock.now(),
  );
  const code = deps.store.issueConfirmationCode(user);
  ctx.log.info({ userPoolId: pool.id, username: user.username, code }, 'sign-up confirmation code');
  const delivery = codeDeliveryDetails(user);
  return { UserConfirmed: false, UserSub: user.sub, ...(delivery ? { CodeDeliveryDetails: delivery } : {}) };
};
