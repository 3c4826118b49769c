import path from 'node:path';
import type { RunShard } from '../results.js';

/** One slice of a run: shard `index` (1-based) of `count`, as in `--shard 2/4`. */
export type Shard = RunShard;

/** Parses `i/n` (1 ≤ i ≤ n). Throws a message a person can act on. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard takes i/n, e.g. --shard 2/4 (shard 2 of 4), not '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new Error(`--shard ${text}: the number of shards must be at least 1`);
  if (index < 1 || index > count) throw new Error(`--shard ${text}: the shard number must be between 1 and ${count}`);
  return { index, count };
}

export interface ShardItem {
  file: string;
  /** How many cases the file runs (after --derive and --filter): what balancing weighs. */
  cases: number;
}

/**
 * Splits files into `count` shards with about the same number of cases each, the same way on
 * every machine: heaviest files first (ties by path relative to `cwd`, so checkouts in different
 * folders agree), each to the shard with the fewest cases so far (ties: the lowest shard).
 * Returns, per shard, its files in their original order.
 */
export function assignShards<T extends ShardItem>(items: readonly T[], count: number, cwd = process.cwd()): T[][] {
  const key = (item: T) => path.relative(cwd, item.file).split(path.sep).join('/');
  const order = [...items].sort((a, b) => b.cases - a.cases || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const shards: T[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  const files = new Array<number>(count).fill(0);
  for (const item of order) {
    let best = 0;
    for (let i = 1; i < count; i++) {
      // Fewest cases; among equals, fewest files (so empty files spread too); then the lowest index.
      if (load[i]! < load[best]! || (load[i] === load[best] && files[i]! < files[best]!)) best = i;
    }
    shards[best]!.push(item);
    load[best]! += item.cases;
    files[best]!++;
  }
  const position = new Map(items.map((item, i) => [item, i]));
  return shards.map((s) => s.sort((a, b) => position.get(a)! - position.get(b)!));
}

/** The items of one shard. */
export function selectShard<T extends ShardItem>(items: readonly T[], shard: Shard, cwd?: string): T[] {
  return assignShards(items, shard.count, cwd)[shard.index - 1]!;
}
