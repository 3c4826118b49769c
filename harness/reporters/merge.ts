import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunShard, RunSummary, ScenarioResult } from '../results.js';
import { scenarioKey } from './format.js';
import type { Reporter } from './types.js';

/** The json reporter's file name: what `merge-reports` looks for in a folder. */
export const RESULTS_FILE = 'results.json';

/** Results that cannot be merged (not a results file, the same scenario twice, mixed shard counts). */
export class MergeError extends Error {
  override name = 'MergeError';
}

export interface RunResultsFile {
  /** Where it was read from (absolute). */
  source: string;
  summary: RunSummary;
}

/**
 * Finds the results files an argument names: a `.json` file as is; a folder's own results.json,
 * or else every results.json below it (as CI artifact downloads lay them out, one folder each).
 */
export async function findResultsFiles(args: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const found: string[] = [];
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new MergeError(`${arg}: no such file or folder`);
    if (info.isFile()) {
      found.push(abs);
      continue;
    }
    const own = path.join(abs, RESULTS_FILE);
    if (await stat(own).then((s) => s.isFile(), () => false)) {
      found.push(own);
      continue;
    }
    const below = await walkFor(abs, RESULTS_FILE);
    if (below.length === 0) throw new MergeError(`${arg}: no ${RESULTS_FILE} in this folder or below it (write one with ase test --reporter json --out <folder>)`);
    found.push(...below.sort());
  }
  return [...new Set(found)];
}

/** Every file called `name` below `dir`, skipping node_modules and dot folders (and not following symbolic links). */
async function walkFor(dir: string, name: string): Promise<string[]> {
  const { glob } = await import('tinyglobby'); // loaded by merge-reports only, not by every import of the package
  return glob(`**/${name}`, { cwd: dir, absolute: true, dot: false, ignore: ['**/node_modules/**'], followSymbolicLinks: false });
}

/** Reads a results.json written by the json reporter, checking it is one. */
export async function readRunResults(file: string): Promise<RunResultsFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new MergeError(`${file}: not JSON (${(e as Error).message}); expected the json reporter's ${RESULTS_FILE}`);
  }
  const s = parsed as Partial<RunSummary> | null;
  const looksRight = s !== null && typeof s === 'object' && Array.isArray(s.scenarios) && typeof s.passed === 'number'
    && typeof s.failed === 'number' && typeof s.startedAt === 'string'
    && s.scenarios.every((x) => x && typeof x.file === 'string' && typeof x.name === 'string' && Array.isArray(x.cases));
  if (!looksRight) throw new MergeError(`${file}: not an ase results file (the json reporter's ${RESULTS_FILE}: startedAt, passed, failed, scenarios[])`);
  return { source: file, summary: s as RunSummary };
}

export interface MergedRun {
  summary: RunSummary;
  /** Problems that make the merged result incomplete (a shard missing): the merge fails with them. */
  problems: string[];
}

const byFileThenName = (a: ScenarioResult, b: ScenarioResult): number =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Joins the results of several runs (the shards of one run) into the summary one run over all
 * their files would have produced: scenarios in file order, counts added up, started at the
 * earliest start and lasting until the last shard ended. Throws when two inputs hold the same
 * scenario or disagree on the number of shards; reports missing shards as problems.
 */
export function mergeRunSummaries(inputs: readonly RunResultsFile[]): MergedRun {
  if (inputs.length === 0) throw new MergeError('nothing to merge: name at least one results file or folder');
  const seen = new Map<string, string>();
  const scenarios: ScenarioResult[] = [];
  for (const { source, summary } of inputs) {
    for (const s of summary.scenarios) {
      const key = scenarioKey(s);
      const other = seen.get(key);
      if (other !== undefined) {
        throw new MergeError(`scenario "${s.name}" (${s.file}) is in both ${other} and ${source}: merge the shards of one run, each once`);
      }
      seen.set(key, source);
      scenarios.push(s);
    }
  }
  scenarios.sort(byFileThenName);

  const problems: string[] = [];
  const marked = inputs.filter((i) => i.summary.shard);
  const shards: RunShard[] = [];
  if (marked.length > 0) {
    const counts = new Set(marked.map((i) => i.summary.shard!.count));
    if (counts.size > 1) {
      throw new MergeError(`the results come from runs split differently (${[...counts].sort((a, b) => a - b).map((n) => `into ${n}`).join(', ')} shards): ${marked.map((i) => `${i.source} is ${i.summary.shard!.index}/${i.summary.shard!.count}`).join('; ')}`);
    }
    const count = [...counts][0]!;
    const byIndex = new Map<number, string>();
    for (const i of marked) {
      const { index } = i.summary.shard!;
      const other = byIndex.get(index);
      if (other !== undefined) throw new MergeError(`shard ${index}/${count} is there twice: ${other} and ${i.source}`);
      byIndex.set(index, i.source);
    }
    const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !byIndex.has(k));
    if (missing.length > 0) {
      problems.push(`${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((k) => `${k}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: the merged report covers ${byIndex.size} of ${count} shards`);
    }
    shards.push(...[...byIndex.keys()].sort((a, b) => a - b).map((index) => ({ index, count })));
  }

  const starts = inputs.map((i) => Date.parse(i.summary.startedAt)).filter(Number.isFinite);
  const ends = inputs.map((i) => Date.parse(i.summary.startedAt) + (i.summary.durationMs ?? 0)).filter(Number.isFinite);
  const start = starts.length > 0 ? Math.min(...starts) : Date.now();
  const summary: RunSummary = {
    scenarios,
    passed: inputs.reduce((n, i) => n + i.summary.passed, 0),
    failed: inputs.reduce((n, i) => n + i.summary.failed, 0),
    errored: inputs.reduce((n, i) => n + (i.summary.errored ?? 0), 0),
    durationMs: ends.length > 0 ? Math.max(...ends) - start : 0,
    startedAt: new Date(start).toISOString(),
    ...(shards.length > 0 ? { shards } : {}),
  };
  return { summary, problems };
}

/**
 * Sends a finished run to reporters as the runner would have, event by event, so every reporter
 * (the console one included) writes what it would have written during that run.
 */
export async function replayRun(summary: RunSummary, reporter: Reporter): Promise<string[]> {
  await reporter.onRunStart?.({ files: summary.scenarios.map((s) => s.file), startedAt: summary.startedAt });
  for (const s of summary.scenarios) {
    await reporter.onScenarioStart?.({
      name: s.name,
      file: s.file,
      caseCount: s.cases.length,
    });
    for (const c of s.cases) await reporter.onCaseResult?.(c);
    await reporter.onScenarioEnd?.(s);
  }
  return (await reporter.onRunEnd?.(summary)) ?? [];
}
