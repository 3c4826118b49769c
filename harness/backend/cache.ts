/**
 * The synthesized-assembly cache: one folder per key (the backend's files, package.json, lockfile,
 * tsconfig, context, versions), holding the cloud assembly and a meta file that lists the files
 * backend.ts imported from outside amplify/ with their digests. An entry is current while those
 * files are unchanged; the newest entries (by last use) are kept, the others removed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const META_FILE = 'ase-synth.json';
/** How many assemblies the cache keeps by default (about 150 kB each for a small app). */
export const DEFAULT_CACHE_ENTRIES = 32;
const ENTRY_NAME = /^[0-9a-f]{32}$/;

export interface CacheMeta {
  backendFile: string;
  context: Record<string, string>;
  packages: Record<string, string>;
  createdAt: string;
  /** Files outside amplify/ that the backend imported, with their sha256 when synthesized. */
  imports: Array<{ path: string; sha256: string }>;
}

export function fileDigest(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

function readMeta(dir: string): CacheMeta | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as CacheMeta;
  } catch {
    return undefined;
  }
}

/** A finished entry whose imported files are all as they were; marked as just used. */
export function currentEntry(dir: string): CacheMeta | undefined {
  if (!existsSync(join(dir, 'manifest.json'))) return undefined;
  const meta = readMeta(dir);
  if (!meta || !Array.isArray(meta.imports)) return undefined;
  if (meta.imports.some((f) => fileDigest(f.path) !== f.sha256)) return undefined;
  const now = new Date();
  try {
    utimesSync(join(dir, META_FILE), now, now);
  } catch {
    // Removed meanwhile by another process's eviction: still readable for this run.
  }
  return meta;
}

/** Moves a finished assembly (`outDir`) into its entry, replacing a stale one. */
export async function storeEntry(outDir: string, entryDir: string, meta: CacheMeta): Promise<void> {
  await writeFile(join(outDir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  if (existsSync(entryDir)) {
    // Another process stored the same assembly meanwhile: theirs is as good as ours.
    if (currentEntry(entryDir)) return;
    // Stale (a file backend.ts imports changed since): out of the way first, in one rename.
    const stale = `${entryDir}.stale-${randomUUID()}`;
    await rename(entryDir, stale).catch(() => undefined);
    await rm(stale, { recursive: true, force: true });
  }
  try {
    await rename(outDir, entryDir);
  } catch (e) {
    if (!currentEntry(entryDir)) throw e;
  }
}

/** Keeps the `keep` most recently used entries of `cacheDir`, removing the others. Returns the removed ones. */
export async function evictEntries(cacheDir: string, keep: number): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(cacheDir).filter((n) => ENTRY_NAME.test(n));
  } catch {
    return [];
  }
  const used = (name: string): number => {
    try {
      return statSync(join(cacheDir, name, META_FILE)).mtimeMs;
    } catch {
      return 0; // unfinished or broken: first to go
    }
  };
  const byUse = names.map((n) => ({ n, t: used(n) })).sort((a, b) => b.t - a.t);
  const removed = byUse.slice(Math.max(0, keep)).map((e) => join(cacheDir, e.n));
  await Promise.all(removed.map((dir) => rm(dir, { recursive: true, force: true })));
  return removed;
}
