import { queryAuthError } from '../aws/auth-errors.js';
import { SignatureFailure } from '../aws/sigv4-verify.js';
import { regionOfHost, signedRequestOf, type CallerAuthenticator } from '../credentials/callers.js';
import type { QueryService } from './query-protocol.js';
import type { Clock } from '../clock.js';
import type { IdentityPoolStore } from '../cognito-identity/store.js';
import type { CredentialVendor } from '../credentials/vendor.js';
import type { SigningKeys } from '../keys.js';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity.js';
import { getCallerIdentity } from './get-caller-identity.js';

export interface StsDeps {
  clock: Clock;
  identityPools: IdentityPoolStore;
  vendor: CredentialVendor;
  callers: CallerAuthenticator;
  /** Signs the classic flow's web-identity tokens (GetOpenIdToken); STS verifies with it. */
  identityKeys: SigningKeys;
}

export const stsOperations = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  GetCallerIdentity: getCallerIdentity,
} as const;

/** STS actions AWS requires a SigV4 signature for (AssumeRoleWithWebIdentity is public). */
export const SIGNED_STS_ACTIONS: ReadonlySet<string> = new Set(['GetCallerIdentity']);

export function stsService(deps: StsDeps): QueryService {
  return {
    operations: Object.fromEntries(Object.entries(stsOperations).map(([name, factory]) => [name, factory(deps)])),
    async authorize(action, request) {
      if (!SIGNED_STS_ACTIONS.has(action)) return undefined;
      try {
        return await deps.callers.authenticate(signedRequestOf(request), { service: 'sts', region: regionOfHost(request.headers.host, 'sts') });
      } catch (e) {
        if (e instanceof SignatureFailure) throw queryAuthError(e);
        throw e;
      }
    },
  };
}
