/**
 * Finding the pinned MinIO binary (MINIO_BINARY, PATH, the cache), building it with `go install`
 * when missing under a cross-process build lock, and the diagnostics `ase doctor` prints.
 * Over 400 lines: not split yet (issue 12 item 4 asks for the build lock and the subprocess on
 * libraries and `doctor` in cli/; the lock and `go install` are the parts to move out).
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, link, mkdir, mkdtemp, open, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { homedir, hostname, tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { MINIO_BUILD_FLAGS, MINIO_MIN_GO, MINIO_MODULE, MINIO_VERSION, minioBuildName } from './version.js';
import { isAlive } from './process.js';

/** Where a MinIO server binary was found. */
export type MinioSource = 'env' | 'path' | 'cache';

export interface MinioLocation {
  path: string;
  source: MinioSource;
}

export interface LocateOptions {
  /** Environment to read `MINIO_BINARY`, `PATH`, `XDG_CACHE_HOME`, `HOME` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Module version to look for in the cache (and to build). Default {@link MINIO_VERSION}. */
  version?: string;
}

export interface EnsureMinioOptions extends LocateOptions {
  /** Receives progress lines while MinIO is built (go's own output included). */
  onProgress?: (line: string) => void;
  /** The `go` command to use. Default: `go` on PATH, then the usual install locations. */
  go?: string;
  /** A build lock whose holder gave no sign of life for this long is taken over. Default 10 min. */
  staleLockMs?: number;
  /** How often a waiting process re-checks the lock. Default 500 ms. */
  pollMs?: number;
}

const BINARY_NAME = process.platform === 'win32' ? 'minio.exe' : 'minio';
const LOCK_FILE = '.build.lock';
const ERROR_FILE = '.build-error.json';
const HEARTBEAT_MS = 5_000;

/** No MinIO binary could be found or built. The message says how to fix it. */
export class MinioNotFoundError extends Error {
  override name = 'MinioNotFoundError';
}

/** `go install` ran and failed; {@link MinioBuildError.outputTail} holds go's last lines. */
export class MinioBuildError extends Error {
  override name = 'MinioBuildError';
  constructor(message: string, readonly outputTail: string[]) {
    super(message);
  }
}

/**
 * The per-user cache of this tool, `${XDG_CACHE_HOME:-~/.cache}/amplify-storage-emulator`: the
 * MinIO build here, synthesized backends (harness/backend) beside it.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
    ? env.XDG_CACHE_HOME
    : join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'amplify-storage-emulator');
}

/** `${XDG_CACHE_HOME:-~/.cache}/amplify-storage-emulator/minio/<version>-stripped` (see {@link minioBuildName}) */
export function minioCacheDir(options: LocateOptions = {}): string {
  return join(userCacheDir(options.env ?? process.env), 'minio', minioBuildName(options.version ?? MINIO_VERSION));
}

