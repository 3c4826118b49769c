import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, rmSync } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_S3_DOMAINS } from './regions.js';
import { isAlive } from './process.js';
import { WATCHDOG_SOURCE, type WatchdogConfig } from './watchdog.js';

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
  ) {
    super(message);
  }
}

const HOST = '127.0.0.1';
const LOG_LINES_KEPT = 200;
const LOG_LINES_REPORTED = 20;

/**
 * Checks a MINIO_DOMAIN list the way MinIO does at start-up, plus one check it lacks, so the
 * mistake is reported here rather than as a fatal log line:
 * - MinIO refuses (fatal) any list in which one domain is the character-wise common suffix of
 *   all of them (e.g. `s3.amazonaws.com` + `x.s3.amazonaws.com`, but also `a.com` + `ba.com`);
 * - a domain that is a DNS suffix of another (`x.s3.amazonaws.com` under `s3.amazonaws.com`)
 *   makes virtual-host routing ambiguous even where MinIO lets it through (3+ domains).
 */
export function validateDomains(domains: readonly string[]): string[] {
  const list = [...new Set(domains.map((d) => d.trim().toLowerCase()).filter(Boolean))];
  for (const d of list) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(d)) {
      throw new Error(`MINIO_DOMAIN: "${d}" is not a valid domain name`);
    }
  }
  for (const a of list) {
    for (const b of list) {
      if (a !== b && a.endsWith(`.${b}`)) {
        throw new Error(`MINIO_DOMAIN: "${a}" lies under "${b}"; MinIO cannot route virtual-host requests for overlapping domains. Drop one of them.`);
      }
    }
  }
  if (list.length > 1) {
    const suffix = commonSuffix(list);
    if (list.includes(suffix)) {
      throw new Error(`MINIO_DOMAIN: "${suffix}" is a suffix of every other domain (${list.join(', ')}); MinIO refuses such a list as overlapping. Drop it or add a domain that does not end with it.`);
    }
  }
  return list;
}

