import { queryAuthError } from '../aws/auth-errors.js';
import { SignatureFailure } from '../aws/sigv4-verify.js';
import { regionOfHost, signedRequestOf } from '../credentials/callers.js';
import type { QueryService } from './query-protocol.js';
import type { StsDeps } from './deps.js';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity.js';
import { getCallerIdentity } from './get-caller-identity.js';

export type { StsDeps } from './deps.js';

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
