/**
 * `ensureMinio`: the MinIO server binary, built from the pinned module's source (with the start-up
 * patch of source-patch.ts) into the per-user cache when locate.ts finds none, once per machine
 * (build-lock.ts).
 */
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildLock } from './build-lock.js';
import { findGo, GO_CAN_BUILD, goAtLeast, INSTALL_GO_HINT, type GoInfo } from './go.js';
import {
  BINARY_NAME, cachedMinioPath, isExecutableFile, locateMinio, minioCacheDir, MinioNotFoundError,
  type LocateOptions, type MinioLocation,
} from './locate.js';
import { run } from './run.js';
import { patchMinioSource, SourcePatchError } from './source-patch.js';
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

/** The build ran and failed; {@link MinioBuildError.outputTail} holds go's last lines. */
export class MinioBuildError extends Error {
  override name = 'MinioBuildError';
  constructor(message: string, readonly outputTail: string[]) {
    super(message);
  }
}

const inflight = new Map<string, Promise<MinioLocation>>();

/**
 * Returns a MinIO server binary, building the pinned version from source into the per-user
 * cache when none is found. Concurrent callers, in this process or in others (vitest workers),
 * share one build: the first takes a lock file in the cache dir, the rest wait for the binary.
 * The build goes to a temporary folder and is renamed into place, so the cached path either does
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
        `(it builds ${MINIO_MODULE}@${version} from source). Or set MINIO_BINARY to an existing MinIO binary.`,
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

/**
 * The build: `go mod download` of the pinned module (the Go module proxy, checked against the
 * checksum database as any download is), a copy of its source with the start-up patch applied
 * (source-patch.ts), and `go build` of that copy as the main module: the same go.mod and go.sum,
 * so the same dependency versions as `go install module@version`.
 */
async function buildInto(
  go: GoInfo,
  version: string,
  cacheDir: string,
  target: string,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<void> {
  const work = await mkdtemp(join(cacheDir, '.build-'));
  const gobin = join(work, 'bin');
  const src = join(work, 'src');
  const started = Date.now();
  const spec = `${MINIO_MODULE}@${version}`;
  const command = `go build ${MINIO_BUILD_FLAGS.map((f) => (f.includes(' ') ? `'${f}'` : f)).join(' ')}`;
  progress(`building MinIO: ${command} of ${spec}, patched to skip hashing its own binary at start (${go.version}; a cold build takes a few minutes)`);
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    progress(line);
  };
  const failed = (what: string, result: { code: number | null; signal: NodeJS.Signals | null }) => {
    const last = tail.slice(-15);
    return new MinioBuildError(
      `Building MinIO failed: \`${what}\` exited with ${result.signal ?? result.code}. Last lines of go's output:\n  ${last.join('\n  ')}`,
      [...tail],
    );
  };
  try {
    await mkdir(gobin);
    // cwd outside any module, so a go.mod or go.work around the caller cannot interfere.
    const download = await run(go.path, ['mod', 'download', '-json', spec], { cwd: work, env: { ...env, GOWORK: 'off' } });
    const module = parseDownload(download.stdout);
    if (download.code !== 0 || !module.dir) {
      for (const line of (module.error ?? `${download.stderr}\n${download.stdout}`).split('\n')) if (line.trim()) onLine(line);
      throw failed(`go mod download ${spec}`, download);
    }
    await copyWritable(module.dir, src);
    await patchMinioSource(src);
    const result = await run(go.path, ['build', '-v', ...MINIO_BUILD_FLAGS, '-o', join(gobin, BINARY_NAME), '.'], {
      cwd: src,
      env: { ...env, GOWORK: 'off' },
      onLine,
    });
    if (result.code !== 0) throw failed(`go build ${spec}`, result);
    const built = join(gobin, BINARY_NAME);
    if (!(await isExecutableFile(built))) {
      throw new MinioBuildError(`Building MinIO failed: go build succeeded but produced no ${built}`, tail);
    }
    const check = await run(built, ['--version'], { env, timeoutMs: 20_000 });
    if (check.code !== 0) {
      throw new MinioBuildError(`The freshly built MinIO does not run: ${check.stderr || check.stdout}`, tail);
    }
    await chmod(built, 0o755);
    await rename(built, target);
    progress(`built MinIO ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s → ${target}`);
  } catch (err) {
    if (err instanceof SourcePatchError) throw new MinioBuildError(`Building MinIO failed: ${err.message}`, tail);
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `go mod download -json`'s answer: where the module's source is, or why it could not be had. */
function parseDownload(stdout: string): { dir?: string; error?: string } {
  try {
    const parsed = JSON.parse(stdout) as { Dir?: unknown; Error?: unknown };
    return {
      ...(typeof parsed.Dir === 'string' ? { dir: parsed.Dir } : {}),
      ...(typeof parsed.Error === 'string' ? { error: parsed.Error } : {}),
    };
  } catch {
    return {};
  }
}

/** Copies a folder of the module cache (read-only files and folders) as a tree we may change and remove. */
async function copyWritable(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
  await chmod(to, 0o755);
  for (const entry of await readdir(to, { recursive: true, withFileTypes: true })) {
    await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
