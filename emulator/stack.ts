import { Agent } from 'undici';
import { systemClock, type Clock } from './clock.js';
import type { AppConfig } from './config.js';
import { buildEmulator } from './app.js';
import { IdentityPoolStore, type RoleBinding } from './cognito-identity/store.js';
import { UserPoolStore } from './cognito-idp/store.js';
import { MinioCredentialVendor } from './credentials/minio-vendor.js';
import { SessionRegistry } from './credentials/vendor.js';
import { SigningKeys } from './keys.js';
import { MinioAdmin } from './minio/admin.js';
import { ExternalMinio, type ExternalMinioOptions } from './minio/external.js';
import { ensureMinio } from './minio/locate.js';
import { MinioServer, type StartedMinio } from './minio/server.js';
import { assertMinioTrustsEmulator, assertVirtualHostDomain } from './minio/trust.js';
import { MINIO_OIDC_CLIENT_ID, MINIO_OIDC_PATH, MINIO_POLICY_CLAIM } from './oidc/plugin.js';
import { amplifyOutputsFor, type AmplifyOutputs } from './outputs.js';
import { buildRolePolicies, installableMinioPolicy, type RolePolicyBuild } from './policy/index.js';
import type { TransportTargets } from './transport/node.js';

export interface StackOptions {
  /** Interface the emulator binds to. Loopback unless told otherwise. */
  host?: string;
  /** Emulator port; 0 picks a free one. */
  port?: number;
  /** A MinIO binary to use instead of locating (or building) one. */
  minioBinary?: string;
  /**
   * A MinIO the stack does not start (a compose service, a team's shared or distributed MinIO):
   * its endpoint and root credentials. It must trust this emulator's OpenID provider
   * (see docker/README.md); the stack checks that and removes only what it created there.
   */
  minio?: ExternalMinioOptions;
  /**
   * The emulator's base URL as MinIO reaches it, for MinIO's OpenID discovery and keys
   * (default `http://127.0.0.1:<port>`; in compose e.g. `http://emulator:4566`).
   */
  advertisedUrl?: string;
  /** Progress lines while MinIO is located or built. */
  onProgress?: (line: string) => void;
  /** Fastify logging (off by default). */
  logger?: boolean | { level: string };
  /** Lifetime of vended credentials (default 3600 s, as Cognito). */
  credentialsTtlSeconds?: number;
  clock?: Clock;
}

/** A role as loaded: what the client is told, what MinIO enforces, and what the compiler said. */
export interface LoadedRole extends RolePolicyBuild {
  kind: 'guest' | 'authenticated' | 'group';
  group?: string;
  /** Name of the MinIO canned policy holding `minioPolicy`. */
  policyName: string;
}

export interface LoadedApp {
  config: AppConfig;
  outputs: AmplifyOutputs;
  roles: LoadedRole[];
  warnings: string[];
}

/**
 * The running stack: the emulator (Cognito user pools, identity pools, STS, and the OpenID
 * provider MinIO trusts) and a MinIO child process that enforces every role's policy. Apps
 * (one per scenario) are loaded and unloaded while MinIO keeps running.
 */
export class Stack implements AsyncDisposable {
  private readonly apps = new Map<string, LoadedApp>();
  private readonly bucketOwners = new Map<string, string>();

