import { MINIO_OIDC_CLIENT_ID, MINIO_OIDC_PATH, MINIO_POLICY_CLAIM } from '../oidc/plugin.js';
import { DEFAULT_S3_DOMAINS } from './regions.js';

/**
 * The MinIO settings a MinIO the emulator did not start needs: trust in the emulator's OpenID
 * provider (whose base URL, as MinIO reaches it, is `baseUrl`), and the S3 virtual-host domains
 * the Amplify client addresses (`<bucket>.s3.<region>.amazonaws.com`). Its own module, without
 * trust.ts's SigV4 and STS clients, so the package index that exports it stays cheap to import.
 */
export function minioSettingsForEmulator(baseUrl: string): Record<string, string> {
  return {
    MINIO_IDENTITY_OPENID_CONFIG_URL: `${baseUrl}${MINIO_OIDC_PATH}/.well-known/openid-configuration`,
    MINIO_IDENTITY_OPENID_CLIENT_ID: MINIO_OIDC_CLIENT_ID,
    MINIO_IDENTITY_OPENID_CLAIM_NAME: MINIO_POLICY_CLAIM,
    MINIO_DOMAIN: DEFAULT_S3_DOMAINS.join(','),
  };
}
