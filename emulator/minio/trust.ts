import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { SigningKeys } from '../keys.js';
import { MINIO_OIDC_CLIENT_ID, MINIO_POLICY_CLAIM } from '../oidc/plugin.js';
import type { MinioAdmin } from './admin.js';
import { ExternalMinioError } from './external.js';
import { DEFAULT_S3_DOMAINS, s3Domain } from './regions.js';
import { sendSigned } from './sigv4.js';
import { minioSettingsForEmulator } from './settings.js';
import { assumeRoleWithWebIdentity, MinioStsError } from './sts.js';

export { minioSettingsForEmulator };

/**
 * Proves MinIO routes `<bucket>.s3.<region>.amazonaws.com` to the bucket (MINIO_DOMAIN), as the
 * Amplify client addresses it. Without the domain MinIO reads such a request as path-style: a
 * ListObjects on the bucket becomes a ListBuckets, and every client call goes to the wrong place.
 */
export async function assertVirtualHostDomain(admin: MinioAdmin, bucketName: string, region: string, dispatcher?: Dispatcher): Promise<void> {
  const res = await sendSigned({
    url: `${admin.endpoint}/?list-type=2&max-keys=0`,
    method: 'GET',
    host: `${bucketName}.${s3Domain(region)}`,
    credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
    region: admin.region,
    service: 's3',
    ...(dispatcher ? { dispatcher } : {}),
  });
  if (res.status === 200 && res.body.includes('<ListBucketResult')) return;
  throw new ExternalMinioError(
    `MinIO at ${admin.endpoint} does not serve bucket ${bucketName} at ${bucketName}.${s3Domain(region)}, where the Amplify client ` +
      `addresses it: set MINIO_DOMAIN to include ${s3Domain(region)} (the emulator uses MINIO_DOMAIN=${DEFAULT_S3_DOMAINS.join(',')}) and restart it. ` +
      `(MinIO answered HTTP ${res.status}: ${res.body.slice(0, 200)})`,
  );
}

const PROBE_POLICY = 'ase-trust-probe';
/** Grants nothing: the probe only asks whether MinIO accepts our token. */
const PROBE_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
};

/**
 * Proves that a MinIO trusts this emulator's OpenID provider the way the credential vendor needs:
 * a canned policy that grants nothing, a web-identity token signed with the emulator's key naming
 * it, and MinIO's STS asked for credentials. Throws {@link ExternalMinioError} naming the MinIO
 * setting that is missing or wrong. The probe policy is removed again either way.
 */
export async function assertMinioTrustsEmulator(input: {
  admin: MinioAdmin;
  keys: SigningKeys;
  /** The emulator's base URL as MinIO reaches it. */
  baseUrl: string;
  dispatcher?: Dispatcher;
}): Promise<void> {
  const { admin, keys, baseUrl } = input;
  const settings = minioSettingsForEmulator(baseUrl);
  const expected = Object.entries(settings).filter(([k]) => k.startsWith('MINIO_IDENTITY_')).map(([k, v]) => `${k}=${v}`).join(' ');
  try {
    await admin.addCannedPolicy(PROBE_POLICY, PROBE_DOCUMENT);
  } catch (e) {
    throw new ExternalMinioError(
      `MinIO at ${admin.endpoint} refused the emulator's admin call (${(e as Error).message}). ` +
        'Give the emulator MinIO\'s root user and password (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD), or an admin user allowed to manage canned policies and buckets.',
    );
  }
  try {
    const now = Math.floor(Date.now() / 1000);
    const token = await keys.sign({
      iss: `amplify-storage-emulator/${PROBE_POLICY}`,
      sub: `trust-probe-${randomUUID()}`,
      aud: MINIO_OIDC_CLIENT_ID,
      [MINIO_POLICY_CLAIM]: PROBE_POLICY,
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
    });
    await assumeRoleWithWebIdentity({
      endpoint: admin.endpoint, token, ...(input.dispatcher ? { dispatcher: input.dispatcher } : {}),
    });
  } catch (e) {
    if (!(e instanceof MinioStsError)) throw e;
    throw new ExternalMinioError(`MinIO at ${admin.endpoint} does not trust this emulator: ${diagnose(e.message, settings)} ` +
      `MinIO needs: ${expected} (MinIO said: ${e.message})`);
  } finally {
    await admin.removeCannedPolicy(PROBE_POLICY).catch(() => undefined);
  }
}

function diagnose(message: string, settings: Record<string, string>): string {
  if (/role\/dummy-internal does not exist|not (been )?(configured|enabled|initialized)/i.test(message)) {
    return `it has no OpenID provider configured; set MINIO_IDENTITY_OPENID_CONFIG_URL=${settings.MINIO_IDENTITY_OPENID_CONFIG_URL} and restart it.`;
  }
  if (/no public key found|verification error|signature/i.test(message)) {
    return `its OpenID provider is another one (it cannot verify this emulator's signature); point MINIO_IDENTITY_OPENID_CONFIG_URL at ${settings.MINIO_IDENTITY_OPENID_CONFIG_URL} and restart it.`;
  }
  if (/azp|aud|client id/i.test(message)) {
    return `its MINIO_IDENTITY_OPENID_CLIENT_ID is not ${settings.MINIO_IDENTITY_OPENID_CLIENT_ID}.`;
  }
  if (/claim/i.test(message)) {
    return `its MINIO_IDENTITY_OPENID_CLAIM_NAME is not ${settings.MINIO_IDENTITY_OPENID_CLAIM_NAME}.`;
  }
  return 'its OpenID settings do not match this emulator.';
}
