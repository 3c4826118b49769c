/**
 * AssumeRoleWithWebIdentity against the real pinned MinIO, trusting a tiny OpenID provider that
 * publishes the emulator's SigningKeys. Proves that MinIO enforces the canned policy named in the
 * token (with `${jwt:sub}` = the identity ID), and pins down how MinIO treats lifetimes, expiry
 * and bad tokens.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Fastify, { type FastifyInstance } from 'fastify';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeys } from '../../emulator/keys.js';
import { MinioAdmin } from '../../emulator/minio/admin.js';
import { ensureMinio } from '../../emulator/minio/build.js';
import { MinioServer, type StartedMinio } from '../../emulator/minio/server.js';
import { assumeRoleWithWebIdentity, MinioStsError, type WebIdentityCredentials } from '../../emulator/minio/sts.js';

const CLIENT_ID = 'ase-test-client';
const BUCKET = 'bucket1';
const ME = 'us-east-1:11111111-1111-1111-1111-111111111111';
const OTHER = 'us-east-1:22222222-2222-2222-2222-222222222222';

const READ_OWN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${BUCKET}/\${jwt:sub}/*`] }],
};

let keys: SigningKeys;
let oidc: FastifyInstance;
let issuer: string;
let minio: StartedMinio;
let admin: MinioAdmin;

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A web-identity token as the emulator mints it; `claims` override (undefined removes). */
function mint(claims: Record<string, unknown> = {}, signer: SigningKeys = keys): Promise<string> {
  const base: JWTPayload = { iss: issuer, sub: ME, aud: CLIENT_ID, policy: 'read-own', iat: now(), exp: now() + 3600 };
  const merged: Record<string, unknown> = { ...base, ...claims };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return signer.sign(merged as JWTPayload);
}

function s3With(creds: WebIdentityCredentials, region = 'us-east-1'): S3Client {
  return new S3Client({
    region,
    endpoint: minio.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    maxAttempts: 1,
  });
}

async function s3Error(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!err) throw new Error('expected the S3 call to fail');
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
}

async function stsError(promise: Promise<unknown>): Promise<MinioStsError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MinioStsError);
  return err as MinioStsError;
}

