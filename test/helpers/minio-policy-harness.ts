/**
 * One real MinIO (with a tiny OpenID provider in front of its STS) per test file, to prove what a
 * policy means when MinIO enforces it. Two ways to get S3 credentials for an identity:
 *
 * - {@link PolicyHarness.credentialsFor}: IAM documents as AWS takes them, compiled by the real
 *   compiler ({@link buildRolePolicies}), installed as a canned policy, then
 *   AssumeRoleWithWebIdentity (plus the session policy when a bucket is cross-account) — what
 *   the emulator does for a Cognito role session;
 * - {@link PolicyHarness.rawCredentialsFor}: a document installed in MinIO as written (no
 *   compiler), to show what MinIO alone would answer.
 *
 * ```ts
 * const h = useMinioPolicyHarness({ buckets: ['ase-div-main'] });
 * it('...', async () => {
 *   const { s3, warnings } = await h().credentialsFor([doc]);
 *   expect(await outcome(s3.send(new GetObjectCommand(...)))).toBe('allowed');
 * });
 * ```
 */
import { S3Client } from '@aws-sdk/client-s3';
import Fastify, { type FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import type { BucketConfig } from '../../emulator/config.js';
import { SigningKeys } from '../../emulator/keys.js';
import { MinioAdmin } from '../../emulator/minio/admin.js';
import { ensureMinio } from '../../emulator/minio/build.js';
import { MinioServer, type StartedMinio } from '../../emulator/minio/server.js';
import { assumeRoleWithWebIdentity, type WebIdentityCredentials } from '../../emulator/minio/sts.js';
import { buildRolePolicies, installableMinioPolicy, type RolePolicyBuild } from '../../emulator/policy/index.js';
import type { IamPolicyDocument } from '../../emulator/policy/types.js';

export const HARNESS_ACCOUNT = '111122223333';
/** The role every {@link PolicyHarness.credentialsFor} session belongs to (the authenticated role). */
export const HARNESS_ROLE_ARN = `arn:aws:iam::${HARNESS_ACCOUNT}:role/ase-divergence-authenticated`;
const GUEST_ROLE_ARN = `arn:aws:iam::${HARNESS_ACCOUNT}:role/ase-divergence-guest`;
/** Identity IDs as a Cognito identity pool hands them out. */
export const IDENTITY_ME = 'us-east-1:11111111-1111-1111-1111-111111111111';
export const IDENTITY_OTHER = 'us-east-1:22222222-2222-2222-2222-222222222222';

/** MinIO's OpenID client id: every token's `aud` must hold it. */
export const HARNESS_CLIENT_ID = 'ase-divergence-client';
const CLIENT_ID = HARNESS_CLIENT_ID;
const POLICY_CLAIM = 'policy';

export interface HarnessOptions {
  /** Buckets created at start (all same-account unless a call says otherwise). */
  buckets: string[];
  /** Objects put at start: bucket → keys (the body is the key). */
  objects?: Record<string, string[]>;
}

export interface CredentialsOptions {
  /** A bucket policy for {@link CredentialsOptions.bucket}, applied as AWS would for this role. */
  bucketPolicy?: IamPolicyDocument;
  /** Whether {@link CredentialsOptions.bucket} belongs to another account. */
  crossAccount?: boolean;
  /** The bucket the two options above are about (default: the first harness bucket). */
  bucket?: string;
  /** The identity ID (token `sub`); default {@link IDENTITY_ME}. */
  sub?: string;
  /** Token lifetime; the credentials expire with the token (no DurationSeconds). Default 3600. */
  expiresInSeconds?: number;
  /**
   * The token's `iss`. Default: a fresh one per session. MinIO keeps the canned policy of a
   * web-identity session per parent user `openid:<sub>:<iss>`, not per session, so a later
   * session with the same sub and iss would re-point earlier ones at its policy.
   */
  issuer?: string;
  /** The token's `aud`; default the MinIO OpenID client id (MinIO requires it among the values). */
  audience?: string | string[];
}

export type RawCredentialsOptions = Pick<CredentialsOptions, 'sub' | 'issuer' | 'audience' | 'expiresInSeconds'> & { sessionPolicy?: object };

export interface HarnessSession {
  credentials: WebIdentityCredentials;
  /** An S3 client (path style, us-east-1, no retries) signing with the session's credentials. */
  s3: S3Client;
}

export interface CompiledSession extends HarnessSession {
  /** The compiler's warnings for the role. */
  warnings: string[];
  /** Everything the compiler produced for the role. */
  build: RolePolicyBuild;
  /** The canned policy installed (the compiled one, or the "grants nothing" one when it is empty). */
  installed: IamPolicyDocument;
}

export interface PolicyHarness {
  minio: StartedMinio;
  /** The OpenID provider's issuer URL. */
  issuer: string;
  admin: MinioAdmin;
  buckets: readonly string[];
  /** Compile `iamPolicies` (attached to {@link HARNESS_ROLE_ARN}) as the emulator does and get a session. */
  credentialsFor(iamPolicies: IamPolicyDocument[], opts?: CredentialsOptions): Promise<CompiledSession>;
  /**
   * Install `document` uncompiled and get a session under it. Rejects with MinIO's
   * `MinioAdminError` when MinIO refuses the document.
   */
  rawCredentialsFor(document: object, opts?: RawCredentialsOptions): Promise<HarnessSession>;
  /** Install `document` uncompiled (rejects with MinIO's `MinioAdminError` when MinIO refuses it). */
  installRaw(document: object): Promise<string>;
}

/**
 * Starts one MinIO (and its OpenID provider) in `beforeAll`, stops both in `afterAll`. Returns an
 * accessor for use inside tests.
 */
export function useMinioPolicyHarness(options: HarnessOptions): () => PolicyHarness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await Harness.start(options);
  });
  afterAll(async () => {
    await harness?.stop();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error('the MinIO policy harness is not running (use it inside a test)');
    return harness;
  };
}

