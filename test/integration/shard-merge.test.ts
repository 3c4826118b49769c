/**
 * `ase test --shard i/n` and `ase merge-reports` as a CI matrix uses them: the same files run
 * whole and in two shards (each its own `ase test` process and stack), then the shards' json
 * results merged into the reports one run would have written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../index.js';
import { CliRuns, describeRun, fixture } from '../helpers/cli.js';

const FILES = ['harness/isolation-a.yaml', 'harness/isolation-b.yaml', 'harness/wrong-expectation.yaml', 'harness/list-paging.yaml'].map(fixture);
const root = mkdtempSync(path.join(tmpdir(), 'ase-test-shards-'));
const dir = (name: string) => path.join(root, name);
const readJson = (file: string): RunSummary => JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
/** What a case decided, by file and case index: what must not depend on how the run was split. */
const decisions = (s: RunSummary) => s.scenarios.flatMap((x) => x.cases.map((c) => `${path.basename(c.file)}#${c.index} ${c.status} ${c.observed.outcome}`)).sort();

/** Each `ase test` here starts a stack; on a busy machine that takes a while. */
const WAIT = 240_000;
const cli = new CliRuns(3);
beforeAll(() => {
  const slow = { timeoutMs: WAIT };
  cli.start('whole', ['test', ...FILES, '--reporter', 'json', '--out', `${dir('whole')}/`], slow);
  for (const i of [1, 2]) cli.start(`shard${i}`, ['test', ...FILES, '--shard', `${i}/2`, '--reporter', 'json', '--out', `${dir(`shards/reports-${i}`)}/`], slow);
  cli.start('empty', ['test', FILES[3]!, '--shard', '3/3', '--reporter', 'json', '--out', `${dir('empty')}/`], slow);
  cli.start('bad-shard', ['test', FILES[0]!, '--shard', '3/2'], slow);
});
afterAll(async () => {
  await cli.settle();
  rmSync(root, { recursive: true, force: true });
});

describe('ase test --shard', () => {
  it('runs each file in exactly one shard, and together the shards decide every case as one run does', async () => {
    const whole = await cli.get('whole');
    const shards = [await cli.get('shard1'), await cli.get('shard2')];
    expect(whole.code, describeRun(whole)).toBe(1); // wrong-expectation.yaml fails on purpose
    for (const run of [whole, ...shards]) expect(run.minioLeft, describeRun(run)).toEqual([]);
    const results = [1, 2].map((i) => readJson(dir(`shards/reports-${i}/results.json`)));
    const files = results.map((r) => r.scenarios.map((s) => path.basename(s.file)));
    expect(files.flat().sort()).toEqual(FILES.map((f) => path.basename(f)).sort());
    expect(files[0]!.some((f) => files[1]!.includes(f))).toBe(false);
    expect(results.map((r) => r.shard)).toEqual([{ index: 1, count: 2 }, { index: 2, count: 2 }]);
    // Balanced by cases: the two 11-case files go to different shards.
    expect(files.map((f) => f.filter((x) => x.startsWith('isolation')).length)).toEqual([1, 1]);
    expect([...decisions(results[0]!), ...decisions(results[1]!)].sort()).toEqual(decisions(readJson(dir('whole/results.json'))));
  }, WAIT);

  it('a shard with no files writes an empty report and exits 0; a shard beyond n is a usage error', async () => {
    const empty = await cli.get('empty');
    expect(empty.code, describeRun(empty)).toBe(0);
    expect(empty.stdout).toContain('Shard 3/3 got no scenario files (1 for 3 shards); nothing to run.');
    expect(readJson(dir('empty/results.json'))).toMatchObject({ scenarios: [], passed: 0, failed: 0, shard: { index: 3, count: 3 } });
    const bad = await cli.get('bad-shard');
    expect(bad.code, describeRun(bad)).toBe(2);
    expect(bad.stderr).toContain('--shard 3/2: the shard number must be between 1 and 2');
  }, WAIT);
});

describe('ase merge-reports', () => {
  it("joins the shards' results into one run's html, junit, markdown and json reports, with its exit status", async () => {
    await cli.get('shard1');
    await cli.get('shard2');
    const out = dir('merged');
    const run = await cli.start('merge', ['merge-reports', dir('shards'), '--reporter', 'pretty', '--reporter', 'json',
      '--reporter', 'junit', '--reporter', 'html', '--reporter', 'markdown', '--out', `${out}/`]);
    const whole = readJson(dir('whole/results.json'));
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toContain('Merging 2 results files (shards 1, 2 of 2)');
    expect(run.lastLine).toBe(`${whole.passed} passed, ${whole.failed} failed`);
    const merged = readJson(path.join(out, 'results.json'));
    expect(merged.shards).toEqual([{ index: 1, count: 2 }, { index: 2, count: 2 }]);
    expect(merged.scenarios.map((s) => s.file)).toEqual(whole.scenarios.map((s) => s.file));
    expect(decisions(merged)).toEqual(decisions(whole));
    expect(merged.scenarios.every((s) => s.actors && s.actors[0]?.name === 'guest')).toBe(true);
    for (const f of ['junit.xml', 'report.html', 'summary.md']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(new RegExp(`<testsuites [^>]*tests="${whole.passed + whole.failed}"`));
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('Fixture: isolation, app B');
  }, WAIT);

  it('fails, naming it, when a shard is missing', async () => {
    await cli.get('shard1');
    const run = await cli.start('merge-missing', ['merge-reports', dir('shards/reports-1'), '--reporter', 'json', '--out', `${dir('partial')}/`]);
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toContain('shard 2/2 is missing: the merged report covers 1 of 2 shards');
  }, WAIT);
});
