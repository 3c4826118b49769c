import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthenticationResultType, InitiateAuthResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdpDeps } from './deps.js';
import { NotAuthorizedException, PasswordResetRequiredException, UserNotConfirmedException } from './errors.js';
import type { RefreshTokenRecord, StoredUser, UserPool } from './store.js';
import { TOKEN_VALIDITY_SECONDS, signTokens } from './tokens.js';

/**
 * What happens once a user has proven their password, shared by InitiateAuth and
 * RespondToAuthChallenge: status checks, the NEW_PASSWORD_REQUIRED challenge, and issuing
 * (or refreshing) tokens.
 */

/** Cognito's default lifetime of a sign-in session (`Session`) between challenges. */
export const CHALLENGE_SESSION_VALIDITY_MS = 3 * 60 * 1000;
const REFRESH_TOKEN_VALIDITY_MS = 30 * 24 * 60 * 60 * 1000;

/** The fields InitiateAuth and RespondToAuthChallenge answer with. */
export type SignInStep = Pick<InitiateAuthResponse, 'ChallengeName' | 'ChallengeParameters' | 'Session' | 'AuthenticationResult'>;

type Deps = Pick<CognitoIdpDeps, 'clock' | 'keys' | 'store'>;

/** Fails sign-in for users Cognito would not let in, even with the right password. */
export function assertUserMaySignIn(user: StoredUser): void {
  if (!user.enabled) throw new NotAuthorizedException('User is disabled.');
}

/** After the password is proven: answer with the next challenge, or with tokens. */
export async function completeSignIn(deps: Deps, pool: UserPool, user: StoredUser, clientId: string): Promise<SignInStep> {
  const now = deps.clock.now();
  switch (user.status) {
    case 'UNCONFIRMED':
      throw new UserNotConfirmedException();
    case 'RESET_REQUIRED':
      throw new PasswordResetRequiredException();
    case 'FORCE_CHANGE_PASSWORD': {
      if (user.temporaryPasswordExpiresAt && user.temporaryPasswordExpiresAt <= now) {
        throw new NotAuthorizedException('Temporary password has expired and must be reset by an administrator.');
      }
      const session = randomBytes(96).toString('base64url');
      deps.store.saveChallengeSession(session, {
        challengeName: 'NEW_PASSWORD_REQUIRED', poolId: pool.id, clientId, sub: user.sub,
        expiresAt: new Date(now.getTime() + CHALLENGE_SESSION_VALIDITY_MS),
      });
      const { sub: _sub, ...userAttributes } = Object.fromEntries(user.attributes);
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeParameters: {
          USER_ID_FOR_SRP: user.username,
          requiredAttributes: '[]',
          userAttributes: JSON.stringify(userAttributes),
        },
      };
    }
    case 'CONFIRMED':
      return { ChallengeParameters: {}, AuthenticationResult: await startSession(deps, pool, user, clientId) };
  }
}

/** A new sign-in: a refresh token (stored) plus the first ID and access tokens. */
export async function startSession(deps: Deps, pool: UserPool, user: StoredUser, clientId: string): Promise<AuthenticationResultType> {
  const now = deps.clock.now();
  const record: RefreshTokenRecord = {
    token: randomBytes(96).toString('base64url'),
    poolId: pool.id,
    clientId,
    sub: user.sub,
    originJti: randomUUID(),
    eventId: randomUUID(),
    authTime: now,
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_VALIDITY_MS),
    revoked: false,
  };
  deps.store.saveRefreshToken(record);
  return { ...(await tokensFor(deps, pool, user, record)), RefreshToken: record.token };
}

/**
 * REFRESH_TOKEN_AUTH / GetTokensFromRefreshToken: new ID and access tokens for the same
 * sign-in (same origin_jti, event_id and auth_time; current attributes and groups). The
 * refresh token is not rotated, so none is returned.
 */
export async function refreshSession(deps: Deps, pool: UserPool, clientId: string, refreshToken: string): Promise<AuthenticationResultType> {
  const record = deps.store.findRefreshToken(refreshToken);
  if (!record || record.poolId !== pool.id || record.clientId !== clientId) throw new NotAuthorizedException('Invalid Refresh Token');
  if (record.revoked) throw new NotAuthorizedException('Refresh Token has been revoked');
  if (record.expiresAt <= deps.clock.now()) throw new NotAuthorizedException('Refresh Token has expired');
  const user = pool.findUserBySub(record.sub);
  if (!user) throw new NotAuthorizedException('Refresh Token has been revoked');
  assertUserMaySignIn(user);
  return tokensFor(deps, pool, user, record);
}

async function tokensFor(deps: Deps, pool: UserPool, user: StoredUser, record: RefreshTokenRecord): Promise<AuthenticationResultType> {
  const { idToken, accessToken } = await signTokens(deps.keys, {
    region: pool.region,
    poolId: pool.id,
    clientId: record.clientId,
    username: user.username,
    sub: user.sub,
    attributes: user.attributes,
    groups: pool.groupsOf(user),
    originJti: record.originJti,
    eventId: record.eventId,
    authTime: record.authTime,
    issuedAt: deps.clock.now(),
  });
  return { AccessToken: accessToken, ExpiresIn: TOKEN_VALIDITY_SECONDS, TokenType: 'Bearer', IdToken: idToken };
}
