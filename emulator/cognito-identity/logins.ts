import { errors as joseErrors, type JWTPayload } from 'jose';
import type { Clock } from '../clock.js';
import type { SigningKeys } from '../keys.js';
import { NotAuthorizedException } from './errors.js';
import type { IdentityPool } from './store.js';

export interface VerifiedLogin {
  provider: string;
  claims: JWTPayload & Record<string, unknown>;
}

/**
 * Verifies the `Logins` map of an identity call as Cognito does for user pool providers:
 * exactly one configured provider, an ID token signed by the emulator's key, not expired,
 * issued by that provider (`iss` = `https://` + provider name), for one of its app clients.
 */
export async function verifyLogins(
  pool: IdentityPool,
  logins: Record<string, string> | undefined,
  deps: { keys: SigningKeys; clock: Clock },
): Promise<VerifiedLogin | undefined> {
  const entries = Object.entries(logins ?? {});
  if (entries.length === 0) return undefined;
  if (entries.length > 1) throw new NotAuthorizedException('Only one login provider is supported by the emulator.');
  const [provider, token] = entries[0]!;
  const clientIds = pool.providers.get(provider);
  if (!clientIds) throw new NotAuthorizedException(`Invalid login token. Issuer doesn't match providerName`);
  let claims: JWTPayload & Record<string, unknown>;
  try {
    ({ payload: claims } = await deps.keys.verify(token, {
      issuer: `https://${provider}`,
      currentDate: deps.clock.now(),
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new NotAuthorizedException('Invalid login token. Token expired: the ID token has expired.');
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'iss') {
      throw new NotAuthorizedException("Invalid login token. Issuer doesn't match providerName");
    }
    throw new NotAuthorizedException('Invalid login token. Not a valid OpenId Connect identity token.');
  }
  if (claims.token_use !== 'id') throw new NotAuthorizedException('Invalid login token. Not a valid OpenId Connect identity token.');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && clientIds.includes(a))) {
    throw new NotAuthorizedException('Invalid login token. Incorrect token audience.');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw new NotAuthorizedException('Invalid login token. Missing a required claim: sub');
  }
  return { provider, claims };
}

/** The `amr` Cognito gives an authenticated identity: `authenticated`, the provider, the sign-in. */
export function webIdentityAmr(login: VerifiedLogin): string[] {
  return ['authenticated', login.provider, `${login.provider}:CognitoSignIn:${String(login.claims.sub)}`];
}
