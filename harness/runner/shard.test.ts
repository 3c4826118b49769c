import { describe, expect, it } from 'vitest';
import { assignShards, parseShard, selectShard } from './shard.js';

const files = (counts: number[]) => counts.map((cases, i) => ({ file: `/repo/scenarios/s${String(i).padStart(2, '0')}.yaml`, cases }));

describe('--shard i/n', () => {
  it('parses i/n and refuses what is not a shard of n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    expect(() => parseShard('0/4')).toThrow(/between 1 and 4/);
    expect(() => parseShard('5/4')).toThrow(/between 1 and 4/);
    expect(() => parseShard('1/0')).toThrow(/at least 1/);
    expect(() => parseShard('two')).toThrow(/takes i\/n, e\.g\. --shard 2\/4/);
  });

  it('gives every file to exactly one shard, balanced by case count', () => {
    const items = files([40, 3, 3, 10, 12, 1, 30, 8, 8, 2, 25, 6]);
    const shards = assignShards(items, 4, '/repo');
    expect(shards.flat().map((f) => f.file).sort()).toEqual(items.map((f) => f.file).sort());
    const loads = shards.map((s) => s.reduce((n, f) => n + f.cases, 0));
    // 148 cases, one file of 40: the others share the rest evenly.
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(40);
    expect(loads).toEqual([40, 36, 36, 36]);
    // Each shard keeps the files in their given (sorted) order.
    for (const s of shards) expect(s.map((f) => f.file)).toEqual([...s.map((f) => f.file)].sort());
  });

  it('splits the same way whatever order the files come in and wherever the checkout is', () => {
    const items = files([5, 5, 5, 2, 2, 9, 0, 0]);
    const moved = items.map((f) => ({ ...f, file: f.file.replace('/repo/', '/home/runner/work/app/') }));
    const a = assignShards(items, 3, '/repo').map((s) => s.map((f) => f.file.slice('/repo/'.length)));
    const b = assignShards([...moved].reverse(), 3, '/home/runner/work/app').map((s) => s.map((f) => f.file.slice('/home/runner/work/app/'.length)).sort());
    expect(b).toEqual(a);
    expect(selectShard(items, { index: 2, count: 3 }, '/repo')).toEqual(assignShards(items, 3, '/repo')[1]);
  });

  it('spreads files without cases too, and leaves shards empty only when there are fewer files than shards', () => {
    expect(assignShards(files([0, 0, 0, 0]), 4, '/repo').map((s) => s.length)).toEqual([1, 1, 1, 1]);
    expect(assignShards(files([3, 1]), 4, '/repo').map((s) => s.length)).toEqual([1, 1, 0, 0]);
  });
});
