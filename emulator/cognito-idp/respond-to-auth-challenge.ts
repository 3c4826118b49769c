import type {
  RespondToAuthChallengeCommandInput, RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { attributeEntries } from './attributes.js';
import { InvalidParameterException, NotAuthorizedException, missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { authParameter } from './parameters.js';
import { assertPasswordConforms } from './password-policy.js';
import { assertUserMaySignIn, completeSignIn, startSession, type SignInStep } from './sessions.js';
import { SRP_TIMESTAMP_PATTERN, passwordAuthenticationKey, verifyPasswordClaim } from './srp.js';
import type { UserPool } from './store.js';

type Deps = Pick<CognitoIdpDeps, 'clock' | 'keys' | 'store'>;
type Responses = Record<string, string> | undefined;

const USER_ATTRIBUTE_PREFIX = 'userAttributes.';

/** RespondToAuthChallenge: PASSWORD_VERIFIER (the SRP proof) and NEW_PASSWORD_REQUIRED. */
export const respondToAuthChallenge = (
  deps: Deps,
): Operation<RespondToAuthChallengeCommandInput, Wire<RespondToAuthChallengeCommandOutput>> => async (input) => {
  if (!input.ClientId) throw missingMember('clientId');
  if (!input.ChallengeName) throw missingMember('challengeName');
  const pool = deps.store.requirePoolForClient(input.ClientId);
  switch (input.ChallengeName) {
    case 'PASSWORD_VERIFIER':
      return passwordVerifier(deps, pool, input.ClientId, input.ChallengeResponses);
    case 'NEW_PASSWORD_REQUIRED':
      return newPasswordRequired(deps, pool, input.ClientId, input.Session, input.ChallengeResponses);
    default:
      throw new InvalidParameterException(`ChallengeName ${input.ChallengeName} is not supported by the emulator`);
  }
};

/** Checks PASSWORD_CLAIM_SIGNATURE against the SRP session the SECRET_BLOCK names. */
async function passwordVerifier(deps: Deps, pool: UserPool, clientId: string, responses: Responses): Promise<SignInStep> {
  const username = authParameter(responses, 'USERNAME');
  const secretBlock = authParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = authParameter(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = authParameter(responses, 'TIMESTAMP');
  if (!SRP_TIMESTAMP_PATTERN.test(timestamp)) throw new InvalidParameterException('TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.');

  const session = deps.store.takeSrpSession(secretBlock);
  if (!session || session.poolId !== pool.id || session.clientId !== clientId) throw new NotAuthorizedException('Invalid session for the user.');
  if (session.expiresAt <= deps.clock.now()) throw new NotAuthorizedException('Invalid session for the user, session is expired.');
  const user = pool.requireUser(username);
  if (user.sub !== session.sub) throw new NotAuthorizedException();
  assertUserMaySignIn(user);

  const key = passwordAuthenticationKey({ A: session.A, B: session.B, b: session.b, verifier: user.password.verifier });
  const proven = key !== undefined && verifyPasswordClaim({
    key, poolName: pool.srpName, userIdForSrp: user.username, secretBlock, timestamp, signature,
  });
  if (!proven) throw new NotAuthorizedException();
  return completeSignIn(deps, pool, user, clientId);
}

/** Sets the user's own password after an admin-set temporary one, then signs them in. */
async function newPasswordRequired(
  deps: Deps, pool: UserPool, clientId: string, sessionId: string | undefined, responses: Responses,
): Promise<SignInStep> {
  if (!sessionId) throw missingMember('session');
  const session = deps.store.findChallengeSession(sessionId);
  if (!session || session.poolId !== pool.id || session.clientId !== clientId || session.challengeName !== 'NEW_PASSWORD_REQUIRED') {
    throw new NotAuthorizedException('Invalid session for the user.');
  }
  const now = deps.clock.now();
  if (session.expiresAt <= now) throw new NotAuthorizedException('Invalid session for the user, session is expired.');
  const user = pool.requireUser(authParameter(responses, 'USERNAME'));
  if (user.sub !== session.sub) throw new NotAuthorizedException('Invalid session for the user.');
  const newPassword = authParameter(responses, 'NEW_PASSWORD');
  assertPasswordConforms(newPassword, pool.passwordPolicy);
  const attributes = attributeEntries(
    Object.entries(responses ?? {})
      .filter(([name]) => name.startsWith(USER_ATTRIBUTE_PREFIX))
      .map(([name, value]) => ({ Name: name.slice(USER_ATTRIBUTE_PREFIX.length), Value: value })),
  );
  assertUserMaySignIn(user);

  deps.store.deleteChallengeSession(sessionId);
  for (const [name, value] of attributes) user.attributes.set(name, value);
  pool.setPassword(user, newPassword, now);
  user.status = 'CONFIRMED';
  delete user.temporaryPasswordExpiresAt;
  return { ChallengeParameters: {}, AuthenticationResult: await startSession(deps, pool, user, clientId) };
}
