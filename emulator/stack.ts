/**
 * The composition root: `Stack` starts MinIO, the emulator app, the front door and the transport,
 * and loads or unloads apps (pools, roles, compiled policies, buckets) without restarting MinIO.
 * Over 400 lines because it wires every service and owns their order of start, load and close;
 * the logic it calls lives in the service folders (emulator/policy, emulator/minio, ...).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Agent } from 'undici';
import { systemClock, type Clock } from './clock.js';
import type { AppConfig, RoleConfig } from './config.js';
import type { buildEmulator } from './app.js';
import { IdentityPoolStore, type RoleBinding } from './cognito-identity/store.js';
import { UserPoolStore } from './cognito-idp/store.js';
import { amplifyTrustPolicy } from './cognito-identity/trust.js';
import { generateAdminCredentials, type AdminCredentials } from './credentials/admin.js';
import { SessionRegistry } from './credentials/vendor.js';
import { bridgeToHttpServer, exposureWarning, forwardTcp, isLoopbackHost, isWildcardHost } from './exposure.js';
import { OperationCounts } from './operation-counts.js';
// Everything Stack.start() needs only once MinIO is spawned (HTTP client, keys, SigV4, the
// emulator's routes, the MinIO client library, the front door) is imported there, so it loads
// while MinIO boots: a fresh process spawns MinIO after loading only what the spawn needs.
import type { MinioAdmin } from './minio/admin.js';
import { ExternalMinio, type ExternalMinioOptions } from './minio/external.js';
import { ensureMinio } from './minio/build.js';
import { MinioServer, type MinioExit, type StartedMinio } from './minio/server.js';
import type { SigningKeys } from './keys.js';
import type { StateDir } from './state/state-dir.js';
import { MINIO_OIDC_CLIENT_ID, MINIO_OIDC_PATH, MINIO_POLICY_CLAIM, answerMinioOidcEarly, generateMinioClientId } from './oidc/plugin.js';
import { amplifyOutputsFor, type AmplifyOutputs } from './outputs.js';
import { buildRolePolicies, installableMinioPolicy, type RolePolicyBuild } from './policy/index.js';
import type { TransportTargets } from './transport/node.js';
import type { FrontDoor } from './front-door/server.js';
import { AMPLIFY_DOCS_CORS } from './s3-cors/rules.js';
import type { BucketCorsStore } from './s3-cors/store.js';
import { assertCorsConfiguration } from './s3-cors/validate.js';

export interface StackOptions {
  /**
   * Interface the emulator and MinIO are served on. Loopback unless told otherwise; any other
   * address is served in addition to loopback, with a loud warning at start.
   */
  host?: string;
  /** Emulator port; 0 picks a free one. */
  port?: number;
  /** MinIO's (S3) port, preferred: a free one is used when it is taken, or when `port` was taken
   *  and fell back (the pair belongs to the stack that holds `port`). Default: a free one. */
  s3Port?: number;
  /** An emulator `port` that is taken is replaced by a free one instead of failing. */
  portFallback?: boolean;
  /** A MinIO binary to use instead of locating (or building) one. */
  minioBinary?: string;
  /**
   * A MinIO the stack does not start (a compose service, a team's shared or distributed MinIO):
   * its endpoint and root credentials. It must trust this emulator's OpenID provider
   * (see docker/README.md); the stack checks that and removes only what it created there.
   * `'container'`: MinIO in a container run by @testcontainers/minio (a Docker engine instead of
   * Go; image `amplify-storage-emulator-minio:local` from docker/build.sh, or ASE_MINIO_IMAGE),
   * stopped and removed with the stack.
   */
  minio?: ExternalMinioOptions | 'container';
  /**
   * The emulator's base URL as MinIO reaches it, for MinIO's OpenID discovery and keys
   * (default `http://127.0.0.1:<port>`; in compose e.g. `http://emulator:4566`).
   */
  advertisedUrl?: string;
  /**
   * Keep state across restarts in this folder (`ase up --data-dir`): user pools' users,
   * passwords and groups, identity IDs, and (when the stack starts MinIO) MinIO's buckets and
   * objects. Loading an app again finds it as it was; nothing is emptied. Without it, all state is
   * temporary.
   */
  dataDir?: string;
  /** Progress lines while MinIO is located or built. */
  onProgress?: (line: string) => void;
  /** Where the non-loopback warning goes (default: stderr). */
  onWarning?: (text: string) => void;
  /** Fastify logging (off by default). */
  logger?: boolean | { level: string };
  /** Lifetime of vended credentials (default 3600 s, as Cognito). */
  credentialsTtlSeconds?: number;
  clock?: Clock;
  /** Port of the TLS front door (browsers' way in, on loopback); 0 (default) picks a free one. */
  frontDoorPort?: number;
  /**
   * Where the front door listens: loopback by default. `0.0.0.0` inside a container whose port is
   * published on the host's loopback (docker/compose.yaml).
   */
  frontDoorHost?: string;
}

