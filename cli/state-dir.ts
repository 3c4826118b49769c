import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where `ase up` keeps what a developer (or a script) needs from a running stack and must not be
 * world-readable: `.ase/` in the working directory (git-ignored here; add it to your app's
 * .gitignore too), or `--state-dir`. Created 0700; secret files inside are 0600.
 */
export const DEFAULT_STATE_DIR = '.ase';

export async function ensureStateDir(dir: string): Promise<string> {
  const resolved = path.resolve(dir);
  await mkdir(resolved, { recursive: true, mode: 0o700 });
  await chmod(resolved, 0o700);
  return resolved;
}

/** Writes `text` readable by the owner only (0600), also when the file already existed. */
export async function writeSecretFile(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** A JSON state file, or `fallback` when it is missing or unreadable (it is then rewritten whole). */
export async function readStateJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

export async function removeStateFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
