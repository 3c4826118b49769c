import type { FastifyInstance } from 'fastify';
import type { SigningKeys } from '../keys.js';

/**
 * The OpenID provider MinIO trusts (MINIO_IDENTITY_OPENID_CONFIG_URL). MinIO reads this discovery
 * document and JWKS at start-up, then verifies every web-identity token the credential vendor
 * mints. It is private to the stack: clients never see it.
 */
export const MINIO_OIDC_PATH = '/ase/minio-oidc';
export const MINIO_OIDC_CLIENT_ID = 'amplify-storage-emulator';
/** The JWT claim naming the MinIO canned policy of the role being assumed. */
export const MINIO_POLICY_CLAIM = 'policy';

export function minioOidcIssuer(baseUrl: string): string {
  return `${baseUrl}${MINIO_OIDC_PATH}`;
}

export function registerMinioOidc(app: FastifyInstance, deps: { keys: SigningKeys; baseUrl: () => string }): void {
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
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', MINIO_POLICY_CLAIM],
    };
  });
  app.get(`${MINIO_OIDC_PATH}/jwks.json`, async () => deps.keys.jwks);
}
