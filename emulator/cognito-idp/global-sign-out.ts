import type { GlobalSignOutCommandInput, GlobalSignOutCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { verifyAccessToken } from './tokens.js';

/** GlobalSignOut: revokes every refresh token of the user, and with them every access token. */
export const globalSignOut = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'keys' | 'store'>,
): Operation<GlobalSignOutCommandInput, Wire<GlobalSignOutCommandOutput>> => async (input) => {
  if (!input.AccessToken) throw missingMember('accessToken');
  const { pool, user } = await verifyAccessToken(deps, input.AccessToken);
  deps.store.revokeUserTokens(pool.id, user.sub);
  return {};
};
