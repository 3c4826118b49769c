import type { InitiateAuthCommandInput, InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { InvalidParameterException, NotAuthorizedException, missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { authParameter } from './parameters.js';
import { CHALLENGE_SESSION_VALIDITY_MS, assertUserMaySignIn, completeSignIn, refreshSession } from './sessions.js';
import { createSecretBlock, createServerEphemeral, parseClientPublicValue } from './srp.js';

const SUPPORTED_FLOWS = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN'];

/**
 * InitiateAuth: USER_SRP_AUTH (answers the PASSWORD_VERIFIER challenge), USER_PASSWORD_AUTH,
 * and REFRESH_TOKEN_AUTH / REFRESH_TOKEN. No app-client secrets, no custom or passwordless flows.
 */
export const initiateAuth = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'keys' | 'store'>,
): Operation<InitiateAuthCommandInput, Wire<InitiateAuthCommandOutput>> => async (input) => {
  if (!input.ClientId) throw missingMember('clientId');
  if (!input.AuthFlow) throw missingMember('authFlow');
  const pool = deps.store.requirePoolForClient(input.ClientId);
  const parameters = input.AuthParameters;

  switch (input.AuthFlow) {
    case 'USER_SRP_AUTH': {
      const user = pool.requireUser(authParameter(parameters, 'USERNAME'));
      const A = parseClientPublicValue(authParameter(parameters, 'SRP_A'));
      if (A === undefined) throw new InvalidParameterException('SRP_A is not a valid SRP public value.');
      assertUserMaySignIn(user);
      const { b, B } = createServerEphemeral(user.password.verifier);
      const secretBlock = createSecretBlock();
      deps.store.saveSrpSession(secretBlock, {
        poolId: pool.id, clientId: input.ClientId, sub: user.sub, A, B, b,
        expiresAt: new Date(deps.clock.now().getTime() + CHALLENGE_SESSION_VALIDITY_MS),
      });
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: {
          SALT: user.password.salt,
          SECRET_BLOCK: secretBlock,
          SRP_B: B.toString(16),
          USERNAME: user.username,
          USER_ID_FOR_SRP: user.username,
        },
      };
    }
    case 'USER_PASSWORD_AUTH': {
      const user = pool.requireUser(authParameter(parameters, 'USERNAME'));
      const password = authParameter(parameters, 'PASSWORD');
      assertUserMaySignIn(user);
      if (!pool.passwordMatches(user, password)) throw new NotAuthorizedException();
      return completeSignIn(deps, pool, user, input.ClientId);
    }
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return {
        ChallengeParameters: {},
        AuthenticationResult: await refreshSession(deps, pool, input.ClientId, authParameter(parameters, 'REFRESH_TOKEN')),
      };
    default:
      throw new InvalidParameterException(
        `AuthFlow ${input.AuthFlow} is not supported by the emulator (supported: ${SUPPORTED_FLOWS.join(', ')})`,
      );
  }
};
