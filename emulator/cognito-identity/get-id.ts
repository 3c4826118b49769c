import type { GetIdCommandInput, GetIdCommandOutput } from '@aws-sdk/client-cognito-identity';
import type { Operation, Wire } from '../aws/types.js';
import type { CognitoIdentityDeps } from './deps.js';
import { NotAuthorizedException } from './errors.js';
import { verifyLogins } from './logins.js';

/** GetId: the same user always gets the same identity; a guest gets a new one (when allowed). */
export const getId = ({ store, keys, clock }: Pick<CognitoIdentityDeps, 'store' | 'keys' | 'clock'>):
Operation<GetIdCommandInput, Wire<GetIdCommandOutput>> => async (input) => {
  const pool = store.getPool(input.IdentityPoolId);
  const login = await verifyLogins(pool, input.Logins, { keys, clock });
  if (!login) {
    if (!pool.allowGuestAccess) throw new NotAuthorizedException('Unauthenticated access is not supported for this identity pool.');
    return { IdentityId: store.newGuestIdentity(pool).id };
  }
  return { IdentityId: store.identityForLogin(pool, login.provider, login.claims.sub!).id };
};
