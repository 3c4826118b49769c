/**
 * MinIO as a child process on loopback: the builder ({@link MinioServer}) and the running handle
 * ({@link StartedMinio}). The process itself is supervised by ./supervisor.ts; ports are claimed in
 * ./ports.ts. Just over 400 lines: the start, with its port-conflict retries and the failure
 * report a person can act on, is one sequence best read in one place.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateDomains } from './domains.js';
import { claimFreePort, claimIfFree, foreignListeners, freePorts, type PortClaim } from './ports.js';
import { DEFAULT_S3_DOMAINS } from './regions.js';
import { Supervisor, type ProcessExit, type ServerCommand } from './supervisor.js';

export { validateDomains } from './domains.js';
/** How a MinIO ended. `requested`: stop() (or the parent's exit) asked it to. */
export type MinioExit = ProcessExit;

export interface MinioOpenIdOptions {
  /** The provider's discovery document, e.g. http://127.0.0.1:PORT/.well-known/openid-configuration. */
  configUrl: string;
  /** Must appear in the token's `aud` (or `azp`). */
  clientId: string;
  /** Claim naming the canned policies (default `policy`). */
  claimName?: string;
}

/** Start-up failed: {@link MinioStartError.logTail} holds MinIO's last log lines (also in the message). */
export class MinioStartError extends Error {
  override name = 'MinioStartError';
  constructor(
    message: string,
    readonly logTail: string[],
    /** MinIO's pid, when it got as far as being spawned (it is dead when this is thrown). */
    readonly pid?: number,
    /** The data dir it was given (removed when this is thrown). */
    readonly dataDir?: string,
    /** The port was taken after it was chosen, or shared with another server: another may work. */
    readonly portConflict = false,
    /** The S3 port another process was found listening on too (given up for good on a retry). */
    readonly sharedPort?: number,
  ) {
    super(message);
  }
}

/** Another process listens on the port our MinIO bound (see ./ports.ts). */
class PortSharedError extends Error {}

const HOST = '127.0.0.1';
const LOG_LINES_KEPT = 200;
const LOG_LINES_REPORTED = 20;

/**
 * Configures a MinIO server run as a child process on loopback (testcontainers style):
 *
 * ```ts
 * await using minio = await new MinioServer(binary).withOpenId({ configUrl, clientId }).start();
 * ```
 *
 * Defaults: a random root user/password, a fresh temporary data dir, `MINIO_DOMAIN` =
 * `s3.<region>.amazonaws.com` for every commercial AWS region, no region set (see
 * {@link MinioServer.withRegion}), browser and update checks off.
 */
export class MinioServer {
  private readonly binary: string;
  private domains: string[] = [...DEFAULT_S3_DOMAINS];
  private openId: MinioOpenIdOptions | undefined;
  private rootUser = `ase-root-${randomBytes(4).toString('hex')}`;
  private rootPassword = randomBytes(18).toString('base64url');
  private region: string | undefined;
  private startupTimeoutMs = 30_000;
  private preferredPort: { port: number; fallback: boolean } | undefined;
  private graceMs = 2_000;
  private extraEnv: Record<string, string> = {};
  private persistentDataDir: string | undefined;
  private logConsumer: ((line: string) => void) | undefined;

  /** `binary`: a path, or what {@link ensureMinio} / {@link locateMinio} returned. */
  constructor(binary: string | { path: string }) {
    this.binary = typeof binary === 'string' ? binary : binary.path;
  }

  /** Virtual-host domains (`<bucket>.<domain>`); replaces the default list. Overlaps are rejected. */
  withDomains(domains: readonly string[]): this {
    this.domains = validateDomains(domains);
    return this;
  }

  withOpenId(options: MinioOpenIdOptions): this {
    this.openId = { ...options };
    return this;
  }

  withRootCredentials(user: string, password: string): this {
    if (user.length < 3) throw new Error('MinIO root user must be at least 3 characters');
    if (password.length < 8) throw new Error('MinIO root password must be at least 8 characters');
    this.rootUser = user;
    this.rootPassword = password;
    return this;
  }