/** A role as loaded: what the client is told, what MinIO enforces, and what the compiler said. */
export interface LoadedRole extends RolePolicyBuild {
  kind: 'guest' | 'authenticated' | 'group';
  group?: string;
  /** Name of the MinIO canned policy holding `minioPolicy`. */
  policyName: string;
}

/** A part of the stack that died on its own: the stack cannot serve requests any more. */
export interface StackFailure {
  component: 'MinIO';
  pid: number;
  exit: MinioExit;
  /** Its last log lines (up to 20). */
  logTail: string[];
  /** One line: "MinIO (pid 4711) died: killed by SIGKILL". */
  message: string;
}

export interface LoadedApp {
  config: AppConfig;
  outputs: AmplifyOutputs;
  roles: LoadedRole[];
  warnings: string[];
  /**
   * Users (config usernames) taken over from the parked app of the same id (see
   * {@link Stack.park}) as they were: same sub and identity ID, their earlier sign-ins still
   * valid. Empty after a cold load.
   */
  keptUsers: string[];
}

/** Where the stack can be reached from outside this process. */
export interface StackEndpoints {
  /** Cognito user pools, identity pools and STS. */
  emulator: string;
  /** MinIO's S3 API. */
  s3: string;
}

interface StackParts {
  emulatorUrl: string;
  emulatorPort: number;
  minio: StartedMinio | ExternalMinio;
  admin: MinioAdmin;
  userPools: UserPoolStore;
  identityPools: IdentityPoolStore;
  sessions: SessionRegistry;
  adminCredentials: AdminCredentials;
  endpoints: StackEndpoints;
  frontDoor: FrontDoor;
  operationCounts: OperationCounts;
  userPoolKeys: SigningKeys;
  close: () => Promise<void>;
  state: StateDir | undefined;
}

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * The running stack: the emulator (Cognito user pools, identity pools, STS, and the OpenID
 * provider MinIO trusts) and a MinIO child process that enforces every role's policy. Apps
 * (one per scenario) are loaded and unloaded while MinIO keeps running.
 */
