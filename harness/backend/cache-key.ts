import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, parse, relative, sep } from 'node:path';

/** Lockfiles, in the order package managers would pick them. */
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];

/** The nearest lockfile from `dir` upward (monorepos keep it at the workspace root), or undefined. */
export function findLockfile(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    for (const name of LOCKFILES) {
      const file = join(d, name);
      if (existsSync(file)) return file;
    }
    if (d === parse(d).root) return undefined;
  }
}

/** Every file of the backend folder, sorted, skipping node_modules and dot folders (.amplify, .git). */
export function backendFiles(amplifyDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
        walk(path);
      } else if (entry.isFile()) {
        out.push(path);
      }
    }
  };
  walk(amplifyDir);
  return out;
}

export interface CacheKeyInput {
  amplifyDir: string;
  appRoot: string;
  /** Anything else the assembly depends on: context values, package versions, the loader. */
  extra: Record<string, string>;
}

/**
 * A digest of what the assembly depends on: the backend folder's files (names and contents), the
 * app's package.json and tsconfig.json (its `paths` decide what an import resolves to), the
 * lockfile, and `extra`. Files the backend imports from outside its folder are checked by the
 * cache entry itself (harness/backend/cache.ts: their digests as of the synthesis).
 */
export function backendCacheKey(input: CacheKeyInput): string {
  const hash = createHash('sha256');
  const add = (label: string, content: string | Buffer) => {
    hash.update(`${label}\0${content.length}\0`);
    hash.update(content);
  };
  for (const file of backendFiles(input.amplifyDir)) {
    add(`file:${relative(input.amplifyDir, file).split(sep).join('/')}`, readFileSync(file));
  }
  const manifest = join(input.appRoot, 'package.json');
  if (existsSync(manifest)) add('package.json', readFileSync(manifest));
  const tsconfig = join(input.appRoot, 'tsconfig.json');
  if (existsSync(tsconfig)) add('tsconfig.json', readFileSync(tsconfig));
  const lockfile = findLockfile(input.appRoot);
  if (lockfile) add(`lockfile:${parse(lockfile).base}`, readFileSync(lockfile));
  for (const key of Object.keys(input.extra).sort()) add(`extra:${key}`, input.extra[key]!);
  return hash.digest('hex');
}
