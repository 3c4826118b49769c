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
      // tsx (the backend synthesizer's TypeScript loader) keeps its compile cache in tsx-<uid> on
      // purpose, to reuse it on the next run: a cache, not a leftover.
      left = readdirSync(dir).filter((name) => !/^tsx-\d+$/.test(name));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (left.length > 0) {
      throw new Error(`tests left ${left.length} temporary ${left.length === 1 ? 'entry' : 'entries'} behind: ${left.join(', ')}`);
    }
  };
}
