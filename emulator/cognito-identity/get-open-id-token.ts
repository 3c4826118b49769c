import type { GetOpenIdTokenCommandInput, GetOpenIdTokenCommandOutput } from '@aws-sdk/client-cognito-identity';
import { randomUUID } from 'node:crypto';
import { epochSeconds } from '../clock.js';
import type { Operation, Wire } from '../aws/types.js';
import type { CognitoIdentityDeps } from './deps.js';
import { InvalidParameterException } from './errors.js';
import { webIdentityAmr } from './logins.js';
import { resolveIdentity } from './resolve-identity.js';
import { COGNITO_IDENTITY_ISSUER } from './trust.js';


/**
 * GetOpenIdToken (classic flow): a 10-minute token for `sts:AssumeRoleWithWebIdentity`, with
 * `sub` = identity ID, `aud` = identity pool ID and `amr` = authenticated/unauthenticated plus
 * the provider, as Cognito issues it. Refused, as Cognito refuses it, unless the pool has
 * AllowClassicFlow (off by default, and off in every pool Amplify Gen2 creates).
 */
export const getOpenIdToken = ({ store, keys, identityKeys, clock }: Pick<CognitoIdentityDeps, 'store' | 'keys' | 'identityKeys' | 'clock'>):
Operation<GetOpenIdTokenCommandInput, Wire<GetOpenIdTokenCommandOutput>> => async (input) => {
  const { pool, identity, login } = await resolveIdentity(input.IdentityId, input.Logins, { store, keys, clock });
  if (!pool.allowClassicFlow) throw new InvalidParameterException('Basic (classic) flow is not enabled, please use enhanced flow.');
  const now = epochSeconds(clock.now());
  const amr = login ? webIdentityAmr(login) : ['unauthenticated'];
  const token = await identityKeys.sign({
    iss: COGNITO_IDENTITY_ISSUER,
    sub: identity.id,
    aud: pool.id,
    amr,
    // Carried so STS can apply the same role choice as the enhanced flow.
    ...(login ? { 'cognito:preferred_role': login.claims['cognito:preferred_role'], 'cognito:roles': login.claims['cognito:roles'] } : {}),
    iat: now,
    exp: now + 600,
    jti: randomUUID(),
  });
  return { IdentityId: identity.id, Token: token };
};
