import type { Clock } from '../clock.js';
import type { SigningKeys } from '../keys.js';
import { NotAuthorizedException, ResourceNotFoundException } from './errors.js';
import { verifyLogins, type VerifiedLogin } from './logins.js';
import type { Identity, IdentityPool, IdentityPoolStore } from './store.js';

export interface ResolvedIdentity {
  pool: IdentityPool;
  identity: Identity;
  login: VerifiedLogin | undefined;
}

/**
 * Shared by GetCredentialsForIdentity and GetOpenIdToken: the identity must exist; an
 * authenticated identity must present a valid login for itself; a guest identity needs guest
 * access to be on.
 */
export async function resolveIdentity(
  identityId: string | undefined,
  logins: Record<string, string> | undefined,
  deps: { store: IdentityPoolStore; keys: SigningKeys; clock: Clock },
): Promise<ResolvedIdentity> {
  const identity = deps.store.getIdentity(identityId);
  if (!identity) throw new ResourceNotFoundException(`Identity '${identityId ?? ''}' not found.`);
  const pool = deps.store.getPool(identity.poolId);
  const login = await verifyLogins(pool, logins, deps);
  if (identity.logins.size === 0) {
    if (login) throw new NotAuthorizedException('Logins do not match the identity: this is an unauthenticated identity.');
    if (!pool.allowGuestAccess) throw new NotAuthorizedException('Unauthenticated access is not supported for this identity pool.');
    return { pool, identity, login };
  }
  if (!login) throw new NotAuthorizedException('Access to Identity is forbidden: Logins are required for an authenticated identity.');
  if (identity.logins.get(login.provider) !== login.claims.sub) {
    throw new NotAuthorizedException('Invalid login token. The login does not belong to this identity.');
  }
  return { pool, identity, login };
}
