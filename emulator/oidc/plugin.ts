import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
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

/** The provider's discovery document and JWKS, as one encapsulated Fastify plugin. */
export const minioOidcPlugin: FastifyPluginAsync<MinioOidcDeps> = async (app, deps) => {
  app.get(`${MINIO_OIDC_PATH}/.well-known/openid-configuration`, async () => {
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
  });
  app.get(`${MINIO_OIDC_PATH}/jwks.json`, async () => deps.keys.jwks());
};
