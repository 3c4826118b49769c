/**
 * Finding a MinIO server binary without building one: `MINIO_BINARY`, then `minio` on PATH, then
 * the per-user cache. Building it when there is none is build.ts; `ase doctor`'s diagnosis is
 * cli/commands/doctor-minio.ts.
 */
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { MINIO_VERSION, minioBuildName } from './version.js';

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

export const BINARY_NAME = process.platform === 'win32' ? 'minio.exe' : 'minio';

/** No MinIO binary could be found or built. The message says how to fix it. */
export class MinioNotFoundError extends Error {
  override name = 'MinioNotFoundError';
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

/** `${XDG_CACHE_HOME:-~/.cache}/amplify-storage-emulator/minio/<version>-stripped-lazy-checksum` (see {@link minioBuildName}) */
export function minioCacheDir(options: LocateOptions = {}): string {
  return join(userCacheDir(options.env ?? process.env), 'minio', minioBuildName(options.version ?? MINIO_VERSION));
}

/** The path the cached binary for `options.version` has (whether or not it exists). */
export function cachedMinioPath(options: LocateOptions = {}): string {
  return join(minioCacheDir(options), BINARY_NAME);
}

export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the PATH of `env`, then in `extra` folders. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<string | undefined> {
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
