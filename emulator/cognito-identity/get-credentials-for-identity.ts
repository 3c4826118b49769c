import type {
  GetCredentialsForIdentityCommandInput,
  GetCredentialsForIdentityCommandOutput,
} from '@aws-sdk/client-cognito-identity';
import type { Operation, Wire } from '../aws/types.js';
import type { CognitoIdentityDeps } from './deps.js';
import { InvalidIdentityPoolConfigurationException, vendOrExternalServiceException } from './errors.js';
import { resolveIdentity } from './resolve-identity.js';
import { chooseRole } from './role-mapping.js';
import { trustAllows } from './trust.js';
import { webIdentityAmr } from './logins.js';

/**
 * GetCredentialsForIdentity (enhanced flow): picks the role by token-based mapping and returns
 * S3 credentials carrying that role's policy. CustomRoleArn is honoured only when it is one of
 * the roles the token maps to (`cognito:roles`), as Cognito does.
 */
export const getCredentialsForIdentity = (
  { store, keys, clock, vendor }: Pick<CognitoIdentityDeps, 'store' | 'keys' | 'clock' | 'vendor'>,
): Operation<GetCredentialsForIdentityCommandInput, Wire<GetCredentialsForIdentityCommandOutput>> =>
  async (input) => {
    const { pool, identity, login } = await resolveIdentity(input.IdentityId, input.Logins, { store, keys, clock });
    let roleArn = chooseRole(pool, login?.claims);
    if (input.CustomRoleArn) {
      const allowed = login?.claims['cognito:roles'];
      if (!Array.isArray(allowed) || !allowed.includes(input.CustomRoleArn)) {
        throw new InvalidIdentityPoolConfigurationException(`CustomRoleArn ${input.CustomRoleArn} is not one of the roles in the token.`);
      }
      roleArn = input.CustomRoleArn;
    }
    const role = pool.roles.get(roleArn);
    if (!role) throw new InvalidIdentityPoolConfigurationException(`Invalid identity pool configuration. Check assigned IAM roles for this pool (no role ${roleArn}).`);
    // Cognito assumes the role on the identity's behalf: the role's trust policy decides, as in STS.
    const amr = login ? webIdentityAmr(login) : ['unauthenticated'];
    if (!trustAllows(role.trustPolicy, { aud: pool.id, sub: identity.id, amr })) {
      throw new InvalidIdentityPoolConfigurationException('Invalid identity pool configuration. Check assigned IAM roles for this pool.');
    }
    const credentials = await vendOrExternalServiceException(vendor, { identityId: identity.id, role, accountId: pool.accountId });
    return {
      IdentityId: identity.id,
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration,
      },
    };
  };