/** Starts a harness outside a vitest suite (the fuzz script); the caller stops it. */
export function startMinioPolicyHarness(options: HarnessOptions): Promise<PolicyHarness & { stop(): Promise<void> }> {
  return Harness.start(options);
}

/** How an S3 call ended: it succeeded, or the error's name and HTTP status. */
export type Settled = { ok: true } | { ok: false; name: string; status: number | undefined };

/** Awaits an S3 call; a GetObject body is drained so the connection is released. */
export async function settle(call: Promise<unknown>): Promise<Settled> {
  try {
    const result = await call;
    const body = (result as { Body?: { transformToString?: () => Promise<string> } } | undefined)?.Body;
    if (body?.transformToString) await body.transformToString();
    return { ok: true };
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { ok: false, name: e.name, status: e.$metadata?.httpStatusCode };
  }
}

/** 'allowed' when the S3 call succeeds, else the error's name (`AccessDenied`, `InvalidAccessKeyId`, ...). */
export async function outcome(call: Promise<unknown>): Promise<string> {
  const settled = await settle(call);
  return settled.ok ? 'allowed' : settled.name;
}

/** Like {@link outcome} with the HTTP status: `403 AccessDenied`. */
export async function outcomeWithStatus(call: Promise<unknown>): Promise<string> {
  const settled = await settle(call);
  return settled.ok ? 'allowed' : `${settled.status ?? '?'} ${settled.name}`;
}

const now = () => Math.floor(Date.now() / 1000);

class Harness implements PolicyHarness {
  private counter = 0;
  private sessions = 0;
  private readonly clients: S3Client[] = [];

  private constructor(
    readonly minio: StartedMinio,
    readonly admin: MinioAdmin,
    readonly buckets: readonly string[],
    private readonly keys: SigningKeys,
    private readonly oidc: FastifyInstance,
    private readonly http: Agent,
    /** The OpenID provider's issuer (MinIO does not compare a token's `iss` with it). */
    readonly issuer: string,
  ) {}

