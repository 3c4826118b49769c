import type { RevokeTokenCommandInput, RevokeTokenCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';

/**
 * RevokeToken: revokes a refresh token and the access/ID tokens of the same sign-in (Amplify's
 * signOut calls it). As OAuth token revocation (RFC 7009) requires, a token the server does not
 * know, or one issued to a different app client, is answered with success and left untouched.
 */
export const revokeToken = (
  deps: Pick<CognitoIdpDeps, 'store'>,
): Operation<RevokeTokenCommandInput, Wire<RevokeTokenCommandOutput>> => async (input) => {
  if (!input.Token) throw missingMember('token');
  if (!input.ClientId) throw missingMember('clientId');
  const pool = deps.store.requirePoolForClient(input.ClientId);
  const record = deps.store.findRefreshToken(input.Token);
  if (record && record.poolId === pool.id && record.clientId === input.ClientId) deps.store.revokeRefreshToken(record);
  return {};
};
