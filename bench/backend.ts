/**
 * Reading the backend: how long synthesizing the fixture app (test/fixtures/amplify-app) takes cold,
 * cached, and per further backend in one child process, against loading and running the same
 * docs scenario from a scenario file (hand-copied policies) and from the backend.
 */
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { synthesizeBackend, synthesizeBackends } from '../harness/backend/index.js';
import { runScenarios } from '../harness/runner/run.js';
import { loadScenarioFiles } from '../harness/scenario/load-many.js';
import type { BenchContext } from './lib/context.js';
import { repoRoot } from './lib/machine.js';
import { table } from './lib/report.js';
import { median, ms } from './lib/stats.js';

const SECTION = 'backend';

export async function backendSynthesis(ctx: BenchContext): Promise<void> {
  const { results, log, stack } = ctx;
  const app = join(repoRoot, 'test/fixtures/amplify-app');
  const work = await mkdtemp(join(tmpdir(), 'ase-bench-backend-'));
  try {
    // Cold: a fresh cache each time (a CI machine, or a changed backend).
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await synthesizeBackend(app, { cacheDir: join(work, `cold-${i}`) });
      cold.push(r.durationMs);
      log(`cold synthesis ${i + 1}: ${ms(r.durationMs)}`);
    }
    const cacheDir = join(work, 'cache');
    await synthesizeBackend(app, { cacheDir });
    const cached: number[] = [];
    for (let i = 0; i < 20; i++) cached.push((await synthesizeBackend(app, { cacheDir })).durationMs);
    log(`cached: ${ms(median(cached))}`);

    // Many backends (a parity corpus): four copies with their own names, in one child process.
    const copies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const dir = join(work, `copy-${i}`);
      await cp(app, dir, { recursive: true });
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `bench-copy-${i}`, type: 'module' }));
      await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
      copies.push(dir);
    }
    const batchStarted = performance.now();
    const batch = await synthesizeBackends(copies, { cacheDir: join(work, 'batch'), concurrency: 1 });
    const batchMs = performance.now() - batchStarted;
    const perFurther = batch.slice(1).map((b) => b.backend?.durationMs ?? Number.NaN);
    log(`4 backends in one child: ${ms(batchMs)} (first ${ms(batch[0]?.backend?.durationMs ?? Number.NaN)}, then ${perFurther.map(ms).join(', ')})`);

    // The same docs scenario, from its file and from the backend (cached).
    const docs = join(repoRoot, 'scenarios/docs-examples/owners.yaml');
    const data = parse(await readFile(docs, 'utf8')) as Record<string, unknown>;
    delete data['policies'];
    const fromBackend = join(work, 'owners-from-backend.yaml');
    await writeFile(fromBackend, stringify({ version: 1, backend: app, ...data }));
    const timeLoad = async (file: string) => {
      const started = performance.now();
      const loaded = await loadScenarioFiles([file], { synthesize: { cacheDir } });
      if (loaded.errors.length) throw new Error(loaded.errors.join('\n'));
      return { ms: performance.now() - started, scenarios: loaded.scenarios };
    };
    const timeRun = async (file: string) => {
      const { ms: loadMs, scenarios } = await timeLoad(file);
      const started = performance.now();
      const summary = await runScenarios(scenarios, { stack, concurrency: 1 });
      return { loadMs, runMs: performance.now() - started, failed: summary.failed, cases: summary.passed + summary.failed };
    };
    await timeRun(docs); // warm the client and the stack
    const fileRuns = [await timeRun(docs), await timeRun(docs), await timeRun(docs)];
    const backendRuns = [await timeRun(fromBackend), await timeRun(fromBackend), await timeRun(fromBackend)];
    const loadFile = median(fileRuns.map((r) => r.loadMs));
    const loadBackend = median(backendRuns.map((r) => r.loadMs));
    const runFile = median(fileRuns.map((r) => r.runMs));
    const runBackend = median(backendRuns.map((r) => r.runMs));

    results.add({ section: SECTION, name: 'Synthesize the fixture app (amplify/backend.ts), cold cache, median of 3', value: median(cold), unit: 'ms' });
    results.add({ section: SECTION, name: 'Synthesize the fixture app, cached (hash of its files), median of 20', value: median(cached), unit: 'ms' });
    results.add({ section: SECTION, name: 'Each further backend in the same child process (batch of 4), median', value: median(perFurther), unit: 'ms' });
    results.add({ section: SECTION, name: 'Load docs owners scenario from its file (hand-copied policies), median of 3', value: loadFile, unit: 'ms' });
    results.add({ section: SECTION, name: 'Load the same scenario from the backend (cached assembly, client-config outputs), median of 3', value: loadBackend, unit: 'ms' });
    results.add({ section: SECTION, name: 'Run its 11 cases, policies from the file / from the backend, medians of 3', value: runBackend, unit: 'ms', display: `${ms(runFile)} / ${ms(runBackend)}` });
    results.section('Backend: synthesis against a scenario file', table(['figure', 'scenario file', 'backend'], [
      ['synthesize (cold / cached)', '—', `${ms(median(cold))} / ${ms(median(cached))}`],
      ['load the scenario', ms(loadFile), ms(loadBackend)],
      ['run its cases', ms(runFile), ms(runBackend)],
      ['cases failed', String(fileRuns[0]!.failed), String(backendRuns[0]!.failed)],
    ]));
    log(`load: file ${ms(loadFile)}, backend ${ms(loadBackend)}; run: file ${ms(runFile)}, backend ${ms(runBackend)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
