/**
 * vitest globalSetup: the whole suite runs with a TMPDIR of its own, and at the end whatever any
 * test left in it is named and fails the run (then removed). Tests must clean up after
 * themselves on every path, passed or failed; this is the check that they do.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-suite-tmp-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    let left: string[] = [];
    try {
      // Caches kept on purpose, to be reused by the next run, not leftovers: tsx's compile cache
      // (tsx-<uid>, the backend synthesizer's TypeScript loader) and Node's own module compile
      // cache (node-compile-cache, which tsc enables on Node >= 22 when a test runs it).
      left = readdirSync(dir).filter((name) => !/^tsx-\d+$/.test(name) && name !== 'node-compile-cache');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (left.length > 0) {
      // vitest 4 prints an error thrown here as "error during close" and still exits 0: set the
      // exit status, so that the run fails.
      console.error(`tests left ${left.length} temporary ${left.length === 1 ? 'entry' : 'entries'} behind: ${left.join(', ')}`);
      process.exitCode = 1;
    }
  };
}