export class Stack implements AsyncDisposable {
  private readonly apps = new Map<string, LoadedApp>();
  /** Apps whose storage side is unloaded but whose pools are kept for the next load (park()). */
  private readonly parked = new Map<string, AppConfig>();
  private readonly bucketOwners = new Map<string, string>();
  /**
   * Resolves when MinIO exits without being asked to (a crash, kill -9, out of memory): from then
   * on every S3 request fails, so callers stop (`ase test` aborts the run, `ase up` exits).
   * Never resolves for a stack that is closed normally.
   */
  readonly failure: Promise<StackFailure>;
  /** The emulator's loopback URL. */
  readonly emulatorUrl: string;
  readonly emulatorPort: number;
  readonly minio: StartedMinio | ExternalMinio;
  readonly admin: MinioAdmin;
  readonly userPools: UserPoolStore;
  readonly identityPools: IdentityPoolStore;
  /** Which role holds which vended access key (and what verifies its signatures). */
  readonly sessions: SessionRegistry;
  /**
   * The only credentials the user-pool admin API (Admin*, ListUsers, CreateGroup) accepts: random
   * per stack. Sign with them through `userPoolAdminClient(stack)` (emulator/admin-client.ts).
   */
  readonly adminCredentials: AdminCredentials;
  /** The URLs to give other processes and machines (the `host` the stack was started on). */
  readonly endpoints: StackEndpoints;
  /** The TLS front door: the AWS host names over HTTPS (or CONNECT) for browsers, with bucket CORS. */
  readonly frontDoor: FrontDoor;
  /** Calls of each AWS operation the emulator has been sent (sign-ins: `InitiateAuth`, `RespondToAuthChallenge`). */
  readonly operationCounts: OperationCounts;
  private readonly closeAll: () => Promise<void>;
  /** Made lazily (emulator/keys.ts): prepared by the first load of a pool with users. */
  private readonly userPoolKeys: SigningKeys;
  /** Where state persists (`dataDir`); undefined: temporary. */
  readonly state: StateDir | undefined;

  private constructor(parts: StackParts) {
    this.emulatorUrl = parts.emulatorUrl;
    this.emulatorPort = parts.emulatorPort;
    this.minio = parts.minio;
    this.admin = parts.admin;
    this.userPools = parts.userPools;
    this.identityPools = parts.identityPools;
    this.sessions = parts.sessions;
    this.adminCredentials = parts.adminCredentials;
    this.endpoints = parts.endpoints;
    this.frontDoor = parts.frontDoor;
    this.operationCounts = parts.operationCounts;
    this.closeAll = parts.close;
    this.userPoolKeys = parts.userPoolKeys;
    this.state = parts.state;
    const minio = parts.minio;
    this.failure = new Promise((resolve) => {
      void minio.exited.then((exit) => {
        if (exit.requested) return;
        const how = exit.signal ? `killed by ${exit.signal}` : exit.code !== null ? `exit code ${exit.code}` : 'its watchdog process ended';
        resolve({ component: 'MinIO', pid: minio.pid, exit, logTail: minio.logs().slice(-20), message: `MinIO (pid ${minio.pid}) died: ${how}` });
      });
    });
  }

  /** Each bucket's CORS configuration, as S3 keeps it (the front door answers from it). */
  get bucketCors(): BucketCorsStore {
    return this.frontDoor.cors;
  }

