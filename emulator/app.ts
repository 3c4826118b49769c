import Fastify, { type FastifyInstance } from 'fastify';
import { awsCors } from './aws/cors.js';
import { unclaimedAwsRequests } from './aws/json-protocol.js';
import type { Clock } from './clock.js';
import { cognitoIdentityPlugin } from './cognito-identity/index.js';
import type { IdentityPoolStore } from './cognito-identity/store.js';
import { cognitoIdpPlugin } from './cognito-idp/index.js';
import type { UserPoolStore } from './cognito-idp/store.js';
import type { CallerAuthenticator } from './credentials/callers.js';
import type { CredentialVendor } from './credentials/vendor.js';
import type { StackKeys } from './keys.js';
import { minioOidcPlugin } from './oidc/plugin.js';
import { stsPlugin } from './sts/index.js';

export interface EmulatorServices {
  clock: Clock;
  /** One private key per issuer: user pools, the identity pool's OpenID tokens, MinIO's web identities. */
  keys: StackKeys;
  userPools: UserPoolStore;
  identityPools: IdentityPoolStore;
  vendor: CredentialVendor;
  /** Verifies SigV4 signatures (the stack's administrator key and vended sessions). */
  callers: CallerAuthenticator;
}

export interface BuildEmulatorOptions {
  services: EmulatorServices;
  /** The emulator's own base URL once listening (the MinIO OpenID issuer is derived from it). */
  baseUrl: () => string;
  logger?: boolean | { level: string };
  /**
   * Serve on this already listening HTTP server instead of one of Fastify's own (then do not
   * call `listen`): the stack binds its port before the emulator is built, so MinIO can be
   * spawned first. `onHandler` receives the handler to give requests to once the app is ready.
   */
  server?: { server: import('node:http').Server; onHandler: (handler: import('node:http').RequestListener) => void };
  /**
   * Called with the root instance before any service is registered: hooks added here (operation
   * counts, state saving) see every service's requests. Fastify copies a context's hooks into a
   * plugin when the plugin loads, so a request hook added to the returned app afterwards reaches
   * none of the services.
   */
  beforeServices?: (app: FastifyInstance) => void;
}

/**
 * Builds (does not start) the emulator: Cognito user pools and identity pools (JSON 1.1 on
 * `POST /`, chosen by `X-Amz-Target`), STS (query protocol on `POST /` with a form body), the
 * user pools' JWKS and discovery documents, and the OpenID provider MinIO trusts. Each service is
 * one encapsulated plugin (its body parsing, error handler and registry); only CORS, which must
 * reach every answer, runs in the root context.
 */
export function buildEmulator({ services, baseUrl, logger = false, server, beforeServices }: BuildEmulatorOptions): FastifyInstance {
  const app = Fastify({
    logger,
    bodyLimit: 1024 * 1024,
    ...(server ? { serverFactory: (handler: import('node:http').RequestListener) => (server.onHandler(handler), server.server) } : {}),
  });
  app.register(awsCors);
  beforeServices?.(app);

  const { clock, keys, callers } = services;
  app.register(cognitoIdpPlugin, { clock, keys: keys.userPools, store: services.userPools, callers });
  app.register(cognitoIdentityPlugin, { clock, keys: keys.userPools, identityKeys: keys.identity, store: services.identityPools, vendor: services.vendor });
  app.register(stsPlugin, { clock, identityKeys: keys.identity, identityPools: services.identityPools, vendor: services.vendor, callers });
  app.register(unclaimedAwsRequests);
  app.register(minioOidcPlugin, { keys: keys.minio, baseUrl });
  return app;
}
