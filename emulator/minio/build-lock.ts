/**
 * The files by which processes on one machine (vitest workers, parallel `ase` runs) share one
 * MinIO build in a cache folder: `.build.lock`, held by the process that builds, and
 * `.build-error.json`, where it leaves the reason its build failed for those waiting.
 *
 * Not proper-lockfile: its lock is a bare directory judged by its mtime alone, so a lock whose
 * holder died (its pid gone, on this host) blocks the others until the mtime is `stale` old, and it
 * is taken over silently (no holder to name). This lock is a file naming its holder (pid, host, a
 * nonce), taken over at once when that pid is dead on this host; a heartbeat keeps its mtime fresh
 * for waiters on other hosts or in other pid namespaces, which judge it by age.
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './process.js';

const LOCK_FILE = '.build.lock';
const ERROR_FILE = '.build-error.json';
const HEARTBEAT_MS = 5_000;

/** What the lock file says about the process holding it. */
export interface LockHolder {
  pid: number;
  host: string;
  nonce: string;
  since: number;
}

/** A failed build, as the holder recorded it. */
export interface BuildFailure {
  at: number;
  message: string;
  tail?: string[];
}

/** The lock of one cache folder. */
export class BuildLock {
  private readonly lockPath: string;
  private readonly errorPath: string;

  constructor(dir: string) {
    this.lockPath = join(dir, LOCK_FILE);
    this.errorPath = join(dir, ERROR_FILE);
  }

  /** Takes the lock, or returns undefined when another process holds it. */
  async tryTake(): Promise<{ release(): Promise<void> } | undefined> {
    const lockPath = this.lockPath;
    const info: LockHolder = { pid: process.pid, host: hostname(), nonce: randomUUID(), since: Date.now() };
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
        const current = await readJson<LockHolder>(lockPath);
        if (current?.nonce === info.nonce) await unlink(lockPath).catch(() => {});
      },
    };
  }

  /** Who holds the lock (undefined: nobody, or unreadable). */
  holder(): Promise<LockHolder | undefined> {
    return readJson<LockHolder>(this.lockPath);
  }

  /**
   * Whether the lock, held by `holder` as read, is stale: no sign of life for `staleMs`, a holder
   * on this host that is dead, or a lock file still unreadable after 5 s.
   */
  async isStale(holder: LockHolder | undefined, staleMs: number): Promise<boolean> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(this.lockPath)).mtimeMs;
    } catch {
      return false; // gone: the caller's next look will see the build or take the lock
    }
    if (Date.now() - mtimeMs > staleMs) return true;
    if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
      // Dead holder on this host. Allow for the short window between open('wx') and writing.
      return true;
    }
    if (!holder && Date.now() - mtimeMs > 5_000) return true; // written but unreadable for 5 s
    return false;
  }

  /** Removes a stale lock (held by `judged` as read) without removing a fresh one that replaced it in the meantime. */
  async break(judged: LockHolder | undefined): Promise<void> {
    const aside = `${this.lockPath}.stale-${randomUUID()}`;
    try {
      await rename(this.lockPath, aside);
    } catch {
      return; // someone else broke it first
    }
    const moved = await readJson<LockHolder>(aside);
    if (judged && moved && moved.nonce !== judged.nonce) {
      // We moved a fresh lock: put it back unless yet another one exists.
      await link(aside, this.lockPath).catch(() => {});
    }
    await unlink(aside).catch(() => {});
  }

  /** For the holder: its build failed (best effort: the holder's own caller gets the error anyway). */
  async recordFailure(failure: BuildFailure): Promise<void> {
    await writeFile(this.errorPath, JSON.stringify(failure)).catch(() => {});
  }

  /** For the holder, before it builds: no failure of an earlier build is left for waiters to see. */
  async clearFailure(): Promise<void> {
    await rm(this.errorPath, { force: true });
  }

  /** For a waiter: the failure the holder recorded at or after `since`, if any. */
  async failureSince(since: number): Promise<BuildFailure | undefined> {
    const failure = await readJson<BuildFailure>(this.errorPath);
    return failure && failure.at >= since ? failure : undefined;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
