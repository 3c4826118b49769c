import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SigningKeys } from '../keys.js';

/**
 * The OpenID provider MinIO trusts (MINIO_IDENTITY_OPENID_CONFIG_URL). MinIO reads this discovery
 * document and JWKS at start-up, then verifies every web-identity token the credential vendor
 * mints. Its JWKS holds only the stack's MinIO key (keys.ts), which signs nothing else, and MinIO
 * expects a client ID drawn at random per stack: no token a client can obtain verifies there.
 */
export const MINIO_OIDC_PATH = '/ase/minio-oidc';

/**
 * The client ID a MinIO the stack did not start must be configured with (it cannot be told a
 * random one). Safe to know: only the stack's MinIO key, which signs nothing a client sees,
 * makes tokens that MinIO accepts.
 */
export const MINIO_OIDC_CLIENT_ID = 'amplify-storage-emulator';

/** An unguessable client ID (128 random bits) for MinIO's OpenID provider, one per stack. */
export function generateMinioClientId(): string {
  return `ase-minio-${randomBytes(16).toString('hex')}`;
}
/** The JWT claim naming the MinIO canned policy of the role being assumed. */
export const MINIO_POLICY_CLAIM = 'policy';

export function minioOidcIssuer(baseUrl: string): string {
  return `${baseUrl}${MINIO_OIDC_PATH}`;
}

export interface MinioOidcDeps {
  /** The MinIO issuer's key (signs nothing else). */
  keys: SigningKeys;
  /** The emulator's own base URL once listening; the issuer is derived from it. */
  baseUrl: () => string;
}

/** The provider's discovery document. */
function discoveryDocument(deps: MinioOidcDeps): Record<string, unknown> {
  const issuer = minioOidcIssuer(deps.baseUrl());
  return {
    issuer,
    jwks_uri: `${issuer}/jwks.json`,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    response_types_supported: ['code', 'id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [deps.keys.alg],
    scopes_supported: ['openid'],
    claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', MINIO_POLICY_CLAIM],
  };
}

const DISCOVERY_PATH = `${MINIO_OIDC_PATH}/.well-known/openid-configuration`;
const JWKS_PATH = `${MINIO_OIDC_PATH}/jwks.json`;

/** The provider's discovery document and JWKS, as one encapsulated Fastify plugin. */
export const minioOidcPlugin: FastifyPluginAsync<MinioOidcDeps> = async (app, deps) => {
  app.get(DISCOVERY_PATH, async () => discoveryDocument(deps));
  app.get(JWKS_PATH, async () => deps.keys.jwks());
};

/**
 * The same two documents for the stack's early listener, before the emulator's modules have
 * loaded: MinIO asks for them during its start-up, and with them answered at once its boot does
 * not wait for ours. Returns false for any other request (it waits for the emulator).
 */
export function answerMinioOidcEarly(deps: MinioOidcDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const path = req.url?.split('?')[0];
    if (path !== DISCOVERY_PATH && path !== JWKS_PATH) return false;
    const document = path === DISCOVERY_PATH ? Promise.resolve(discoveryDocument(deps)) : deps.keys.jwks();
    document.then(
      (body) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body)),
      () => res.writeHead(500).end(),
    );
    return true;
  };
}