  static async start(options: HarnessOptions): Promise<Harness> {
    if (options.buckets.length === 0) throw new Error('the harness needs at least one bucket');
    const binary = await ensureMinio();
    const keys = SigningKeys.generate();
    // MinIO reads the provider at start-up: it must answer before MinIO starts.
    const oidc = Fastify();
    let base = '';
    oidc.get('/.well-known/openid-configuration', async () => ({ issuer: base, jwks_uri: `${base}/jwks.json` }));
    oidc.get('/jwks.json', async () => keys.jwks());
    await oidc.listen({ host: '127.0.0.1', port: 0 });
    const address = oidc.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const http = new Agent({ keepAliveTimeout: 10_000 });
    let minio: StartedMinio | undefined;
    try {
      minio = await new MinioServer(binary)
        .withOpenId({ configUrl: `${base}/.well-known/openid-configuration`, clientId: CLIENT_ID, claimName: POLICY_CLAIM })
        .start();
      const admin = new MinioAdmin(minio, { dispatcher: http });
      for (const bucket of options.buckets) await admin.ensureBucket(bucket);
      for (const [bucket, keysInBucket] of Object.entries(options.objects ?? {})) {
        for (const key of keysInBucket) await admin.putObject(bucket, key, key);
      }
      return new Harness(minio, admin, [...options.buckets], keys, oidc, http, base);
    } catch (err) {
      await minio?.stop();
      await Promise.allSettled([oidc.close(), http.close()]);
      throw err;
    }
  }

  async credentialsFor(iamPolicies: IamPolicyDocument[], opts: CredentialsOptions = {}): Promise<CompiledSession> {
    const special = opts.bucket ?? this.buckets[0]!;
    if (!this.buckets.includes(special)) throw new Error(`bucket ${special} is not one of the harness buckets`);
    const buckets: BucketConfig[] = this.buckets.map((name) => ({
      name,
      bucketName: name,
      region: 'us-east-1',
      ...(name === special && opts.bucketPolicy ? { bucketPolicy: opts.bucketPolicy } : {}),
      ...(name === special && opts.crossAccount ? { crossAccount: true } : {}),
    }));
    const builds = buildRolePolicies({
      accountId: HARNESS_ACCOUNT,
      roles: {
        guest: { arn: GUEST_ROLE_ARN, policies: [] },
        authenticated: { arn: HARNESS_ROLE_ARN, policies: iamPolicies },
        groups: {},
      },
      buckets,
    });
    const build = builds.find((b) => b.kind === 'authenticated')!;
    const installed = installableMinioPolicy(build.minioPolicy);
    const name = await this.install(installed, 'compiled');
    const session = await this.session(name, { ...opts, ...(build.sessionPolicy ? { sessionPolicy: build.sessionPolicy } : {}) });
    return { ...session, warnings: build.warnings, build, installed };
  }

  async rawCredentialsFor(document: object, opts: RawCredentialsOptions = {}): Promise<HarnessSession> {
    return this.session(await this.installRaw(document), opts);
  }

  installRaw(document: object): Promise<string> {
    return this.install(document, 'raw');
  }

  private async install(document: object, kind: string): Promise<string> {
    const name = `ase-div-${kind}-${++this.counter}`;
    await this.admin.addCannedPolicy(name, document);
    return name;
  }

  private async session(policyName: string, opts: RawCredentialsOptions): Promise<HarnessSession> {
    const token = await this.keys.sign({
      iss: opts.issuer ?? `${this.issuer}#session-${++this.sessions}`,
      sub: opts.sub ?? IDENTITY_ME,
      aud: opts.audience ?? CLIENT_ID,
      [POLICY_CLAIM]: policyName,
      iat: now(),
      exp: now() + (opts.expiresInSeconds ?? 3600),
    });
    const credentials = await assumeRoleWithWebIdentity({
      endpoint: this.minio.endpoint,
      token,
      dispatcher: this.http,
      ...(opts.sessionPolicy ? { policy: opts.sessionPolicy } : {}),
    });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: this.minio.endpoint,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    });
    this.clients.push(s3);
    return { credentials, s3 };
  }

  async stop(): Promise<void> {
    for (const c of this.clients.splice(0)) c.destroy();
    try {
      await this.minio.stop();
    } finally {
      await Promise.allSettled([this.oidc.close(), this.http.close()]);
    }
  }
}