  private constructor(
    readonly emulatorUrl: string,
    readonly emulatorPort: number,
    readonly minio: StartedMinio | ExternalMinio,
    readonly admin: MinioAdmin,
    readonly userPools: UserPoolStore,
    readonly identityPools: IdentityPoolStore,
    /** Which role holds which vended access key. */
    readonly sessions: SessionRegistry,
    private readonly closeEmulator: () => Promise<void>,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    const host = options.host ?? '127.0.0.1';
    const clock = options.clock ?? systemClock;
    const external = options.minio;
    const binary = external ? '' : options.minioBinary ?? (await ensureMinio({ ...(options.onProgress ? { onProgress: options.onProgress } : {}) })).path;
    const keys = await SigningKeys.generate();
    const sessions = new SessionRegistry();
    const userPools = new UserPoolStore(clock);
    const identityPools = new IdentityPoolStore();
    let minioEndpoint = '';
    // The stack's own connections to MinIO (admin API, STS): closed with the stack, so nothing
    // keeps the process alive afterwards.
    const http = new Agent({ keepAliveTimeout: 30_000 });
    const vendor = new MinioCredentialVendor({
      keys, clock, sessions, endpoint: () => minioEndpoint, dispatcher: http,
      ...(options.credentialsTtlSeconds !== undefined ? { ttlSeconds: options.credentialsTtlSeconds } : {}),
    });
    let baseUrl = '';
    const app = buildEmulator({
      services: { clock, keys, userPools, identityPools, vendor, sessions },
      baseUrl: () => baseUrl,
      logger: options.logger,
    });
    await app.listen({ host, port: options.port ?? 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // MinIO fetches the OpenID documents over loopback even when the emulator listens elsewhere.
    baseUrl = (options.advertisedUrl ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
    let minio: StartedMinio | ExternalMinio;
    let admin: MinioAdmin;
    try {
      if (external) {
        // Someone else's MinIO: wait for it, then prove it trusts our OpenID provider before
        // anything is provisioned there.
        minio = await ExternalMinio.connect(external, options.onProgress);
        admin = new MinioAdmin(minio, { dispatcher: http });
        await assertMinioTrustsEmulator({ admin, keys, baseUrl, dispatcher: http });
      } else {
        minio = await new MinioServer(binary)
          .withOpenId({
            configUrl: `${baseUrl}${MINIO_OIDC_PATH}/.well-known/openid-configuration`,
            clientId: MINIO_OIDC_CLIENT_ID,
            claimName: MINIO_POLICY_CLAIM,
          })
          .start();
        admin = new MinioAdmin(minio, { dispatcher: http });
      }
    } catch (e) {
      await Promise.allSettled([app.close(), http.close()]);
      throw e;
    }
    minioEndpoint = minio.endpoint;
    const displayHost = host.includes(':') ? `[${host}]` : host;
    return new Stack(`http://${displayHost}:${port}`, port, minio, admin, userPools, identityPools, sessions,
      async () => { await Promise.allSettled([app.close(), http.close()]); });
  }

  /**
   * Builds an app on the running stack: compiles and installs its role policies in MinIO,
   * creates (or empties) its buckets, and loads its user pool, users and identity pool.
   * Loading an app with the same id again replaces it.
   */
  async load(config: AppConfig): Promise<LoadedApp> {
    if (this.apps.has(config.id)) await this.unload(config.id);
    for (const bucket of config.buckets) {
      const owner = this.bucketOwners.get(bucket.bucketName);
      if (owner && owner !== config.id) {
        throw new Error(`Bucket ${bucket.bucketName} is in use by app ${owner}; apps loaded at the same time need distinct buckets.`);
      }
    }
    const builds = buildRolePolicies({
      accountId: config.accountId, roles: config.roles, buckets: config.buckets, identityPoolId: config.identityPool.id,
      guestAccess: config.identityPool.allowGuestAccess,
    });
    const roles: LoadedRole[] = [];
    const bindings = new Map<string, RoleBinding>();
    for (const build of builds) {
      const policyName = `ase-${config.id}-${build.kind === 'group' ? `group-${build.group}` : build.kind}`;
      await this.admin.addCannedPolicy(policyName, installableMinioPolicy(build.minioPolicy));
      roles.push({ ...build, policyName });
      bindings.set(build.roleArn, {
        roleArn: build.roleArn,
        minioPolicy: policyName,
        ...(build.sessionPolicy ? { sessionPolicy: JSON.stringify(build.sessionPolicy) } : {}),
      });
    }
    const warnings: string[] = [];
    for (const bucket of config.buckets) {
      this.bucketOwners.set(bucket.bucketName, config.id);
      const created = await this.admin.ensureBucket(bucket.bucketName);
      if (this.minio instanceof ExternalMinio) {
        if (created) await this.admin.markCreatedByEmulator(bucket.bucketName);
        await assertVirtualHostDomain(this.admin, bucket.bucketName, bucket.region);
      }
      if (await this.mayEmpty(bucket.bucketName)) await this.admin.emptyBucket(bucket.bucketName);
      else if (!created && this.minio instanceof ExternalMinio && !(await this.admin.isCreatedByEmulator(bucket.bucketName))) {
        warnings.push(`Bucket ${bucket.bucketName} existed in MinIO before the emulator used it: its objects are kept, never emptied or deleted.`);
      }
    }
    const pool = config.userPool;
    this.userPools.loadPool({
      ...pool,
      groups: pool.groups.map((g) => ({ ...g, roleArn: g.roleArn ?? config.roles.groups[g.name]?.arn })),
    }, config.region);
    this.identityPools.loadPool({
      id: config.identityPool.id,
      region: config.region,
      accountId: config.accountId,
      allowGuestAccess: config.identityPool.allowGuestAccess,
      providers: new Map([[`cognito-idp.${config.region}.amazonaws.com/${pool.id}`, pool.clientIds]]),
      guestRoleArn: config.roles.guest.arn,
      authenticatedRoleArn: config.roles.authenticated.arn,
      roles: bindings,
    });
    const loaded: LoadedApp = {
      config,
      outputs: amplifyOutputsFor(config),
      roles,
      warnings: [...roles.flatMap((r) => r.warnings), ...warnings],
    };
    this.apps.set(config.id, loaded);
    return loaded;
  }

  /** Removes an app's pools and policies and empties its buckets. */
  async unload(id: string): Promise<void> {
    const app = this.apps.get(id);
    if (!app) return;
    this.apps.delete(id);
    this.userPools.removePool(app.config.userPool.id);
    this.identityPools.removePool(app.config.identityPool.id);
    for (const role of app.roles) await this.admin.removeCannedPolicy(role.policyName);
    for (const bucket of app.config.buckets) {
      if (this.bucketOwners.get(bucket.bucketName) === id) {
        this.bucketOwners.delete(bucket.bucketName);
        if (await this.mayEmpty(bucket.bucketName)) await this.admin.emptyBucket(bucket.bucketName);
      }
    }
  }

  /**
   * Whether the stack may delete a bucket's objects: always in the MinIO it started (its data is
   * temporary); in someone else's MinIO only in buckets the emulator created there.
   */
  private async mayEmpty(bucketName: string): Promise<boolean> {
    if (!(this.minio instanceof ExternalMinio)) return true;
    return this.admin.isCreatedByEmulator(bucketName);
  }

  /** Where the transport sends AWS host names: this stack's emulator and MinIO ports. */
  get transportTargets(): TransportTargets {
    return { emulatorPort: this.emulatorPort, s3Port: this.minio.port };
  }

  async close(): Promise<void> {
    if (this.minio instanceof ExternalMinio) {
      // Someone else's MinIO keeps running: take back the canned policies this stack installed.
      for (const app of this.apps.values()) {
        for (const role of app.roles) await this.admin.removeCannedPolicy(role.policyName).catch(() => undefined);
      }
    }
    await Promise.allSettled([this.minio.stop(), this.closeEmulator()]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
