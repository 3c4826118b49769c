import type { GetUserCommandInput, GetUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import type { Operation, Wire } from '../aws/types.js';
import { attributeList } from './attributes.js';
import { missingMember } from './errors.js';
import type { CognitoIdpDeps } from './deps.js';
import { verifyAccessToken } from './tokens.js';

/** GetUser: the signed-in user's own username and attributes, from their access token. */
export const getUser = (
  deps: Pick<CognitoIdpDeps, 'clock' | 'keys' | 'store'>,
): Operation<GetUserCommandInput, Wire<GetUserCommandOutput>> => async (input) => {
  if (!input.AccessToken) throw missingMember('accessToken');
  const { user } = await verifyAccessToken(deps, input.AccessToken);
  return { Username: user.username, UserAttributes: attributeList(user) };
};
