import type {
  AssumeRoleWithWebIdentityCommandInput,
  AssumeRoleWithWebIdentityCommandOutput,
} from '@aws-sdk/client-sts';
import { errors as joseErrors, type JWTPayload } from 'jose';
import type { Operation, Wire } from '../aws/types.js';
import { assumedRoleArn } from '../credentials/vendor.js';
import type { StsDeps } from './deps.js';
import { AccessDenied, ExpiredTokenException, InvalidIdentityToken, ValidationError } from './errors.js';
import { roleIdFor } from './role-id.js';
import { COGNITO_IDENTITY_ISSUER, trustAllows } from '../cognito-identity/trust.js';
import { vendOrExternalServiceException } from '../cognito-identity/errors.js';

/**
 * AssumeRoleWithWebIdentity for Cognito's classic (basic) flow: the web identity is a token from
 * GetOpenIdToken (signed with the identity issuer's own key). The role's trust policy decides
 * (by default the one Amplify Gen2 writes: `aud` = the identity pool, `amr` unauthenticated for the
 * guest role, authenticated for every other role).
 */
export const assumeRoleWithWebIdentity = ({ identityKeys, clock, identityPools, vendor }: Pick<StsDeps, 'identityKeys' | 'clock' | 'identityPools' | 'vendor'>):
Operation<AssumeRoleWithWebIdentityCommandInput, Wire<AssumeRoleWithWebIdentityCommandOutput>> => async (input) => {
  if (!input.RoleArn) throw new ValidationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!input.WebIdentityToken) throw new ValidationError("1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
  if (!input.RoleSessionName) throw new ValidationError("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await identityKeys.verify(input.WebIdentityToken, { issuer: COGNITO_IDENTITY_ISSUER, currentDate: clock.now() }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new ExpiredTokenException('Token is expired');
    throw new InvalidIdentityToken("Couldn't verify the web identity token: not issued by cognito-identity.amazonaws.com or tampered with");
  }
  const poolId = typeof claims.aud === 'string' ? claims.aud : undefined;
  const pool = poolId ? identityPools.findPool(poolId) : undefined;
  if (!pool || typeof claims.sub !== 'string') throw new InvalidIdentityToken('Incorrect token audience');
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === 'string') : [];
  const role = pool.roles.get(input.RoleArn);
  if (!role || !trustAllows(role.trustPolicy, { aud: pool.id, sub: claims.sub, amr })) {
    throw new AccessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
  }
  // The vendor's failure answers ExternalServiceException here too, as the identity pool's does.
  const credentials = await vendOrExternalServiceException(vendor, { identityId: claims.sub, role, accountId: pool.accountId });
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration,
    },
    SubjectFromWebIdentityToken: claims.sub,
    AssumedRoleUser: {
      Arn: assumedRoleArn(input.RoleArn, input.RoleSessionName),
      AssumedRoleId: `${roleIdFor(input.RoleArn)}:${input.RoleSessionName}`,
    },
    Provider: 'cognito-identity.amazonaws.com',
    Audience: pool.id,
  };
};
