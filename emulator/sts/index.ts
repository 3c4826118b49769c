import type { FastifyPluginAsync } from 'fastify';
import { queryAuthError } from '../aws/auth-errors.js';
import { SignatureFailure } from '../aws/sigv4-verify.js';
import { regionOfHost, signedRequestOf } from '../credentials/callers.js';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity.js';
import type { StsDeps } from './deps.js';
import { getCallerIdentity } from './get-caller-identity.js';
import { serveQueryService, type QueryService } from './query-protocol.js';

export type { StsDeps } from './deps.js';

/** Every supported action: `Action` name → factory. */
export const stsOperations = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  GetCallerIdentity: getCallerIdentity,
} as const;

/** STS actions AWS requires a SigV4 signature for (AssumeRoleWithWebIdentity is public). */
export const SIGNED_STS_ACTIONS: ReadonlySet<string> = new Set(['GetCallerIdentity']);

/** The STS API as a query-protocol service: its registry and the signature check of signed actions. */
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

/**
 * STS as one encapsulated Fastify plugin: the query protocol's body parsing, its XML error
 * handler and the action registry, serving the query requests on `/` (emulator/aws/endpoint.ts).
 */
export const stsPlugin: FastifyPluginAsync<StsDeps> = async (app, deps) => {
  serveQueryService(app, stsService(deps));
};
