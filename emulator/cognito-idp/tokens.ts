import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { epochSeconds, type Clock } from '../clock.js';
import type { SigningKeys } from '../keys.js';
import { NotAuthorizedException, UserNotFoundException } from './errors.js';
import type { StoredUser, UserPool, UserPoolStore } from './store.js';

/**
 * Cognito-shaped ID and access tokens (RS256, signed with the emulator's {@link SigningKeys},
 * published at `/<poolId>/.well-known/jwks.json`). Times come from the injected Clock.
 */

export const TOKEN_VALIDITY_SECONDS = 3600;
export const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/** `https://cognito-idp.<region>.amazonaws.com/<poolId>`, the `iss` of every user-pool token. */
export function issuerFor(region: string, poolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${poolId}`;
}

const ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)$/;

/** The inverse of {@link issuerFor}, or undefined for any other issuer. */
export function parseIssuer(iss: string): { region: string; poolId: string } | undefined {
  const match = ISSUER.exec(iss);
  return match ? { region: match[1]!, poolId: match[2]! } : undefined;
}

export interface TokenGroup {
  name: string;
  precedence?: number;
  roleArn?: string;
}

/**
 * `cognito:preferred_role`: the role of the group with the lowest precedence among the
 * user's groups that have a role; groups without a precedence rank after every group with one.
 * When the best precedence is shared by groups with different roles, Cognito sets no preferred
 * role (the identity pool then falls back to its ambiguous-role rule), so neither do we; ties
 * between groups with the same role keep that role. This also covers several role-bearing
 * groups that all lack a precedence.
 */
export function preferredRoleArn(groups: readonly TokenGroup[]): string | undefined {
  const withRole = groups.filter((g) => g.roleArn);
  if (withRole.length === 0) return undefined;
  const best = Math.min(...withRole.map((g) => g.precedence ?? Infinity));
  const roles = new Set(withRole.filter((g) => (g.precedence ?? Infinity) === best).map((g) => g.roleArn));
  return roles.size === 1 ? [...roles][0] : undefined;
}

/** Everything a token pair says about one sign-in. */
export interface TokenSubject {
  region: string;
  poolId: string;
  clientId: string;
  username: string;
  sub: string;
  attributes: ReadonlyMap<string, string>;
  /** In precedence order (see UserPool.groupsOf). */
  groups: readonly TokenGroup[];
  originJti: string;
  eventId: string;
  authTime: Date;
  issuedAt: Date;
}

/** Attributes as ID-token claims: `*_verified` become booleans, the rest stay strings. */
function attributeClaims(attributes: ReadonlyMap<string, string>): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  for (const [name, value] of attributes) claims[name] = name.endsWith('_verified') ? value === 'true' : value;
  return claims;
}

function groupClaims(groups: readonly TokenGroup[]): JWTPayload {
  return groups.length > 0 ? { 'cognito:groups': groups.map((g) => g.name) } : {};
}

function timeClaims(s: TokenSubject): JWTPayload {
  const iat = epochSeconds(s.issuedAt);
  return { auth_time: epochSeconds(s.authTime), iat, exp: iat + TOKEN_VALIDITY_SECONDS };
}

export function idTokenClaims(s: TokenSubject): JWTPayload {
  const roles = [...new Set(s.groups.flatMap((g) => (g.roleArn ? [g.roleArn] : [])))];
  const preferredRole = preferredRoleArn(s.groups);
  return {
    ...attributeClaims(s.attributes),
    sub: s.sub,
    ...groupClaims(s.groups),
    ...(preferredRole ? { 'cognito:preferred_role': preferredRole } : {}),
    ...(roles.length > 0 ? { 'cognito:roles': roles } : {}),
    iss: issuerFor(s.region, s.poolId),
    'cognito:username': s.username,
    origin_jti: s.originJti,
    aud: s.clientId,
    event_id: s.eventId,
    token_use: 'id',
    ...timeClaims(s),
    jti: randomUUID(),
  };
}

export function accessTokenClaims(s: TokenSubject): JWTPayload {
  return {
    sub: s.sub,
    ...groupClaims(s.groups),
    iss: issuerFor(s.region, s.poolId),
    client_id: s.clientId,
    origin_jti: s.originJti,
    event_id: s.eventId,
    token_use: 'access',
    scope: ACCESS_TOKEN_SCOPE,
    ...timeClaims(s),
    jti: randomUUID(),
    username: s.username,
  };
}

export async function signTokens(keys: SigningKeys, subject: TokenSubject): Promise<{ idToken: string; accessToken: string }> {
  const [idToken, accessToken] = await Promise.all([keys.sign(idTokenClaims(subject)), keys.sign(accessTokenClaims(subject))]);
  return { idToken, accessToken };
}

export interface AuthenticatedCaller {
  pool: UserPool;
  user: StoredUser;
  clientId: string;
  originJti: string;
}

/**
 * Checks an access token as Cognito does for GetUser / GlobalSignOut: our signature, not
 * expired (by the injected clock), an access token of a known pool, not revoked, and its user
 * still exists. Errors carry Cognito's messages.
 */
export async function verifyAccessToken(
  deps: { keys: SigningKeys; clock: Clock; store: UserPoolStore },
  token: string,
): Promise<AuthenticatedCaller> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await deps.keys.verify(token, { currentDate: deps.clock.now() }));
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_JWT_EXPIRED') throw new NotAuthorizedException('Access Token has expired');
    throw new NotAuthorizedException('Invalid Access Token');
  }
  const issuer = typeof claims.iss === 'string' ? parseIssuer(claims.iss) : undefined;
  const pool = issuer && deps.store.findPool(issuer.poolId);
  const { origin_jti: originJti, client_id: clientId } = claims;
  if (!pool || claims.token_use !== 'access' || typeof originJti !== 'string' || typeof clientId !== 'string' || typeof claims.sub !== 'string') {
    throw new NotAuthorizedException('Invalid Access Token');
  }
  if (deps.store.isRevoked(originJti)) throw new NotAuthorizedException('Access Token has been revoked');
  const user = pool.findUserBySub(claims.sub);
  if (!user) throw new UserNotFoundException();
  return { pool, user, clientId, originJti };
}
