/**
 * `ensureMinio`: the MinIO server binary, built with `go install` into the per-user cache when
 * locate.ts finds none, once per machine (build-lock.ts).
 */
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildLock } from './build-lock.js';
import { findGo, GO_CAN_BUILD, goAtLeast, INSTALL_GO_HINT, type GoInfo } from './go.js';
import {
  BINARY_NAME, cachedMinioPath, isExecutableFile, locateMinio, minioCacheDir, MinioNotFoundError,
  type LocateOptions, type MinioLocation,
} from './locate.js';
import { run } from './run.js';
import { MINIO_BUILD_FLAGS, MINIO_MODULE, MINIO_VERSION } from './version.js';

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

/** `go install` ran and failed; {@link MinioBuildError.outputTail} holds go's last lines. */
export class MinioBuildError extends Error {
  override name = 'MinioBuildError';
  constructor(message: string, readonly outputTail: string[]) {
    super(message);
  }
}

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
  if (goAtLeast(go.version, GO_CAN_BUILD) === false) {
    throw new MinioNotFoundError(
      `${go.path} is ${go.version}, too old to build MinIO ${version}; ${INSTALL_GO_HINT}. ` +
        `Or set MINIO_BINARY to an existing MinIO binary.`,
    );
  }

  await mkdir(cacheDir, { recursive: true });
  const lock = new BuildLock(cacheDir);
  const pollMs = options.pollMs ?? 500;
  const staleLockMs = options.staleLockMs ?? 10 * 60_000;
  const waitingSince = Date.now();
  let announcedWait = false;

  for (;;) {
    if (await isExecutableFile(target)) return { path: target, source: 'cache' };

    const held = await lock.tryTake();
    if (held) {
      try {
        // Someone may have finished between our check and taking the lock.
        if (await isExecutableFile(target)) return { path: target, source: 'cache' };
        await lock.clearFailure();
        try {
          await buildInto(go, version, cacheDir, target, env, progress);
        } catch (err) {
          if (err instanceof MinioBuildError) await lock.recordFailure({ at: Date.now(), message: err.message, tail: err.outputTail });
          throw err;
        }
        return { path: target, source: 'cache' };
      } finally {
        await held.release();
      }
    }

    // Another process holds the lock. Did its build fail while we waited?
    const failure = await lock.failureSince(waitingSince);
    if (failure) throw new MinioBuildError(failure.message, failure.tail ?? []);
    const holder = await lock.holder();
    if (await lock.isStale(holder, staleLockMs)) {
      progress(`removing a stale MinIO build lock (${holder ? `pid ${holder.pid} on ${holder.host}` : 'unreadable'})`);
      await lock.break(holder);
      continue;
    }
    if (!announcedWait) {
      announcedWait = true;
      progress(`waiting for another process${holder ? ` (pid ${holder.pid})` : ''} that is building MinIO ${version}…`);
    }
    await sleep(pollMs);
  }
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