/** The path the cached binary for `options.version` has (whether or not it exists). */
export function cachedMinioPath(options: LocateOptions = {}): string {
  return join(minioCacheDir(options), BINARY_NAME);
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of [...dirs, ...extra]) {
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds a MinIO server without building one: `MINIO_BINARY`, then `minio` on PATH, then the
 * per-user cache. Returns undefined when there is none. A `MINIO_BINARY` that is set but not an
 * executable file is an error (an explicit choice should not be silently ignored).
 */
export async function locateMinio(options: LocateOptions = {}): Promise<MinioLocation | undefined> {
  const env = options.env ?? process.env;
  const fromEnv = env.MINIO_BINARY;
  if (fromEnv) {
    if (await isExecutableFile(fromEnv)) return { path: fromEnv, source: 'env' };
    throw new MinioNotFoundError(
      `MINIO_BINARY=${fromEnv} is not an executable file. Point it at a MinIO server binary, or unset it ` +
        `to use \`minio\` on PATH or the cached build (${cachedMinioPath(options)}).`,
    );
  }
  const onPath = await findOnPath(BINARY_NAME, env);
  if (onPath) return { path: onPath, source: 'path' };
  const cached = cachedMinioPath(options);
  if (await isExecutableFile(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Go

export interface GoInfo {
  path: string;
  /** e.g. `go1.26.8` */
  version: string;
}

const GO_FALLBACK_DIRS = ['/usr/local/go/bin', '/usr/lib/go/bin', '/opt/homebrew/bin', '/usr/local/bin'];

/** Finds `go` (PATH, then common install dirs) and asks it its version. */
export async function findGo(env: NodeJS.ProcessEnv = process.env, goCommand?: string): Promise<GoInfo | undefined> {
  const path = goCommand ?? (await findOnPath('go', env, GO_FALLBACK_DIRS));
  if (!path) return undefined;
  const result = await run(path, ['env', 'GOVERSION'], { env, cwd: tmpdir(), timeoutMs: 20_000 });
  if (result.code !== 0) return undefined;
  return { path, version: result.stdout.trim() || 'unknown' };
}

/** `go1.22.3` → [1, 22]; undefined when it cannot be parsed (e.g. a devel toolchain). */
function goMinor(version: string): [number, number] | undefined {
  const m = /^go(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function goAtLeast(version: string, wanted: string): boolean | undefined {
  const have = goMinor(version);
  const want = goMinor(`go${wanted}`);
  if (!have || !want) return undefined;
  return have[0] > want[0] || (have[0] === want[0] && have[1] >= want[1]);
}

const INSTALL_GO_HINT =
  `install Go ≥${MINIO_MIN_GO}: apt-get install golang (Debian/Ubuntu, if new enough), brew install go (macOS), ` +
  `or a release from https://go.dev/dl/`;

// ---------------------------------------------------------------------------------------------
// ensureMinio: locate, or build once per machine

const inflight = new Map<string, Promise<MinioLocation>>();

/**
 * Returns a MinIO server binary, building the pinned version with `go install` into the per-user
 * cache when none is found. Concurrent callers, in this process or in others (vitest workers),
 * share one build: the first takes a lock file in the cache dir, the rest wait for the binary.
 * The build goes to a temporary GOBIN and is renamed into place, so the cached path either does
 * not exist or is a complete binary.
 */
export function ensureMinio(options: EnsureMinioOptions = {}): Promise<MinioLocation> {
  const key = cachedMinioPath(options);
  let pending = inflight.get(key);
  if (!pending) {
    pending = ensureUncached(options).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

async function ensureUncached(options: EnsureMinioOptions): Promise<MinioLocation> {
  const found = await locateMinio(options);
  if (found) return found;

  const env = options.env ?? process.env;
  const version = options.version ?? MINIO_VERSION;
  const progress = options.onProgress ?? (() => {});
  const cacheDir = minioCacheDir(options);
  const target = cachedMinioPath(options);

  const go = await findGo(env, options.go);
  if (!go) {
    throw new MinioNotFoundError(
      `No MinIO server found (MINIO_BINARY unset, no \`minio\` on PATH, nothing at ${target}) and Go is not ` +
        `installed to build one. Either ${INSTALL_GO_HINT}; then run the setup again ` +
        `(it runs \`go install ${MINIO_MODULE}@${version}\`). Or set MINIO_BINARY to an existing MinIO binary.`,
    );
  }
  const modern = goAtLeast(go.version, '1.21');
  if (modern === false) {
    throw new MinioNotFoundError(
      `${go.path} is ${go.version}, too old to build MinIO ${version}; ${INSTALL_GO_HINT}. ` +
        `Or set MINIO_BINARY to an existing MinIO binary.`,
    );
  }

  await mkdir(cacheDir, { recursive: true });
  const lockPath = join(cacheDir, LOCK_FILE);
  const errorPath = join(cacheDir, ERROR_FILE);
  const pollMs = options.pollMs ?? 500;
  const staleLockMs = options.staleLockMs ?? 10 * 60_000;
  const waitingSince = Date.now();
  let announcedWait = false;

  for (;;) {
    if (await isExecutableFile(target)) return { path: target, source: 'cache' };

    const lock = await tryLock(lockPath);
    if (lock) {
      try {
        // Someone may have finished between our check and taking the lock.
        if (await isExecutableFile(target)) return { path: target, source: 'cache' };
        await rm(errorPath, { force: true });
        try {
          await buildInto(go, version, cacheDir, target, env, progress);
        } catch (err) {
          if (err instanceof MinioBuildError) {
            await writeFile(errorPath, JSON.stringify({ at: Date.now(), message: err.message, tail: err.outputTail }))
              .catch(() => {});
          }
          throw err;
        }
        return { path: target, source: 'cache' };
      } finally {
        await lock.release();
      }
    }

    // Another process holds the lock. Did its build fail while we waited?
    const failure = await readJson<{ at: number; message: string; tail?: string[] }>(errorPath);
    if (failure && failure.at >= waitingSince) {
      throw new MinioBuildError(failure.message, failure.tail ?? []);
    }
    const holder = await readJson<LockInfo>(lockPath);
    if (await isStale(lockPath, holder, staleLockMs)) {
      progress(`removing a stale MinIO build lock (${holder ? `pid ${holder.pid} on ${holder.host}` : 'unreadable'})`);
      await breakLock(lockPath, holder);
      continue;
    }
    if (!announcedWait) {
      announcedWait = true;
      progress(`waiting for another process${holder ? ` (pid ${holder.pid})` : ''} that is building MinIO ${version}…`);
    }
    await sleep(pollMs);
  }
}

interface LockInfo {
  pid: number;
  host: string;
  nonce: string;
  since: number;
}

async function tryLock(lockPath: string): Promise<{ release(): Promise<void> } | undefined> {
  const info: LockInfo = { pid: process.pid, host: hostname(), nonce: randomUUID(), since: Date.now() };
  let handle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
  await handle.writeFile(JSON.stringify(info));
  await handle.close();
  // The heartbeat keeps the lock's mtime fresh, so waiters on other hosts (or in other pid
  // namespaces, where the pid means nothing) can still tell a live build from a dead one.
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      const current = await readJson<LockInfo>(lockPath);
      if (current?.nonce === info.nonce) await unlink(lockPath).catch(() => {});
    },
  };
}

async function isStale(lockPath: string, holder: LockInfo | undefined, staleLockMs: number): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockPath)).mtimeMs;
  } catch {
    return false; // gone: the next loop iteration will see the binary or take the lock
  }
  if (Date.now() - mtimeMs > staleLockMs) return true;
  if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
    // Dead holder on this host. Allow for the short window between open('wx') and writing.
    return true;
  }
  if (!holder && Date.now() - mtimeMs > 5_000) return true; // written but unreadable for 5 s
  return false;
}

/** Removes a stale lock without removing a fresh one that replaced it in the meantime. */
async function breakLock(lockPath: string, judged: LockInfo | undefined): Promise<void> {
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = await readJson<LockInfo>(aside);
  if (judged && moved && moved.nonce !== judged.nonce) {
    // We moved a fresh lock: put it back unless yet another one exists.
    await link(aside, lockPath).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}


async function buildInto(
  go: GoInfo,
  version: string,
  cacheDir: string,
  target: string,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<void> {
  const gobin = await mkdtemp(join(cacheDir, '.gobin-'));
  const started = Date.now();
  const spec = `${MINIO_MODULE}@${version}`;
  progress(`building MinIO: go install ${MINIO_BUILD_FLAGS.map((f) => (f.includes(' ') ? `'${f}'` : f)).join(' ')} ${spec} (${go.version}; a cold build takes a few minutes)`);
  try {
    const tail: string[] = [];
    const result = await run(go.path, ['install', '-v', ...MINIO_BUILD_FLAGS, spec], {
      // cwd outside any module, so a go.mod or go.work around the caller cannot interfere.
      cwd: gobin,
      env: { ...env, GOBIN: gobin, GOWORK: 'off' },
      onLine: (line) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        progress(line);
      },
    });
    if (result.code !== 0) {
      const last = tail.slice(-15);
      throw new MinioBuildError(
        `Building MinIO failed: \`go install ${spec}\` exited with ${result.signal ?? result.code}. ` +
          `Last lines of go's output:\n  ${last.join('\n  ')}`,
        tail,
      );
    }
    const built = join(gobin, BINARY_NAME);
    if (!(await isExecutableFile(built))) {
      throw new MinioBuildError(`Building MinIO failed: go install succeeded but produced no ${built}`, tail);
    }
    const check = await run(built, ['--version'], { env, timeoutMs: 20_000 });
    if (check.code !== 0) {
      throw new MinioBuildError(`The freshly built MinIO does not run: ${check.stderr || check.stdout}`, tail);
    }
    await chmod(built, 0o755);
    await rename(built, target);
    progress(`built MinIO ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s → ${target}`);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// describeMinio: facts for a `doctor` command

export interface MinioDiagnosis {
  /** The pinned module version. */
  pinnedVersion: string;
  /** Where the cached build lives (or would live). */
  cachePath: string;
  source: MinioSource | 'none';
  binary?: {
    path: string;
    /** First lines of `minio --version`, or why it could not run. */
    versionOutput: string;
    /** The module version recorded in the binary (`go version -m`), when go can tell. */
    moduleVersion?: string;
    /** Whether {@link moduleVersion} is the pinned one. */
    isPinned?: boolean;
  };
  /** Set when locating failed outright (e.g. a bad MINIO_BINARY). */
  locateError?: string;
  go:
    | { present: false }
    | {
        present: true;
        path: string;
        version: string;
        /** At least the Go that MinIO's go.mod asks for. */
        meetsMinimum: boolean | undefined;
        /** Able to build it: new enough, or ≥1.21, which fetches the needed toolchain itself (GOTOOLCHAIN=auto). */
        canBuild: boolean | undefined;
      };
  docker: { reachable: boolean; endpoint?: string; detail: string };
}

export async function describeMinio(options: LocateOptions & { go?: string } = {}): Promise<MinioDiagnosis> {
  const env = options.env ?? process.env;
  const pinnedVersion = options.version ?? MINIO_VERSION;
  const [located, go, docker] = await Promise.all([
    locateMinio(options).then(
      (loc) => ({ loc, error: undefined as string | undefined }),
      (err: Error) => ({ loc: undefined, error: err.message }),
    ),
    findGo(env, options.go),
    probeDocker(env),
  ]);
  const diagnosis: MinioDiagnosis = {
    pinnedVersion,
    cachePath: cachedMinioPath(options),
    source: located.loc?.source ?? 'none',
    go: go
      ? {
          present: true,
          path: go.path,
          version: go.version,
          meetsMinimum: goAtLeast(go.version, MINIO_MIN_GO),
          canBuild: goAtLeast(go.version, '1.21'),
        }
      : { present: false },
    docker,
  };
  if (located.error) diagnosis.locateError = located.error;
  if (located.loc) {
    const v = await run(located.loc.path, ['--version'], { env, timeoutMs: 10_000 });
    const versionOutput = v.code === 0
      ? v.stdout.split('\n').slice(0, 2).join(' | ').trim()
      : `failed to run (${v.signal ?? v.code}): ${(v.stderr || v.stdout).trim().slice(0, 300)}`;
    const binary: NonNullable<MinioDiagnosis['binary']> = { path: located.loc.path, versionOutput };
    if (go) {
      const m = await run(go.path, ['version', '-m', located.loc.path], { env, timeoutMs: 10_000 });
      const mod = /^\s*mod\s+(\S+)\s+(\S+)/m.exec(m.stdout);
      if (mod && mod[1] === MINIO_MODULE && mod[2]) {
        binary.moduleVersion = mod[2];
        binary.isPinned = mod[2] === pinnedVersion;
      }
    }
    diagnosis.binary = binary;
  }
  return diagnosis;
}

/** Looks for a Docker engine: DOCKER_HOST, then the usual unix sockets; pings `/_ping`. */
async function probeDocker(env: NodeJS.ProcessEnv): Promise<MinioDiagnosis['docker']> {
  const home = env.HOME || homedir();
  const candidates: string[] = [];
  if (env.DOCKER_HOST) candidates.push(env.DOCKER_HOST);
  for (const p of [
    '/var/run/docker.sock',
    join(home, '.docker/run/docker.sock'),
    join(home, '.colima/default/docker.sock'),
    join(home, '.orbstack/run/docker.sock'),
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'docker.sock') : '',
  ]) {
    if (p) candidates.push(`unix://${p}`);
  }
  const tried: string[] = [];
  for (const endpoint of candidates) {
    const result = await pingDocker(endpoint);
    if (result === true) return { reachable: true, endpoint, detail: 'engine answered /_ping' };
    tried.push(`${endpoint}: ${result}`);
  }
  return { reachable: false, detail: `no Docker engine reachable (${tried.join('; ')})` };
}

function pingDocker(endpoint: string): Promise<true | string> {
  let target: { path: string } | { host: string; port: number };
  if (endpoint.startsWith('unix://')) target = { path: endpoint.slice('unix://'.length) };
  else if (endpoint.startsWith('tcp://')) {
    const u = new URL(`http://${endpoint.slice('tcp://'.length)}`);
    target = { host: u.hostname, port: Number(u.port || 2375) };
  } else return Promise.resolve('unsupported DOCKER_HOST scheme');
  return new Promise((resolve) => {
    const socket = connect(target as never);
    let data = '';
    const done = (r: true | string) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => done('timeout'), 1_500);
    socket.on('connect', () => socket.write('GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n'));
    socket.on('data', (d) => {
      data += d.toString();
      if (/^HTTP\/1\.[01] 200/.test(data)) done(true);
      else if (data.includes('\r\n')) done(`answered ${data.split('\r\n')[0]}`);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    socket.on('close', () => done('closed'));
  });
}

// ---------------------------------------------------------------------------------------------
// helpers

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; onLine?: (line: string) => void },
): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    const lineSplitter = () => {
      let partial = '';
      return {
        push(chunk: Buffer, sink: (s: string) => void) {
          const text = chunk.toString();
          sink(text);
          if (!opts.onLine) return;
          partial += text;
          const lines = partial.split(/\r?\n/);
          partial = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) opts.onLine(line);
        },
        flush() {
          if (opts.onLine && partial.trim()) opts.onLine(partial);
          partial = '';
        },
      };
    };
    const out = lineSplitter();
    const err = lineSplitter();
    child.stdout.on('data', (c: Buffer) => out.push(c, (s) => (stdout += s)));
    child.stderr.on('data', (c: Buffer) => err.push(c, (s) => (stderr += s)));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: -1, signal: null, stdout, stderr: stderr || e.message });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      out.flush();
      err.flush();
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