  /**
   * Sets MinIO's region (`MINIO_SITE_REGION`). Leave it unset (the default) to accept SigV4
   * signatures for any credential-scope region: MinIO then verifies each request with the region
   * the client signed for, so clients of us-east-1 and eu-west-1 can share one server. Once set,
   * a request signed for another region fails with `AuthorizationHeaderMalformed`.
   */
  withRegion(region: string | undefined): this {
    this.region = region;
    return this;
  }

  /**
   * The S3 port to listen on (default: a free one). With `fallback`, a port that is taken is
   * replaced by a free one (see {@link StartedMinio.port}); without, start() fails.
   */
  withPort(port: number, options: { fallback?: boolean } = {}): this {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`MinIO port must be 1-65535, not ${port}`);
    this.preferredPort = { port, fallback: options.fallback ?? false };
    return this;
  }

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    return this;
  }

  /** Extra environment for MinIO (applied last: it can override anything set above). */
  withEnv(env: Record<string, string>): this {
    this.extraEnv = { ...this.extraEnv, ...env };
    return this;
  }

  /**
   * Keeps MinIO's data in `dir` (created if missing) instead of a temporary folder: it survives
   * stop() and the next server started on it finds the buckets and objects again.
   */
  withDataDir(dir: string): this {
    this.persistentDataDir = dir;
    return this;
  }

  /** Receives each line MinIO writes (stdout and stderr). */
  withLogConsumer(consumer: (line: string) => void): this {
    this.logConsumer = consumer;
    return this;
  }

  /**
   * Spawns MinIO and resolves once it is healthy. `onSpawned` is called as soon as its process is
   * spawned (before it is healthy): a caller with work of its own to do while MinIO boots starts it
   * then, so that work does not delay the spawn.
   */
  async start(onSpawned?: () => void): Promise<StartedMinio> {
    let spawned = onSpawned; // once, not again on a retry
    const firstSpawn = () => { spawned?.(); spawned = undefined; };
    await assertExecutable(this.binary);
    let lastError: MinioStartError | undefined;
    const shared = new Set<number>();
    // A free port can be taken between probing and MinIO binding it, or (MinIO binds with
    // SO_REUSEPORT) shared with another server bound in the same instant: retry with fresh ones.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        // The preferred port is kept on a retry unless another server shares it: the conflict may
        // have been the console port's, and a stack should not lose its stable port for that.
        // Taken by then, it is refused by the claim's probe and a free one used (with fallback).
        const preferred = this.preferredPort;
        const wanted = preferred && (!preferred.fallback || !shared.has(preferred.port)) ? preferred : undefined;
        return await this.startOnce(wanted, firstSpawn);
      } catch (err) {
        if (err instanceof MinioStartError && err.portConflict) {
          lastError = err;
          if (err.sharedPort !== undefined) shared.add(err.sharedPort);
          continue;
        }
        throw err;
      }
    }
    throw lastError ?? new Error('unreachable');
  }

  /**
   * The S3 port, claimed against every other stack until our MinIO has bound it (./ports.ts), and
   * a console port (not opened: the console is off, but MinIO wants an address).
   */
  private async choosePorts(wanted: { port: number; fallback: boolean } | undefined): Promise<{ claim: PortClaim; consolePort: number }> {
    let claim = wanted ? await claimIfFree(wanted.port) : undefined;
    if (wanted && !claim && !wanted.fallback) {
      throw new MinioStartError(`MinIO cannot listen on ${HOST}:${wanted.port}: another program uses that port. Choose another, or let it pick a free one.`, []);
    }
    claim ??= await claimFreePort();
    try {
      let consolePort: number | undefined;
      while (consolePort === undefined || consolePort === claim.port) [consolePort] = await freePorts(1);
      return { claim, consolePort };
    } catch (err) {
      await claim.release();
      throw err;
    }
  }

  private async startOnce(wanted: { port: number; fallback: boolean } | undefined, onSpawned: () => void): Promise<StartedMinio> {
    const { claim, consolePort } = await this.choosePorts(wanted);
    try {
      return await this.spawnOn(claim.port, consolePort, onSpawned);
    } finally {
      // MinIO holds the port now (or never will): the next stack's probe sees it taken.
      await claim.release();
    }
  }

  private async spawnOn(port: number, consolePort: number, onSpawned: () => void): Promise<StartedMinio> {
    // One temp root per server: the data dir, and a certs dir (MinIO would otherwise create
    // ~/.minio/certs in the user's home). The whole root goes when the server stops.
    const root = await mkdtemp(join(tmpdir(), 'ase-minio-'));
    const dataDir = this.persistentDataDir ?? join(root, 'data');
    const certsDir = join(root, 'certs');
    const env: Record<string, string> = {};
    // MinIO reads a lot of MINIO_* settings; don't let the caller's shell leak into ours.
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('MINIO_') && !k.startsWith('_MINIO')) env[k] = v;
    }
    Object.assign(env, {
      MINIO_ROOT_USER: this.rootUser,
      MINIO_ROOT_PASSWORD: this.rootPassword,
      MINIO_BROWSER: 'off',
      MINIO_UPDATE: 'off',
    });
    if (this.domains.length > 0) env.MINIO_DOMAIN = this.domains.join(',');
    if (this.region) env.MINIO_SITE_REGION = this.region;
    if (this.openId) {
      env.MINIO_IDENTITY_OPENID_CONFIG_URL = this.openId.configUrl;
      env.MINIO_IDENTITY_OPENID_CLIENT_ID = this.openId.clientId;
      env.MINIO_IDENTITY_OPENID_CLAIM_NAME = this.openId.claimName ?? 'policy';
    }
    Object.assign(env, this.extraEnv);

    const command: ServerCommand = {
      command: this.binary,
      args: [
        'server',
        '--address', `${HOST}:${port}`,
        '--console-address', `${HOST}:${consolePort}`,
        '--certs-dir', certsDir,
        dataDir,
      ],
      env,
      removeDir: root,
      graceMs: this.graceMs,
    };
    const started = Date.now();
    const proc = new Supervisor(command, { label: 'MinIO', keepLines: LOG_LINES_KEPT, ...(this.logConsumer ? { onLine: this.logConsumer } : {}) });
    onSpawned();
    const healthUrl = `http://${HOST}:${port}/minio/health/cluster`;
    // With SO_REUSEPORT another server bound in the same instant would share the port and get
    // part of our connections: ours must be the only listener. Looked at once the port first
    // answers (bound by then, ours or not), while MinIO finishes its start-up.
    let listenersCheck: Promise<string[] | undefined> | undefined;
    try {
      await proc.spawned();
      await proc.waitReady(
        async () => {
          const status = await httpStatus(healthUrl, 1_000);
          if (typeof status === 'number' && !listenersCheck) {
            listenersCheck = foreignListeners(port, proc.pid!);
            listenersCheck.catch(() => undefined); // awaited below, once ready
          }
          if (status !== 200) return typeof status === 'number' ? `HTTP ${status}` : status;
          // 200 from the port is not proof it is ours: another MinIO may hold a port we were
          // told was free (ours then dies with "port already in use"). Ours says where it listens.
          return proc.logTail(LOG_LINES_KEPT).some((l) => l.includes(`API: http://${HOST}:${port}`)) ? true : 'HTTP 200, but not (yet) from this MinIO';
        },
        this.startupTimeoutMs,
        (last) => `not ready within ${this.startupTimeoutMs} ms: ${healthUrl} last answered ${last}` +
          (last === 'HTTP 503' ? ' (503: object layer or IAM, including OpenID, not initialised)' : ''),
      );
      const others = await (listenersCheck ?? foreignListeners(port, proc.pid!));
      if (others?.length) throw new PortSharedError(`another process also listens on ${others.join(', ')}`);
    } catch (err) {
      await proc.stop();
      await proc.drained();
      await rm(root, { recursive: true, force: true });
      const tail = proc.logTail(LOG_LINES_REPORTED);
      // The last error MinIO logged may sit above a stack trace longer than the tail: name it.
      const lastError = proc.logTail(LOG_LINES_KEPT).reverse().find((l) => /^\s*(FATAL|ERROR|Error:)/.test(l));
      const reason = (err as Error).message + (lastError && !tail.includes(lastError) ? `; MinIO's last error: ${lastError.trim()}` : '');
      throw new MinioStartError(
        `MinIO (${this.binary}) failed to start: ${reason}` +
          (tail.length ? `\nMinIO's last ${tail.length} log lines:\n  ${tail.join('\n  ')}` : '\nMinIO wrote nothing.'),
        tail,
        proc.pid,
        dataDir,
        err instanceof PortSharedError || proc.logTail(LOG_LINES_KEPT).some((l) => /port is already in use/i.test(l)),
        err instanceof PortSharedError ? port : undefined,
      );
    }
    proc.detachFromEventLoop();
    return new StartedMinio(proc, {
      port,
      root,
      dataDir,
      rootUser: this.rootUser,
      rootPassword: this.rootPassword,
      region: this.region,
      domains: [...this.domains],
      startupMs: Date.now() - started,
    });
  }
}

