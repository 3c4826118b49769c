import type { Dispatcher } from 'undici';
import { Client } from 'minio';
import type { StartedMinio } from './server.js';
import { sendSigned } from './sigv4.js';

export interface MinioAdminOptions {
  /** e.g. `http://127.0.0.1:9000` */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** Region to sign with; must be MinIO's if it has one. Default `us-east-1`. */
  region?: string;
  /** Connections for the admin API (default: the global dispatcher). Close it to let the process exit. */
  dispatcher?: Dispatcher;
}

/** MinIO refused an admin call; `code`/`message` are MinIO's own (e.g. the policy parser's complaint). */
export class MinioAdminError extends Error {
  override name = 'MinioAdminError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly body: string,
  ) {
    super(message);
  }
}

/** What the admin needs of a MinIO: a started one, or one someone else runs. */
export type MinioRootTarget = Pick<StartedMinio, 'endpoint' | 'rootUser' | 'rootPassword' | 'signingRegion'>;

/** The bucket tag that says "the emulator created this bucket" (so only such buckets are ever emptied). */
export const OWNER_TAG = { key: 'created-by', value: 'amplify-storage-emulator' } as const;

const ADMIN_PREFIX = '/minio/admin/v3';
/** MinIO's own limit on a canned policy document. */
const MAX_POLICY_BYTES = 20 * 1024;

/**
 * Root-credential administration of one MinIO: canned policies through the admin API (plain JSON
 * bodies, SigV4 service `s3`), buckets and objects through minio-js.
 */
export class MinioAdmin {
  readonly endpoint: string;
  readonly region: string;
  /** The underlying minio-js client (root credentials), for anything not wrapped here. */
  readonly client: Client;
  private readonly accessKey: string;
  private readonly secretKey: string;
  /** The credentials this admin signs with (MinIO's root user), for signed calls made elsewhere. */
  get accessKeyId(): string {
    return this.accessKey;
  }
  get secretAccessKey(): string {
    return this.secretKey;
  }

  private readonly dispatcher: Dispatcher | undefined;

