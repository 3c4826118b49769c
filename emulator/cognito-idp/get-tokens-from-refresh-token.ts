import type {
  GetTokensFromRefreshTokenCommandInput, GetTokensFromRefreshTokenCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { refreshSession } from './sessions.js';

/** GetTokensFromRefreshToken: what Amplify v6 calls to refresh (no refresh-token rotation). */
export const getTokensFromRefreshToken = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'keys' | 'store'>,
): Operation<GetTokensFromRefreshTokenCommandInput, Wire<GetTokensFromRefreshTokenCommandOutput>> => async (input) => {
  if (!input.RefreshToken) throw missingMember('refreshToken');
  if (!input.ClientId) throw missingMember('clientId');
  const pool = deps.store.requirePoolForClient(input.ClientId);
  return { AuthenticationResult: await refreshSession(deps, pool, input.ClientId, input.RefreshToken) };
};
