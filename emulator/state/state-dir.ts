import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IdentityPoolStore } from '../cognito-identity/store.js';
import type { UserPoolStore } from '../cognito-idp/store.js';
import {
  emptyState, parseState, restoreIdentities, restoreUserPool, saveIdentities, saveUserPool, type SavedState,
} from './snapshot.js';

const STATE_FILE = 'emulator-state.json';
const SAVE_DELAY_MS = 100;

/**
 * A folder that keeps the stack's state across restarts (`ase up --data-dir`): `emulator-state.json`
 * (user pools' users and groups, identity pools' identities) and `minio/` (MinIO's data, when the
 * stack starts MinIO). One emulator per folder at a time.
 *
 * The state file is rewritten shortly after every request that may have changed something, and
 * on close; writes go to a temporary file renamed into place, so a crash leaves the previous
 * complete state, never a torn one.
 */
export class StateDir {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Pools loaded in this run, whose live state replaces what the file had. */
  private readonly live = { userPools: new Set<string>(), identityPools: new Set<string>() };

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
    if (savedPool && pool) restoreUserPool(pool, savedPool);
    const savedIdentities = this.state.identityPools[identityPoolId];
    if (savedIdentities) restoreIdentities(this.stores.identityPools, identityPoolId, savedIdentities);
    this.live.userPools.add(userPoolId);
    this.live.identityPools.add(identityPoolId);
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
      if (pool) this.state.userPools[id] = saveUserPool(pool);
    }
    for (const id of this.live.identityPools) {
      if (this.stores.identityPools.findPool(id)) this.state.identityPools[id] = saveIdentities(this.stores.identityPools, id);
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