/** Serves an OpenID discovery document and the JWKS of `signing` on 127.0.0.1:0. */
async function startOidc(signing: SigningKeys, minimal = false): Promise<{ app: FastifyInstance; issuer: string }> {
  const app = Fastify();
  let base = '';
  app.get('/.well-known/openid-configuration', async () => (minimal
    ? { issuer: base, jwks_uri: `${base}/jwks.json` }
    : {
        issuer: base,
        jwks_uri: `${base}/jwks.json`,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        response_types_supported: ['code', 'id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'policy'],
      }));
  app.get('/jwks.json', async () => signing.jwks());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { app, issuer: base };
}

beforeAll(async () => {
  const binary = await ensureMinio({ onProgress: (l) => console.log(`[minio build] ${l}`) });
  keys = SigningKeys.generate();
  ({ app: oidc, issuer } = await startOidc(keys));
  const t = performance.now();
  minio = await new MinioServer(binary)
    .withOpenId({ configUrl: `${issuer}/.well-known/openid-configuration`, clientId: CLIENT_ID, claimName: 'policy' })
    .start();
  console.log(`MinIO with OpenID ready in ${(performance.now() - t).toFixed(0)} ms (spawn → /minio/health/cluster 200: ${minio.startupMs} ms)`);
  admin = new MinioAdmin(minio);
  await admin.addCannedPolicy('read-own', READ_OWN);
  await admin.ensureBucket(BUCKET);
  await admin.putObject(BUCKET, `${ME}/photo.txt`, 'my photo');
  await admin.putObject(BUCKET, `${ME}/public/readme.txt`, 'my public file');
  await admin.putObject(BUCKET, `${OTHER}/photo.txt`, 'their photo');
});

afterAll(async () => {
  await minio?.stop();
  await oidc?.close();
});

describe('AssumeRoleWithWebIdentity', () => {
  it('returns credentials that MinIO scopes to the canned policy with ${jwt:sub} = the identity ID', async () => {
    const creds = await assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await mint() });
    expect(creds.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(creds.sessionToken.length).toBeGreaterThan(100);
    expect(creds.subjectFromWebIdentityToken).toBe(ME);
    expect(Math.abs(creds.expiration.getTime() - (Date.now() + 3600_000))).toBeLessThan(5_000);

    // Signing for any region works: this MinIO has no region set.
    for (const region of ['us-east-1', 'eu-west-1']) {
      const s3 = s3With(creds, region);
      const own = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${ME}/photo.txt` }));
      expect(await own.Body?.transformToString()).toBe('my photo');
      expect(await s3Error(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${OTHER}/photo.txt` }))))
        .toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(await s3Error(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${ME}/new.txt`, Body: 'x' }))))
        .toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(await s3Error(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${ME}/` }))))
        .toMatchObject({ name: 'AccessDenied', status: 403 });
    }
  });

  it('intersects the canned policy with a session Policy', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`arn:aws:s3:::${BUCKET}/${ME}/public/*`] }],
    };
    const creds = await assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await mint(), policy });
    const s3 = s3With(creds);
    const pub = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${ME}/public/readme.txt` }));
    expect(await pub.Body?.transformToString()).toBe('my public file');
    // Allowed by the canned policy, outside the session policy:
    expect(await s3Error(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${ME}/photo.txt` }))))
      .toMatchObject({ name: 'AccessDenied' });
    // Allowed by the session policy, not by the canned policy:
    expect(await s3Error(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${ME}/public/new.txt`, Body: 'x' }))))
      .toMatchObject({ name: 'AccessDenied' });
  });

  it('accepts a policy claim listing several canned policies', async () => {
    await admin.addCannedPolicy('write-own', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`arn:aws:s3:::${BUCKET}/\${jwt:sub}/*`] }],
    });
    const creds = await assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await mint({ policy: ['read-own', 'write-own'] }) });
    const s3 = s3With(creds);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${ME}/written.txt`, Body: 'w' }));
    expect(await admin.listKeys(BUCKET, `${ME}/written`)).toEqual([`${ME}/written.txt`]);
    expect(await s3Error(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${OTHER}/x.txt`, Body: 'w' }))))
      .toMatchObject({ name: 'AccessDenied' });
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['signed by a key MinIO does not know', async () => mint({}, SigningKeys.generate()), /No public key found for kid/],
    ['with a tampered signature', async () => {
      const [h, p, s] = (await mint()).split('.');
      return `${h}.${p}.${(s ?? '').slice(0, -6)}AAAAAA`;
    }, /verification error/],
    ['expired', () => mint({ iat: now() - 120, exp: now() - 60 }), /Token is expired/],
    ['not yet valid (nbf)', () => mint({ nbf: now() + 600 }), /Token is not valid yet|used before/i],
    ['for another audience', () => mint({ aud: 'someone-else' }), /`(aud|azp)` must match configured OpenID Client ID/],
    ['without sub', () => mint({ sub: undefined }), /`sub` claim is mandatory/],
    ['without the policy claim', () => mint({ policy: undefined }), /policy claim missing/],
    ['naming a canned policy that does not exist', () => mint({ policy: 'nope' }), /None of the given policies \(`nope`\) are defined/],
  ])('rejects a token %s (400 InvalidParameterValue)', async (_, token, message) => {
    const err = await stsError(assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await token() }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('InvalidParameterValue');
    expect(err.message).toMatch(message);
  });

  it('answers a token without exp with 500 InternalError (MinIO quirk: mint tokens with exp)', async () => {
    const err = await stsError(assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await mint({ exp: undefined }) }));
    expect(err.status).toBe(500);
    expect(err.code).toBe('InternalError');
  });

  it('accepts DurationSeconds 900..31536000 only; the lifetime then ignores the token exp', async () => {
    for (const bad of [1, 899, 31536001]) {
      const err = await stsError(assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await mint(), durationSeconds: bad }));
      expect(err.code).toBe('InvalidParameterValue');
      expect(err.message).toMatch(/invalid token expiry/);
    }
    const creds = await assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await mint({ exp: now() + 60 }), durationSeconds: 900 });
    expect(Math.abs(creds.expiration.getTime() - (Date.now() + 900_000))).toBeLessThan(5_000);
  });

  it('without DurationSeconds, credentials live exactly as long as the token: no minimum, and an expired session answers InvalidAccessKeyId (not ExpiredToken)', async () => {
    const exp = now() + 3;
    const creds = await assumeRoleWithWebIdentity({ endpoint: minio.endpoint, token: await mint({ exp }) });
    expect(creds.expiration.getTime()).toBe(exp * 1000);
    const s3 = s3With(creds);
    await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${ME}/photo.txt` }));
    await sleep(creds.expiration.getTime() - Date.now() + 1_000);
    const err = await s3Error(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${ME}/photo.txt` })));
    console.log(`S3 with expired MinIO STS credentials: ${err.status} ${err.name}: ${err.message}`);
    expect(err).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
  });
});

describe('the OpenID discovery document', () => {
  it('needs no more than issuer and jwks_uri for MinIO', async () => {
    const signing = SigningKeys.generate();
    const provider = await startOidc(signing, true);
    try {
      await using server = await new MinioServer(await ensureMinio())
        .withOpenId({ configUrl: `${provider.issuer}/.well-known/openid-configuration`, clientId: CLIENT_ID })
        .start();
      await new MinioAdmin(server).addCannedPolicy('read-own', READ_OWN);
      const creds = await assumeRoleWithWebIdentity({
        endpoint: server.endpoint,
        token: await signing.sign({ sub: ME, aud: CLIENT_ID, policy: 'read-own', iat: now(), exp: now() + 60 }),
      });
      expect(creds.subjectFromWebIdentityToken).toBe(ME);
    } finally {
      await provider.app.close();
    }
  });
});