function commonSuffix(list: string[]): string {
  let suffix = list[0] ?? '';
  for (const s of list.slice(1)) {
    let i = 0;
    while (i < suffix.length && i < s.length && suffix[suffix.length - 1 - i] === s[s.length - 1 - i]) i++;
    suffix = suffix.slice(suffix.length - i);
  }
  return suffix;
}

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

  async start(): Promise<StartedMinio> {
    await assertExecutable(this.binary);
    let lastError: MinioStartError | undefined;
    // A free port can be taken between probing and MinIO binding it; retry with fresh ones.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await this.startOnce();
      } catch (err) {
        if (err instanceof MinioStartError && err.logTail.some((l) => /port is already in use/i.test(l))) {
          lastError = err;
          continue;
        }
        throw err;
      }
    }
    throw lastError ?? new Error('unreachable');
  }

  private async startOnce(): Promise<StartedMinio> {
    const [port, consolePort] = await freePortPair();
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

    const config: WatchdogConfig = {
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
    const proc = new MinioProcess(config, this.logConsumer);
    try {
      await proc.spawned();
      await proc.waitReady(`http://${HOST}:${port}/minio/health/cluster`, this.startupTimeoutMs);
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
    private readonly proc: MinioProcess,
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
  /** The watchdog's process id (MinIO's parent). */
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
// The child process pair (watchdog + MinIO) and the parent-side safety net

/** How a MinIO ended. `requested`: stop() (or the parent's exit) asked it to. */
export interface MinioExit {
  code: number | null;
  signal: string | null;
  requested: boolean;
}

type WatchdogEvent =
  | { type: 'spawned'; pid: number }
  | { type: 'error'; message: string }
  | { type: 'exit'; code: number | null; signal: string | null; stopping: boolean };

class MinioProcess {
  private readonly watchdog: ChildProcess;
  private readonly lines: string[] = [];
  private minioPid: number | undefined;
  private spawnError: string | undefined;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private readonly watchdogExited: Promise<void>;
  /** Resolves once MinIO and its watchdog are gone, whatever the reason. */
  readonly exited: Promise<MinioExit>;
  private readonly outputClosed: Promise<void>;
  private readonly events = new Set<() => void>();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: WatchdogConfig,
    private readonly onLine: ((line: string) => void) | undefined,
  ) {
    // A clean environment for the watchdog: NODE_OPTIONS from a test runner (loaders, inspector)
    // has no business there. MinIO's environment travels inside the config.
    const watchdogEnv: Record<string, string> = {};
    if (process.env.PATH) watchdogEnv.PATH = process.env.PATH;
    this.watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: watchdogEnv,
      windowsHide: true,
    });
    this.watchdog.stdin?.on('error', () => {}); // EPIPE when the watchdog is already gone
    // The config (with MinIO's environment and root password) goes over the pipe, not argv.
    this.watchdog.stdin?.write(`${JSON.stringify(config)}\n`);
    live.add(this);
    installSafetyNet();
    this.watchdogExited = new Promise((resolve) => {
      this.watchdog.on('exit', () => {
        live.delete(this);
        removeSafetyNetIfIdle();
        resolve();
        this.notify();
      });
      this.watchdog.on('error', (err) => {
        this.spawnError ??= `could not start the watchdog (${process.execPath}): ${err.message}`;
        live.delete(this);
        removeSafetyNetIfIdle();
        resolve();
        this.notify();
      });
    });
    this.outputClosed = new Promise((resolve) => {
      this.watchdog.on('close', () => resolve());
      this.watchdog.on('error', () => resolve());
    });
    const collect = (stream: NodeJS.ReadableStream | null | undefined) => {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        partial += chunk.toString();
        const parts = partial.split(/\r?\n/);
        partial = parts.pop() ?? '';
        for (const line of parts) this.pushLine(line);
      });
      stream?.on('end', () => {
        if (partial) this.pushLine(partial);
        partial = '';
      });
    };
    this.exited = this.watchdogExited.then(() => ({
      code: this.exitInfo?.code ?? null,
      signal: this.exitInfo?.signal ?? null,
      requested: this.stopping !== undefined,
    }));
    collect(this.watchdog.stdout);
    collect(this.watchdog.stderr);
    const control = this.watchdog.stdio[3] as NodeJS.ReadableStream | null;
    let buffered = '';
    control?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        if (!part.trim()) continue;
        try {
          this.onEvent(JSON.parse(part) as WatchdogEvent);
        } catch {
          /* not ours */
        }
      }
    });
  }

  get pid(): number | undefined {
    return this.minioPid;
  }

  get watchdogPid(): number {
    return this.watchdog.pid ?? -1;
  }

  logTail(n: number): string[] {
    return this.lines.slice(-n);
  }

  private pushLine(line: string): void {
    const clean = line.replace(/\x1b\[[0-9;]*m/g, '');
    if (!clean.trim()) return;
    this.lines.push(clean);
    if (this.lines.length > LOG_LINES_KEPT) this.lines.shift();
    this.onLine?.(clean);
  }

  private onEvent(event: WatchdogEvent): void {
    if (event.type === 'spawned') this.minioPid = event.pid;
    else if (event.type === 'error') this.spawnError = event.message;
    else if (event.type === 'exit') this.exitInfo = { code: event.code, signal: event.signal };
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.events]) listener();
  }

  private waitFor<T>(check: () => T | undefined, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    return new Promise((resolve, reject) => {
      const listener = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (err) {
          cleanup();
          reject(err as Error);
          return;
        }
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(onTimeout());
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.delete(listener);
      };
      this.events.add(listener);
      listener();
    });
  }

  /** Throws when MinIO (or the watchdog) is gone or never started. */
  private assertRunning(): void {
    if (this.spawnError) throw new Error(`could not spawn MinIO: ${this.spawnError}`);
    if (this.exitInfo) {
      const how = this.exitInfo.signal ? `signal ${this.exitInfo.signal}` : `code ${this.exitInfo.code}`;
      throw new Error(`MinIO exited during start-up (${how})`);
    }
    if (this.watchdog.exitCode !== null || this.watchdog.signalCode !== null) {
      throw new Error(`the watchdog exited (${this.watchdog.signalCode ?? this.watchdog.exitCode}) before MinIO was ready`);
    }
  }

  spawned(): Promise<number> {
    return this.waitFor(
      () => {
        this.assertRunning();
        return this.minioPid;
      },
      10_000,
      () => new Error('MinIO was not spawned within 10 s'),
    );
  }

  async waitReady(healthUrl: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastStatus = 'no answer yet';
    for (;;) {
      this.assertRunning();
      const status = await httpStatus(healthUrl, 1_000);
      if (status === 200) return;
      lastStatus = typeof status === 'number' ? `HTTP ${status}` : status;
      this.assertRunning();
      if (Date.now() >= deadline) {
        const hint = lastStatus === 'HTTP 503' ? ' (503: object layer or IAM, including OpenID, not initialised)' : '';
        throw new Error(`not ready within ${timeoutMs} ms: ${healthUrl} last answered ${lastStatus}${hint}`);
      }
      // Polled every 20 ms (readiness is on every start's critical path); woken early if MinIO exits.
      await this.waitFor(() => (this.exitInfo || this.spawnError ? true : undefined), 20, () => new Error('tick')).catch(() => {});
    }
  }

  /** Waits (briefly) until everything MinIO wrote has been read, so a failure report is complete. */
  async drained(): Promise<void> {
    await Promise.race([this.outputClosed, deadline(1_000)]);
  }

  /** After start-up: don't let the pipes keep the parent's event loop alive. */
  detachFromEventLoop(): void {
    this.watchdog.unref();
    for (const s of this.watchdog.stdio) (s as { unref?: () => void } | null)?.unref?.();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // While stopping, the watchdog must keep the event loop alive: the caller is awaiting this,
      // and with every other handle already closed Node would otherwise exit mid-await, before
      // the caller could set its exit code.
      this.watchdog.ref();
      // Closing the pipe is the stop signal: the watchdog stops MinIO's group and removes the data dir.
      this.watchdog.stdin?.end();
      const exited = await Promise.race([
        this.watchdogExited.then(() => true),
        deadline(this.config.graceMs + 3_000).then(() => false),
      ]);
      if (!exited) {
        this.killNow();
        const gone = await Promise.race([this.watchdogExited.then(() => true), deadline(2_000).then(() => false)]);
        if (!gone) this.watchdog.kill('SIGKILL');
      }
      await this.watchdogExited;
      // The watchdog reaps MinIO before it exits; make sure (e.g. if the watchdog was killed).
      if (this.minioPid !== undefined) {
        const until = Date.now() + 3_000;
        while (isAlive(this.minioPid) && Date.now() < until) await sleep(50);
        if (isAlive(this.minioPid)) killGroup(this.minioPid, 'SIGKILL');
      }
    })();
    return this.stopping;
  }

  /**
   * Synchronous last resort (process exit, fatal signals, a watchdog that does not answer):
   * SIGKILL MinIO's group; SIGTERM the watchdog, which then reaps MinIO (no zombie waiting for
   * init), removes the data dir and exits.
   */
  killNow(): void {
    if (this.minioPid !== undefined) killGroup(this.minioPid, 'SIGKILL');
    try {
      this.watchdog.kill('SIGTERM');
    } catch {
      /* gone */
    }
    if (this.config.removeDir) {
      try {
        rmSync(this.config.removeDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* best effort: the watchdog removes it too */
      }
    }
  }
}

const live = new Set<MinioProcess>();
const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let netInstalled = false;

function killAllNow(): void {
  for (const p of live) p.killNow();
  live.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  killAllNow();
  removeSafetyNetIfIdle();
  // If nobody else handles this signal, restore the default behaviour (terminate) by re-raising.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installSafetyNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  process.on('exit', killAllNow);
  for (const s of FATAL_SIGNALS) process.on(s, onFatalSignal);
}

function removeSafetyNetIfIdle(): void {
  if (!netInstalled || live.size > 0) return;
  netInstalled = false;
  process.removeListener('exit', killAllNow);
  for (const s of FATAL_SIGNALS) process.removeListener(s, onFatalSignal);
}

// ---------------------------------------------------------------------------------------------
// helpers

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}


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

/** Two ports the OS considers free on 127.0.0.1 right now (MinIO binds them a moment later). */
async function freePortPair(): Promise<[number, number]> {
  const [a, b] = await freePorts(2);
  if (a === undefined || b === undefined) throw new Error('could not find free ports');
  return [a, b];
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, HOST, () => resolve(srv));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
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

/** A timeout for Promise.race: it must not keep the process alive once the race is decided. */
function deadline(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
