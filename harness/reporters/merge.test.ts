import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../results.js';
import { createReporters } from './index.js';
import { renderJson } from './json.js';
import { findResultsFiles, MergeError, mergeRunSummaries, readRunResults, replayRun, type RunResultsFile } from './merge.js';
import { SAMPLE_CWD, sampleRunSummary } from './sample.js';

/** The sample run as the runner now reports it: scenarios in file order, each with its actors and default bucket. */
function wholeRun(): RunSummary {
  const summary = sampleRunSummary({ facts: true });
  summary.scenarios.sort((a, b) => (a.file < b.file ? -1 : 1));
  return summary;
}

/** The same run as shards: each shard's results as its json reporter wrote them (through JSON). */
function shardsOf(summary: RunSummary, assignment: number[][]): RunResultsFile[] {
  return assignment.map((indexes, k) => {
    const scenarios = indexes.map((i) => summary.scenarios[i]!);
    const cases = scenarios.flatMap((s) => s.cases);
    const errored = scenarios.filter((s) => s.error !== undefined).length;
    const shard: RunSummary = {
      scenarios,
      passed: cases.filter((c) => c.status === 'pass').length,
      failed: cases.filter((c) => c.status === 'fail').length + errored,
      errored,
      // Shards start a little apart; the last one ends when the whole run would have.
      startedAt: new Date(Date.parse(summary.startedAt) + k * 1000).toISOString(),
      durationMs: summary.durationMs - k * 1000,
      shard: { index: k + 1, count: assignment.length },
    };
    return { source: `/ci/shard-${k + 1}/results.json`, summary: JSON.parse(renderJson(shard)) as RunSummary };
  });
}

/** Every report the built-in reporters write for a run replayed through them, by reporter. */
async function reports(summary: RunSummary): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of ['pretty', 'junit', 'markdown', 'html', 'json'] as const) {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    // Without `out`, every reporter writes to the stream; html needs a file, so give it one.
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-merge-'));
    const options = name === 'html' ? { out: path.join(dir, 'report.html'), cwd: SAMPLE_CWD } : { stream, cwd: SAMPLE_CWD, color: false };
    const written = await replayRun(summary, createReporters([[name, options] as never]));
    if (name === 'html') text = (await import('node:fs')).readFileSync(written[0]!, 'utf8');
    await rm(dir, { recursive: true, force: true });
    out[name] = text;
  }
  return out;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('merge-reports', () => {
  it('joins shards into exactly the reports one run over all their files writes', async () => {
    const whole = wholeRun();
    const merged = mergeRunSummaries(shardsOf(whole, [[2], [0], [1]]));
    expect(merged.problems).toEqual([]);
    expect(merged.summary.shards).toEqual([{ index: 1, count: 3 }, { index: 2, count: 3 }, { index: 3, count: 3 }]);
    const { shards: _shards, ...withoutShards } = merged.summary;
    expect(withoutShards).toEqual(JSON.parse(renderJson(whole)));
    const [one, joined] = [await reports(whole), await reports(merged.summary)];
    for (const name of ['pretty', 'junit', 'markdown', 'html'] as const) {
      expect(joined[name]!.length, name).toBeGreaterThan(500);
      expect(joined[name], name).toBe(one[name]);
    }
    // The html matrix and junit properties need the actors: they survived the trip through JSON.
    expect(joined.html).toContain('editors');
    expect(joined.json).toContain('"shards"');
  });

  it('fails loudly on a missing shard, a shard twice, mixed shard counts and the same scenario twice', () => {
    const whole = wholeRun();
    const three = shardsOf(whole, [[0], [1], [2]]);
    expect(mergeRunSummaries([three[0]!, three[2]!]).problems).toEqual(['shard 2/3 is missing: the merged report covers 2 of 3 shards']);
    expect(() => mergeRunSummaries([three[0]!, three[0]!])).toThrow(MergeError);
    const two = shardsOf(whole, [[0, 1], [2]]);
    expect(() => mergeRunSummaries([three[0]!, two[1]!])).toThrow(/split differently \(into 2, into 3 shards\)/);
    const again = { ...three[1]!, summary: { ...three[1]!.summary, shard: { index: 2, count: 3 }, scenarios: [...three[1]!.summary.scenarios, ...three[0]!.summary.scenarios] } };
    expect(() => mergeRunSummaries([three[0]!, again, three[2]!])).toThrow(/is in both \/ci\/shard-1\/results\.json and \/ci\/shard-2\/results\.json/);
  });

  it('finds results.json in folders (as CI artifact downloads lay them out) and refuses other files', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ase-merge-find-'));
    dirs.push(root);
    const [a, b] = shardsOf(wholeRun(), [[0, 1], [2]]);
    await mkdir(path.join(root, 'reports-1'), { recursive: true });
    await mkdir(path.join(root, 'reports-2', 'nested'), { recursive: true });
    await writeFile(path.join(root, 'reports-1', 'results.json'), renderJson(a!.summary));
    await writeFile(path.join(root, 'reports-2', 'nested', 'results.json'), renderJson(b!.summary));
    await writeFile(path.join(root, 'junit.xml'), '<testsuites/>');
    const found = await findResultsFiles([root]);
    expect(found.map((f) => path.relative(root, f))).toEqual(['reports-1/results.json', 'reports-2/nested/results.json']);
    expect(await findResultsFiles([path.join(root, 'reports-1')])).toEqual([path.join(root, 'reports-1', 'results.json')]);
    await expect(readRunResults(path.join(root, 'junit.xml'))).rejects.toThrow(/not JSON/);
    await writeFile(path.join(root, 'other.json'), '{"hello": 1}');
    await expect(readRunResults(path.join(root, 'other.json'))).rejects.toThrow(/not an ase results file/);
    await expect(findResultsFiles([path.join(root, 'nope')])).rejects.toThrow(/no such file or folder/);
    const merged = mergeRunSummaries(await Promise.all(found.map((f) => readRunResults(f))));
    expect(merged.summary.scenarios).toHaveLength(3);
  });
});