  constructor(target: MinioRootTarget | MinioAdminOptions, options: { dispatcher?: Dispatcher } = {}) {
    const opts: MinioAdminOptions = 'rootUser' in target
      ? { endpoint: target.endpoint, accessKey: target.rootUser, secretKey: target.rootPassword, region: target.signingRegion }
      : target;
    this.dispatcher = options.dispatcher ?? ('dispatcher' in opts ? opts.dispatcher : undefined);
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
    this.region = opts.region ?? 'us-east-1';
    this.accessKey = opts.accessKey;
    this.secretKey = opts.secretKey;
    const url = new URL(this.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      useSSL: url.protocol === 'https:',
      accessKey: opts.accessKey,
      secretKey: opts.secretKey,
      region: this.region,
      pathStyle: true,
    });
  }

  // ------------------------------------------------------------------ canned policies

  /** Creates or replaces canned policy `name`. MinIO validates it and says why it refuses. */
  async addCannedPolicy(name: string, document: object | string): Promise<void> {
    const body = typeof document === 'string' ? document : JSON.stringify(document);
    if (Buffer.byteLength(body) > MAX_POLICY_BYTES) {
      throw new MinioAdminError(
        `Canned policy ${name} is ${Buffer.byteLength(body)} bytes; MinIO accepts at most ${MAX_POLICY_BYTES}.`,
        413, 'EntityTooLarge', '',
      );
    }
    await this.call('PUT', 'add-canned-policy', { name }, body, `add canned policy ${name}`);
  }

  /** Removes canned policy `name`; a policy that does not exist is not an error (MinIO answers 200). */
  async removeCannedPolicy(name: string): Promise<void> {
    try {
      await this.call('DELETE', 'remove-canned-policy', { name }, undefined, `remove canned policy ${name}`);
    } catch (err) {
      if (err instanceof MinioAdminError && err.code === 'XMinioAdminNoSuchPolicy') return;
      throw err;
    }
  }

  /** All canned policies (built-in ones included), by name, as MinIO stores them. */
  async listCannedPolicies(): Promise<Record<string, unknown>> {
    const text = await this.call('GET', 'list-canned-policies', {}, undefined, 'list canned policies');
    return JSON.parse(text) as Record<string, unknown>;
  }

  private async call(method: string, op: string, query: Record<string, string>, body: string | undefined, what: string): Promise<string> {
    const url = new URL(`${this.endpoint}${ADMIN_PREFIX}/${op}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await sendSigned({
      url: url.toString(),
      method,
      credentials: { accessKeyId: this.accessKey, secretAccessKey: this.secretKey },
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      region: this.region,
      service: 's3',
      ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    if (res.status >= 200 && res.status < 300) return res.body;
    let code: string | undefined;
    let message = res.body.trim();
    try {
      const parsed = JSON.parse(res.body) as { Code?: string; Message?: string };
      code = parsed.Code;
      message = parsed.Message ?? message;
    } catch {
      const xmlCode = /<Code>([^<]*)<\/Code>/.exec(res.body)?.[1];
      const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(res.body)?.[1];
      code = xmlCode;
      if (xmlMessage) message = xmlMessage;
    }
    throw new MinioAdminError(
      `MinIO refused to ${what}: ${code ? `${code}: ` : ''}${message || `HTTP ${res.status}`}`,
      res.status, code, res.body,
    );
  }

  // ------------------------------------------------------------------ buckets and objects

  async bucketExists(name: string): Promise<boolean> {
    return this.client.bucketExists(name);
  }

  /** Creates the bucket unless it exists; true when this call created it. */
  async ensureBucket(name: string): Promise<boolean> {
    if (await this.client.bucketExists(name)) return false;
    try {
      await this.client.makeBucket(name, this.region);
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return false;
      throw err;
    }
  }

  /** Tags a bucket the emulator created with {@link OWNER_TAG}. */
  async markCreatedByEmulator(name: string): Promise<void> {
    await this.client.setBucketTagging(name, { [OWNER_TAG.key]: OWNER_TAG.value });
  }

  /** Whether the bucket carries {@link OWNER_TAG} (an untagged bucket answers NoSuchTagSet). */
  async isCreatedByEmulator(name: string): Promise<boolean> {
    try {
      const tags = await this.client.getBucketTagging(name);
      return tags.some((t) => t.Key === OWNER_TAG.key && t.Value === OWNER_TAG.value);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'NoSuchTagSet' || code === 'NoSuchBucket') return false;
      throw err;
    }
  }

  /** Deletes every object in the bucket (current versions; versioning is not used here). */
  async emptyBucket(name: string): Promise<void> {
    if (!(await this.client.bucketExists(name))) return;
    for (;;) {
      const keys = await this.listKeys(name);
      if (keys.length === 0) return;
      for (let i = 0; i < keys.length; i += 1000) {
        const results = await this.client.removeObjects(name, keys.slice(i, i + 1000));
        const failed = results.filter((r) => r?.Error);
        if (failed.length > 0) {
          const first = failed[0]?.Error;
          throw new Error(`Could not empty bucket ${name}: ${failed.length} deletes failed, e.g. ${first?.Key}: ${first?.Code} ${first?.Message}`);
        }
      }
    }
  }

  /** Empties and removes the bucket; a bucket that does not exist is not an error. */
  async removeBucket(name: string): Promise<void> {
    if (!(await this.client.bucketExists(name))) return;
    await this.emptyBucket(name);
    await this.client.removeBucket(name);
  }

  async putObject(bucket: string, key: string, body: string | Buffer | Uint8Array, contentType?: string): Promise<void> {
    const data = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    await this.client.putObject(bucket, key, data, data.length, contentType ? { 'Content-Type': contentType } : {});
  }

  /** Every key in the bucket (under `prefix`), sorted as S3 lists them. */
  async listKeys(bucket: string, prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(bucket, prefix, true)) {
      const entry = item as { name?: string };
      if (entry.name !== undefined) keys.push(entry.name);
    }
    return keys;
  }
}