interface StartedInfo {
  port: number;
  /** Temp root holding dataDir and the certs dir. */
  root: string;
  dataDir: string;
  rootUser: string;
  rootPassword: string;
  region: string | undefined;
  domains: string[];
  startupMs: number;
}

/** A running MinIO. Stop it with {@link StartedMinio.stop} or `await using`. */
export class StartedMinio implements AsyncDisposable {
  /** @internal */
  constructor(
    private readonly proc: Supervisor,
    private readonly info: StartedInfo,
  ) {}

  get host(): string {
    return HOST;
  }
  get port(): number {
    return this.info.port;
  }
  /** `http://127.0.0.1:PORT` */
  get endpoint(): string {
    return `http://${HOST}:${this.info.port}`;
  }
  get rootUser(): string {
    return this.info.rootUser;
  }
  get rootPassword(): string {
    return this.info.rootPassword;
  }
  get dataDir(): string {
    return this.info.dataDir;
  }
  /** The configured region; undefined means MinIO accepts signatures for any region. */
  get region(): string | undefined {
    return this.info.region;
  }
  /** A region to sign admin/root requests with: the configured one, else `us-east-1`. */
  get signingRegion(): string {
    return this.info.region ?? 'us-east-1';
  }
  get domains(): readonly string[] {
    return this.info.domains;
  }
  /** MinIO's process id. */
  get pid(): number {
    return this.proc.pid ?? -1;
  }
  /** The watchdog's process id (it runs beside MinIO and stops it if this process dies). */
  get watchdogPid(): number {
    return this.proc.watchdogPid;
  }
  /** Milliseconds from spawning to `/minio/health/cluster` answering 200. */
  get startupMs(): number {
    return this.info.startupMs;
  }
  /** Resolves when MinIO has exited: after stop(), or on its own (a crash). */
  get exited(): Promise<MinioExit> {
    return this.proc.exited;
  }

  /** MinIO's recent log lines (up to 200). */
  logs(): string[] {
    return this.proc.logTail(LOG_LINES_KEPT);
  }

  /** Stops MinIO (SIGTERM, SIGKILL after 2 s) and removes its data dir. Idempotent. */
  async stop(): Promise<void> {
    await this.proc.stop();
    await rm(this.info.root, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

async function assertExecutable(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    await access(path, fsConstants.X_OK);
  } catch (err) {
    throw new MinioStartError(
      `MinIO binary ${path} is not an executable file (${(err as Error).message}). ` +
        'Use ensureMinio() to locate or build one, or set MINIO_BINARY.',
      [],
    );
  }
}

function httpStatus(url: string, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpGet(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}
