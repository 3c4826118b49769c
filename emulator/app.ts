import Fastify, { type FastifyInstance } from 'fastify';
import { registerAwsCors } from './aws/cors.js';
import { addTextParsers, handleJsonRequest, isJsonTargetRequest, JSON_CONTENT_TYPES } from './aws/json-protocol.js';
import type { Clock } from './clock.js';
import { cognitoIdentityService } from './cognito-identity/index.js';
import type { IdentityPoolStore } from './cognito-identity/store.js';
import { cognitoIdpService, registerUserPoolWellKnown } from './cognito-idp/index.js';
import type { UserPoolStore } from './cognito-idp/store.js';
import type { CallerAuthenticator } from './credentials/callers.js';
import type { CredentialVendor } from './credentials/vendor.js';
import type { StackKeys } from './keys.js';
import { registerMinioOidc } from './oidc/plugin.js';
import { FORM_CONTENT_TYPE, handleQueryRequest, isQueryRequest } from './sts/query-protocol.js';
import { stsService } from './sts/index.js';

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
}

/**
 * Builds (does not start) the emulator: Cognito user pools and identity pools (JSON 1.1 on
 * `POST /`, chosen by `X-Amz-Target`), STS (query protocol on `POST /` with a form body), the
 * user pools' JWKS and discovery documents, and the OpenID provider MinIO trusts.
 */
export function buildEmulator({ services, baseUrl, logger = false, server }: BuildEmulatorOptions): FastifyInstance {
  const app = Fastify({
    logger,
    bodyLimit: 1024 * 1024,
    ...(server ? { serverFactory: (handler: import('node:http').RequestListener) => (server.onHandler(handler), server.server) } : {}),
  });
  addTextParsers(app, [...JSON_CONTENT_TYPES, FORM_CONTENT_TYPE]);

  const { clock, keys, callers } = services;
  const jsonServices = [
    cognitoIdpService({ clock, keys: keys.userPools, store: services.userPools, callers }),
    cognitoIdentityService({ clock, keys: keys.userPools, identityKeys: keys.identity, store: services.identityPools, vendor: services.vendor }),
  ];
  const sts = stsService({ clock, identityKeys: keys.identity, identityPools: services.identityPools, vendor: services.vendor, callers });

  const root = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    if (isJsonTargetRequest(request)) return handleJsonRequest(jsonServices, request, reply);
    if (isQueryRequest(request)) return handleQueryRequest(sts, request, reply);
    return handleJsonRequest(jsonServices, request, reply); // answers UnknownOperationException
  };
  app.post('/', root);
  app.get('/', root);
  registerAwsCors(app);

  registerUserPoolWellKnown(app, { keys: keys.userPools, store: services.userPools });
  registerMinioOidc(app, { keys: keys.minio, baseUrl });
  return app;
}