  static async start(options: StackOptions = {}): Promise<Stack> {
    const host = options.host ?? '127.0.0.1';
    const exposed = !isLoopbackHost(host);
    const clock = options.clock ?? systemClock;
    const external = options.minio;
    const binary = external ? '' : options.minioBinary ?? (await ensureMinio({ ...(options.onProgress ? { onProgress: options.onProgress } : {}) })).path;
    const adminCredentials = generateAdminCredentials();
    // A MinIO the stack starts gets a client ID drawn at random; one configured elsewhere must be
    // told the ID in advance (docker/README.md). Either way only the stack's MinIO key signs for it.
    const minioClientId = external ? MINIO_OIDC_CLIENT_ID : generateMinioClientId();
    const sessions = new SessionRegistry(clock);
    const userPools = new UserPoolStore(clock);
    const identityPools = new IdentityPoolStore();
    const operationCounts = new OperationCounts();
    const state = options.dataDir
      ? await (await import('./state/state-dir.js')).StateDir.open(options.dataDir, { userPools, identityPools })
      : undefined;
    let minioEndpoint = '';
    let baseUrl = '';
    // The stack's own connections to MinIO (admin API, STS): closed with the stack, so nothing
    // keeps the process alive afterwards.
    let http: Agent | undefined;
    let app: ReturnType<typeof buildEmulator> | undefined;
    const closers: Array<() => Promise<unknown>> = [async () => app?.close(), async () => http?.close()];
    const closeAll = async () => {
      await Promise.allSettled(closers.reverse().map((close) => close()));
    };
    try {
      // Always on loopback, where MinIO fetches the OpenID documents and the Node transport
      // connects. A wildcard host covers loopback itself; any other address gets a bridge.
      // Requests that come before the emulator is built wait for it, except MinIO's own start-up
      // requests for our OpenID provider's documents (answered from the keys alone, below).
      const listenHost = isWildcardHost(host) ? host : exposed ? '127.0.0.1' : host;
      let portTaken = false;
      const early = await listenEarly(listenHost, options.port ?? 0).catch((e: NodeJS.ErrnoException) => {
        if (options.portFallback && e.code === 'EADDRINUSE') {
          portTaken = true;
          return listenEarly(listenHost, 0);
        }
        throw e;
      });
      closers.push(() => early.close());
      const address = early.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      baseUrl = (options.advertisedUrl ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
      const server = new MinioServer(binary);
      if (state) server.withDataDir(state.minioDataDir);
      // The stable pair goes together: whoever holds the emulator's port (another stack) gets its S3 port too.
      if (options.s3Port && !portTaken) server.withPort(options.s3Port, { fallback: true });
      let minioSpawned: () => void = () => {};
      const spawned = new Promise<void>((resolve) => { minioSpawned = resolve; });
      const minioReady: Promise<StartedMinio | ExternalMinio> = external === 'container'
        ? import('./minio/container.js').then(({ ContainerMinio }) => ContainerMinio.startContainer({
          emulatorBaseUrl: baseUrl, ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        }))
        : external
        ? ExternalMinio.connect(external, options.onProgress)
        : server
          .withOpenId({
            configUrl: `${baseUrl}${MINIO_OIDC_PATH}/.well-known/openid-configuration`,
            clientId: minioClientId,
            claimName: MINIO_POLICY_CLAIM,
          })
          .start(minioSpawned);
      minioReady.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      closers.push(() => minioReady.then((m) => m.stop(), () => undefined));
      // Loading modules now would hold up the steps to MinIO's spawn (port claim, temp dir) between
      // each of its own: they wait for the spawn (or a failure; a MinIO elsewhere spawns nothing).
      if (!external) await Promise.race([spawned, minioReady.catch(() => undefined)]);

      // MinIO boots (about half a second, most of it its own start-up): meanwhile the keys (EC keys
      // in a millisecond, the user pools' RSA key only once it is needed: emulator/keys.ts; with a
      // data dir, the previous run's, so tokens issued before a restart keep verifying) and the
      // emulator, which MinIO's first requests (OpenID discovery and keys) wait for. What is needed
      // only once MinIO is up loads after that.
      const keysReady = options.dataDir
        ? import('./state/keys-file.js').then(({ loadOrCreateStackKeys }) => loadOrCreateStackKeys(options.dataDir!))
        : import('./keys.js').then(({ generateStackKeys }) => generateStackKeys());
      keysReady.catch(() => undefined); // awaited below
      // MinIO's start-up reads our OpenID provider's documents: they need only the keys, so they
      // are answered as soon as the keys exist, not once the emulator's modules have loaded.
      void keysReady.then((k) => early.answerEarly(answerMinioOidcEarly({ keys: k.minio, baseUrl: () => baseUrl })), () => undefined);
      const [{ Agent: HttpAgent }, { buildEmulator: build }, { CallerAuthenticator }, { MinioCredentialVendor }] = await Promise.all([
        import('undici'), import('./app.js'), import('./credentials/callers.js'), import('./credentials/minio-vendor.js'),
      ]);
      const later = Promise.all([import('./minio/admin.js'), import('./minio/trust.js'), import('./front-door/server.js')]);
      later.catch(() => undefined); // awaited below
      http = new HttpAgent({ keepAliveTimeout: 30_000 });
      const keys = await keysReady;
      const vendor = new MinioCredentialVendor({
        keys: keys.minio, clientId: minioClientId, clock, sessions, endpoint: () => minioEndpoint, dispatcher: http,
        ...(options.credentialsTtlSeconds !== undefined ? { ttlSeconds: options.credentialsTtlSeconds } : {}),
      });
      const callers = new CallerAuthenticator(adminCredentials, sessions, clock);
      let handler: RequestListener | undefined;
      app = build({
        services: { clock, keys, userPools, identityPools, vendor, callers },
        baseUrl: () => baseUrl,
        logger: options.logger,
        server: { server: early.server, onHandler: (h) => { handler = h; } },
        beforeServices: (root) => {
          operationCounts.attach(root);
          // Every call that may change a pool or an identity is followed by a (debounced) save.
          if (state) root.addHook('onResponse', async (request) => { if (request.method === 'POST') state.scheduleSave(); });
        },
      });
      await app.ready();
      early.serve(handler!);
      if (exposed && !isWildcardHost(host)) {
        const bridge = await bridgeToHttpServer(early.server, host, port);
        closers.push(() => bridge.close());
      }
      const [{ MinioAdmin }, trust, { FrontDoor }] = await later;
      const minio = await minioReady;
      const admin = new MinioAdmin(minio, { dispatcher: http });
      // Someone else's MinIO: prove it trusts our OpenID provider before anything is provisioned there.
      if (external) await trust.assertMinioTrustsEmulator({ admin, keys: keys.minio, baseUrl, dispatcher: http });
      minioEndpoint = minio.endpoint;
      const shown = bracket(host);
      let s3 = `http://${shown}:${minio.port}`;
      if (external) {
        s3 = minio.endpoint;
      } else if (exposed) {
        // MinIO binds loopback; the wildcard cannot share its port, so it gets a free one.
        const forward = await forwardTcp(host, isWildcardHost(host) ? 0 : minio.port, minio.port);
        closers.push(() => forward.close());
        s3 = `http://${shown}:${forward.port}`;
      }
      const endpoints = { emulator: `http://${shown}:${port}`, s3 };
      // With a data dir, the certificate of the previous run: a browser told to trust it still does.
      const certificate = options.dataDir
        ? await (await import('./state/front-door-certificate.js')).loadOrCreateFrontDoorCertificate(options.dataDir, clock.now())
        : undefined;
      const frontDoor = await FrontDoor.start({
        // A MinIO elsewhere (compose's service) is reached where it is, not on loopback.
        targets: { emulatorPort: port, s3Port: minio.port, ...(minio instanceof ExternalMinio ? { s3Host: minio.host } : {}) },
        now: () => clock.now().getTime(),
        ...(options.frontDoorPort !== undefined ? { port: options.frontDoorPort } : {}),
        ...(options.frontDoorHost !== undefined ? { host: options.frontDoorHost } : {}),
        ...(certificate ? { certificate } : {}),
      });
      closers.push(() => frontDoor.close());
      if (exposed) (options.onWarning ?? ((text) => process.stderr.write(text)))(exposureWarning(host, endpoints));
      return new Stack({
        emulatorUrl: exposed ? baseUrl : `http://${shown}:${port}`,
        emulatorPort: port,
        minio,
        admin,
        userPools,
        identityPools,
        sessions,
        adminCredentials,
        endpoints,
        frontDoor,
        operationCounts,
        userPoolKeys: keys.userPools,
        close: closeAll,
        state,
      });
    } catch (e) {
      await closeAll();
      throw e;
    }
  }

  /**
   * Builds an app on the running stack, all or nothing. First it plans everything that can fail
   * without touching anything (bucket ownership, IDs already in use, every role policy compiled and
   * validated, the user pool with its users built); then it applies the plan step by step with an
   * undo list (user pool, canned policies, bucket claims, buckets it created, identity pool). If a
   * step fails, the steps already done are undone in reverse and the error is rethrown: a failed
   * load leaves no pool, canned policy, bucket claim or new bucket behind.
   * Loading an app with the same id again replaces it. Loading the id of a parked app ({@link park})
   * with the same pool IDs and pool settings (region, account, app clients, username attributes,
   * password policy, groups and their roles, identity pool) takes its pools over: users whose seed
   * is unchanged keep their sub, identity and sign-ins (`keptUsers`), the others are made anew, and
   * everything else (role policies, buckets, CORS) is loaded as in a cold load. Otherwise the
   * parked pools are removed first.
   */
  async load(config: AppConfig): Promise<LoadedApp> {
    // Users will sign in: the user pools' RSA key is made now, while the app loads.
    if (config.userPool.users.length > 0) this.userPoolKeys.prepare();
    if (this.apps.has(config.id)) await this.unload(config.id);
    const parked = this.parked.get(config.id);
    this.parked.delete(config.id);
    const reuse = parked !== undefined && authSettings(parked) === authSettings(config);
    if (parked && !reuse) this.removePools(parked);

    // ---- plan
    for (const bucket of config.buckets) {
      const owner = this.bucketOwners.get(bucket.bucketName);
      if (owner && owner !== config.id) {
        throw new Error(`Bucket ${bucket.bucketName} is in use by app ${owner}; apps loaded at the same time need distinct buckets.`);
      }
    }
    if (!reuse && this.userPools.findPool(config.userPool.id)) throw new Error(`User pool ${config.userPool.id} is already loaded by another app.`);
    if (!reuse && this.identityPools.findPool(config.identityPool.id)) throw new Error(`Identity pool ${config.identityPool.id} is already loaded by another app.`);
    const builds = buildRolePolicies({
      accountId: config.accountId, roles: config.roles, buckets: config.buckets, identityPoolId: config.identityPool.id,
      guestAccess: config.identityPool.allowGuestAccess,
      otherBuckets: [...this.bucketOwners.keys()],
    });
    const roleConfig = (build: RolePolicyBuild): RoleConfig =>
      build.kind === 'guest' ? config.roles.guest : build.kind === 'authenticated' ? config.roles.authenticated : config.roles.groups[build.group!]!;
    const roles: LoadedRole[] = builds.map((build) => ({
      ...build,
      policyName: `ase-${config.id}-${build.kind === 'group' ? `group-${build.group}` : build.kind}`,
    }));
    const bindings = new Map<string, RoleBinding>(roles.map((role) => [role.roleArn, {
      roleArn: role.roleArn,
      minioPolicy: role.policyName,
      ...(role.sessionPolicy ? { sessionPolicy: JSON.stringify(role.sessionPolicy) } : {}),
      trustPolicy: roleConfig(role).trustPolicy
        ?? amplifyTrustPolicy(config.identityPool.id, role.kind === 'guest' ? 'guest' : 'authenticated'),
    }]));
    const pool = config.userPool;
    const corsWarnings: string[] = [];
    const cors = config.buckets.map((bucket) => {
      if (bucket.cors === 'none') return null;
      if (bucket.cors !== undefined) return assertCorsConfiguration(bucket.cors, `bucket ${bucket.name} (${bucket.bucketName})`);
      corsWarnings.push(`bucket ${bucket.name} (${bucket.bucketName}) has no \`cors\`: assumed the rule the Amplify docs recommend for a custom bucket (any origin; GET, HEAD, PUT, POST, DELETE; all headers; ETag exposed). Write \`cors:\` as your bucket has it, or \`cors: none\`.`);
      return AMPLIFY_DOCS_CORS;
    });

    // ---- apply, with an undo list
    const undo: Array<() => unknown> = [];
    const warnings: string[] = [];
    let keptUsers: string[] = [];
    try {
      if (parked && reuse) {
        keptUsers = this.userPools.reseedUsers(pool.id, parked.userPool.users, pool.users);
        // A failed load leaves nothing, the pools taken over included.
        undo.push(() => this.removePools(config));
      } else {
        // Builds every user (and checks passwords, groups, attributes) before registering the pool.
        this.userPools.loadPool({ ...pool, groups: groupsWithRoles(config) }, config.region);
        undo.push(() => this.userPools.removePool(pool.id));
      }
      for (const role of roles) {
        await this.admin.addCannedPolicy(role.policyName, installableMinioPolicy(role.minioPolicy));
        undo.push(() => this.admin.removeCannedPolicy(role.policyName));
      }
      for (const [i, bucket] of config.buckets.entries()) {
        this.bucketOwners.set(bucket.bucketName, config.id);
        undo.push(() => this.bucketOwners.delete(bucket.bucketName));
        this.bucketCors.set(bucket.bucketName, cors[i]!);
        undo.push(() => this.bucketCors.delete(bucket.bucketName));
        const created = await this.admin.ensureBucket(bucket.bucketName);
        if (created) undo.push(() => this.admin.removeBucket(bucket.bucketName));
        if (this.minio instanceof ExternalMinio) {
          if (created) await this.admin.markCreatedByEmulator(bucket.bucketName);
          const { assertVirtualHostDomain } = await import('./minio/trust.js');
        await assertVirtualHostDomain(this.admin, bucket.bucketName, bucket.region);
        }
        if (await this.mayEmpty(bucket.bucketName)) await this.admin.emptyBucket(bucket.bucketName);
        else if (!created && this.minio instanceof ExternalMinio && !(await this.admin.isCreatedByEmulator(bucket.bucketName))) {
          warnings.push(`Bucket ${bucket.bucketName} existed in MinIO before the emulator used it: its objects are kept, never emptied or deleted.`);
        }
      }
      this.identityPools.loadPool({
        id: config.identityPool.id,
        region: config.region,
        accountId: config.accountId,
        allowGuestAccess: config.identityPool.allowGuestAccess,
        allowClassicFlow: config.identityPool.allowClassicFlow ?? false,
        providers: new Map([[`cognito-idp.${config.region}.amazonaws.com/${pool.id}`, pool.clientIds]]),
        guestRoleArn: config.roles.guest.arn,
        authenticatedRoleArn: config.roles.authenticated.arn,
        roles: bindings,
      });
      if (!reuse) this.state?.restore(pool.id, config.identityPool.id);
      this.state?.restoreBucketCors(this.bucketCors, config.buckets.map((b, i) => [b.bucketName, cors[i]!]));
      undo.push(() => this.identityPools.removePool(config.identityPool.id));
    } catch (e) {
      const leftovers: string[] = [];
      for (const step of undo.reverse()) {
        try {
          await step();
        } catch (undoError) {
          leftovers.push((undoError as Error).message);
        }
      }
      if (leftovers.length > 0 && e instanceof Error) {
        e.message += ` (and undoing the partial load failed: ${leftovers.join('; ')})`;
      }
      throw e;
    }
    const loaded: LoadedApp = {
      config,
      outputs: amplifyOutputsFor(config),
      roles,
      warnings: [...roles.flatMap((r) => r.warnings), ...warnings, ...corsWarnings],
      keptUsers,
    };
    this.apps.set(config.id, loaded);
    return loaded;
  }

  /** Removes an app's pools and policies and empties its buckets (a parked app's pools too). */
  async unload(id: string): Promise<void> {
    const parked = this.parked.get(id);
    if (parked) {
      this.parked.delete(id);
      this.removePools(parked);
      return;
    }
    const app = this.apps.get(id);
    if (!app) return;
    this.apps.delete(id);
    await this.state?.save();
    this.removePools(app.config);
    await this.unloadStorage(app);
  }

  /**
   * Unloads an app's storage side as unload() does (canned policies, bucket claims and CORS rules
   * removed, its buckets emptied: no object outlives the app) but keeps its user pool and identity
   * pool, with every user, sign-in and identity in them, for the next load() of the same id (see
   * there). Meanwhile the pools still answer, but the credentials they vend reach no bucket.
   * `ase test --watch` parks each scenario's app between re-runs, so its users stay signed in.
   */
  async park(id: string): Promise<void> {
    const app = this.apps.get(id);
    if (!app) return;
    this.apps.delete(id);
    this.parked.set(id, app.config);
    await this.state?.save();
    await this.unloadStorage(app);
  }

  private removePools(config: AppConfig): void {
    this.userPools.removePool(config.userPool.id);
    this.identityPools.removePool(config.identityPool.id);
  }

  private async unloadStorage(app: LoadedApp): Promise<void> {
    for (const role of app.roles) await this.admin.removeCannedPolicy(role.policyName);
    for (const bucket of app.config.buckets) {
      if (this.bucketOwners.get(bucket.bucketName) === app.config.id) {
        this.bucketOwners.delete(bucket.bucketName);
        this.bucketCors.delete(bucket.bucketName);
        if (await this.mayEmpty(bucket.bucketName)) await this.admin.emptyBucket(bucket.bucketName);
      }
    }
  }

  /**
   * Whether the stack may delete a bucket's objects: always in the MinIO it started (its data is
   * temporary); in someone else's MinIO only in buckets the emulator created there.
   */
  private async mayEmpty(bucketName: string): Promise<boolean> {
    if (this.state) return false;
    if (!(this.minio instanceof ExternalMinio)) return true;
    return this.admin.isCreatedByEmulator(bucketName);
  }

  /** Where the transport sends AWS host names: this stack's emulator and MinIO ports. */
  get transportTargets(): TransportTargets {
    return { emulatorPort: this.emulatorPort, s3Port: this.minio.port };
  }

  async close(): Promise<void> {
    const saved = this.state?.save();
    saved?.catch(() => undefined);
    if (this.minio instanceof ExternalMinio) {
      // Someone else's MinIO keeps running: take back the canned policies this stack installed.
      for (const app of this.apps.values()) {
        for (const role of app.roles) await this.admin.removeCannedPolicy(role.policyName).catch(() => undefined);
      }
    }
    await this.closeAll();
    await saved; // a state that could not be written is an error the caller must see
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A user pool's groups with the role each one's members get (the group's own, or its role in `roles`). */
function groupsWithRoles(config: AppConfig): AppConfig['userPool']['groups'] {
  return config.userPool.groups.map((g) => ({ ...g, roleArn: g.roleArn ?? config.roles.groups[g.name]?.arn }));
}

/**
 * What an app's users' sign-ins and identities depend on besides the users themselves: two apps
 * with equal settings can share pools (see Stack.load). Role policies, buckets and CORS are not in it.
 */
function authSettings(config: AppConfig): string {
  const { users: _users, name: _name, groups: _groups, ...pool } = config.userPool;
  return JSON.stringify({
    region: config.region,
    accountId: config.accountId,
    userPool: { ...pool, groups: groupsWithRoles(config) },
    identityPool: { ...config.identityPool, allowClassicFlow: config.identityPool.allowClassicFlow ?? false },
  });
}

/** Answers a request the early listener can answer alone (true), or leaves it (false). */
type EarlyAnswer = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * An HTTP server listening before the app that will answer on it exists: requests that arrive
 * early wait until `serve` hands over the app's handler, except those `answerEarly` answers
 * meanwhile.
 */
interface EarlyListener {
  server: Server;
  answerEarly: (answer: EarlyAnswer) => void;
  serve: (handler: RequestListener) => void;
  close: () => Promise<void>;
}

async function listenEarly(host: string, port: number): Promise<EarlyListener> {
  const server = createServer();
  let handler: RequestListener | undefined;
  let answer: EarlyAnswer | undefined;
  const waiting: Array<[IncomingMessage, ServerResponse]> = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (handler) handler(req, res);
    else if (!answer?.(req, res)) waiting.push([req, res]);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return {
    server,
    answerEarly: (a) => {
      if (handler) return; // the emulator serves everything by now
      answer = a;
      waiting.push(...waiting.splice(0).filter(([req, res]) => !a(req, res)));
    },
    serve: (h) => {
      handler = h;
      answer = undefined;
      for (const [req, res] of waiting.splice(0)) h(req, res);
    },
    close: () => new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
