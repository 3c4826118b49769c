import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Watches folders (and, recursively, whole trees) and reports the paths that changed, a short
 * while after the last event of a burst: editors save with several writes or a write and a
 * rename. Folders, not files, are watched, so a file replaced by a rename is still seen.
 */
export class ChangeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly onChange: (paths: string[]) => void,
    private readonly settleMs = 25,
  ) {}

  /** Watches exactly these folders (`recursive` ones with everything below them); stops watching any others. */
  setFolders(folders: Iterable<{ path: string; recursive: boolean }>): void {
    if (this.closed) return;
    const wanted = new Map<string, boolean>();
    for (const f of folders) wanted.set(f.path, (wanted.get(f.path) ?? false) || f.recursive);
    for (const [key, w] of this.watchers) {
      const [dir, mode] = splitKey(key);
      if (wanted.get(dir) !== (mode === 'r')) {
        w.close();
        this.watchers.delete(key);
      }
    }
    for (const [dir, recursive] of wanted) {
      const key = `${recursive ? 'r' : 'f'}:${dir}`;
      if (this.watchers.has(key)) continue;
      try {
        const w = watch(dir, { recursive, persistent: true }, (_event, name) => {
          this.record(name ? path.join(dir, name.toString()) : dir);
        });
        w.on('error', () => {
          w.close();
          this.watchers.delete(key);
        });
        this.watchers.set(key, w);
      } catch {
        // The folder is gone (or unreadable); it is watched again when it is named again.
      }
    }
  }

  private record(changed: string): void {
    if (this.closed) return;
    this.pending.add(changed);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = [...this.pending];
      this.pending = new Set();
      this.onChange(paths);
    }, this.settleMs);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

function splitKey(key: string): [string, string] {
  return [key.slice(2), key[0]!];
}
