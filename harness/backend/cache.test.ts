import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentEntry, evictEntries, fileDigest, META_FILE, type CacheMeta } from './cache.js';

const scratch = mkdtempSync(join(tmpdir(), 'ase-synth-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function entry(cacheDir: string, name: string, usedSecondsAgo: number, imports: CacheMeta['imports'] = []): string {
  const dir = join(cacheDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), '{}');
  const meta: CacheMeta = { backendFile: '/app/amplify/backend.ts', context: {}, packages: {}, createdAt: new Date().toISOString(), imports };
  writeFileSync(join(dir, META_FILE), JSON.stringify(meta));
  const t = new Date(Date.now() - usedSecondsAgo * 1000);
  utimesSync(join(dir, META_FILE), t, t);
  return dir;
}

describe('the synthesis cache', () => {
  it('keeps the N most recently used entries and removes the others (and leaves other files alone)', async () => {
    const cacheDir = join(scratch, 'evict');
    const names = ['a', 'b', 'c', 'd'].map((c) => c.repeat(32));
    names.forEach((n, i) => entry(cacheDir, n, 100 * (i + 1)));
    mkdirSync(join(cacheDir, '.tmp-ase-synth-x'));
    // A hit marks an entry as used: the oldest one, used now, survives.
    expect(currentEntry(join(cacheDir, names[3]!))).toBeDefined();
    const removed = await evictEntries(cacheDir, 2);
    expect(removed.map((d) => d.slice(cacheDir.length + 1)).sort()).toEqual([names[1], names[2]]);
    expect(readdirSync(cacheDir).sort()).toEqual(['.tmp-ase-synth-x', names[0], names[3]]);
  });

  it('is current only while every file the backend imported from outside amplify/ is unchanged', () => {
    const cacheDir = join(scratch, 'imports');
    const shared = join(scratch, 'shared.ts');
    writeFileSync(shared, 'export const A = 1;\n');
    const dir = entry(cacheDir, 'e'.repeat(32), 0, [{ path: shared, sha256: fileDigest(shared)! }]);
    expect(currentEntry(dir)).toBeDefined();
    writeFileSync(shared, 'export const A = 2;\n');
    expect(currentEntry(dir)).toBeUndefined();
    rmSync(shared);
    expect(currentEntry(dir)).toBeUndefined();
  });
});
