import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { IdentityPoolStore } from '../cognito-identity/store.js';
import type { UserPoolStore } from '../cognito-idp/store.js';
import type { BucketCors } from '../s3-cors/rules.js';
import type { BucketCorsStore } from '../s3-cors/store.js';
import {
  emptyState, parseState, restoreIdentities, restoreUserPool, saveIdentities, saveUserPool, type SavedState,
} from './snapshot.js';

const STATE_FILE = 'emulator-state.json';
const SAVE_DELAY_MS = 100;

/**
 * A folder that keeps the stack's state across restarts (`ase up --data-dir`): `emulator-state.json`
 * (user pools' users, groups and sign-ins, identity pools' identities, buckets' CORS; mode 0600),
 * `signing-keys.json` (keys-file.ts) and `minio/` (MinIO's data, when the stack starts MinIO).
 * One emulator per folder at a time.
 *
 * The state file is rewritten shortly after every request that may have changed something, and
 * on close; writes go to a temporary file renamed into place, so a crash leaves the previous
 * complete state, never a torn one.
 */
export class StateDir {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Pools loaded in this run, whose live state replaces what the file had. */
  private readonly live = { userPools: new Set<string>(), identityPools: new Set<string>(), buckets: new Map<string, BucketCors>() };
  private cors: BucketCorsStore | undefined;

  private constructor(
    readonly dir: string,
    private state: SavedState,
    private readonly stores: { userPools: UserPoolStore; identityPools: IdentityPoolStore },
  ) {}

  static async open(dir: string, stores: { userPools: UserPoolStore; identityPools: IdentityPoolStore }): Promise<StateDir> {
    const root = path.resolve(dir);
    await mkdir(root, { recursive: true });
    const file = path.join(root, STATE_FILE);
    let state = emptyState();
    try {
      state = parseState(await readFile(file, 'utf8'), file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return new StateDir(root, state, stores);
  }

  /** Where the stack's own MinIO keeps its data. */
  get minioDataDir(): string {
    return path.join(this.dir, 'minio');
  }

  get file(): string {
    return path.join(this.dir, STATE_FILE);
  }

  /** After an app's pools are loaded from config: puts back what an earlier run left. */
  restore(userPoolId: string, identityPoolId: string): void {
    const savedPool = this.state.userPools[userPoolId];
    const pool = this.stores.userPools.findPool(userPoolId);
    if (savedPool && pool) restoreUserPool(pool, savedPool, this.stores.userPools);
    const savedIdentities = this.state.identityPools[identityPoolId];
    if (savedIdentities) restoreIdentities(this.stores.identityPools, identityPoolId, savedIdentities);
    this.live.userPools.add(userPoolId);
    this.live.identityPools.add(identityPoolId);
    this.scheduleSave();
  }

  /**
   * After an app's buckets are given the CORS its file says (`configured`): puts back what a
   * PutBucketCors or DeleteBucketCors of an earlier run left, unless the file's CORS changed since
   * (then the file wins, as a fresh load would have it). Later changes are saved as they happen.
   */
  restoreBucketCors(store: BucketCorsStore, configured: Array<[bucketName: string, cors: BucketCors]>): void {
    if (!this.cors) {
      this.cors = store;
      store.onChange((bucket) => { if (this.live.buckets.has(bucket)) this.scheduleSave(); });
    }
    for (const [bucket, cors] of configured) {
      const saved = this.state.bucketCors?.[bucket];
      this.live.buckets.set(bucket, cors);
      if (saved && isDeepStrictEqual(saved.configured, cors) && !isDeepStrictEqual(saved.current, cors)) store.set(bucket, saved.current);
    }
    this.scheduleSave();
  }

  /** Saves soon (many changes in a burst cost one write). */
  scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes the state now (after any write in flight). */
  save(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const next = this.writing.then(() => this.write(), () => this.write());
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    for (const id of this.live.userPools) {
      const pool = this.stores.userPools.findPool(id);
      if (pool) this.state.userPools[id] = saveUserPool(pool, this.stores.userPools);
    }
    for (const id of this.live.identityPools) {
      if (this.stores.identityPools.findPool(id)) this.state.identityPools[id] = saveIdentities(this.stores.identityPools, id);
    }
    for (const [bucket, configured] of this.live.buckets) {
      const current = this.cors?.get(bucket);
      if (current === undefined) continue; // unloaded in this run: keep what the file had
      (this.state.bucketCors ??= {})[bucket] = { configured, current };
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
