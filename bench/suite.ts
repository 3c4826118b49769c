import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Stack } from '../emulator/stack.js';
import { runScenarios } from '../harness/runner/run.js';
import { loadScenarioFiles } from '../harness/scenario/load-many.js';
import { scenarioYaml } from './lib/app.js';
import type { BenchContext } from './lib/context.js';
import type { Reporter } from '../harness/reporters/types.js';
import { table } from './lib/report.js';
import { ms } from './lib/stats.js';

const SECTION = 'suite throughput';

export interface SuiteShape {
  scenarios: number;
  casesPerScenario: number;
  /** Signed-in users per scenario (the guest comes on top). */
  actors: number;
}

export interface SuiteRun extends SuiteShape {
  concurrency: number;
  cases: number;
  signIns: number;
  passed: number;
  failed: number;
  /** Loading the files and running them (plus Stack.start() where `includesStart`). */
  totalMs: number;
  startMs?: number;
  includesStart: boolean;
  casesPerSecond: number;
  /** Per scenario, from its start to its first case's result: app load, sign-ins, first credentials. */
  setupMsPerScenario: number;
  /** Mean time of a case's Storage call (the case's own durationMs). */
  caseMs: number;
  /** Per case, everything else: expectations, the role lookup, worker messages, teardown. */
  overheadMsPerCase: number;
}

/**
 * Cases in blocks of five, every one with a definite expectation: the owner writes, reads back,
 * lists and deletes under private/{identity}/, and the next user is refused the owner's file.
 */
function cases(count: number, users: string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let k = 0; out.length < count; k++) {
    const owner = users[k % users.length]!;
    const other = users[(k + 1) % users.length]!;
    const file = `private/{identity}/f${k}.txt`;
    const block = [
      { as: owner, op: 'upload', path: file, body: `body ${k}`, expect: 'allow' },
      { as: owner, op: 'download', path: file, expect: { outcome: 'allow', body: `body ${k}` } },
      { as: other, op: 'download', path: `private/{identity:${owner}}/f${k}.txt`, expect: 'deny' },
      { as: owner, op: 'list', path: 'private/{identity}/', expect: 'allow' },
      { as: owner, op: 'remove', path: file, expect: 'allow' },
    ];
    out.push(...block.slice(0, count - out.length));
  }
  return out;
}

/** Writes the scenario files of one shape into `dir`; returns their paths. */
export async function writeScenarioSet(dir: string, shape: SuiteShape, tag: string): Promise<string[]> {
  const users = Array.from({ length: shape.actors }, (_, i) => `user${i}`);
  const files: string[] = [];
  for (let s = 0; s < shape.scenarios; s++) {
    const file = join(dir, `${tag}-${s}.yaml`);
    await writeFile(file, scenarioYaml({
      name: `bench ${tag} #${s}`,
      bucketName: `ase-bench-${tag}-${s}`,
      users,
      cases: cases(shape.casesPerScenario, users),
    }));
    files.push(file);
  }
  return files;
}

/** Times each scenario's set-up (start → first case result) and its cases, from the runner's events. */
function breakdownReporter(): { reporter: Reporter; totals: () => { setupMs: number; casesMs: number; scenarioMs: number; scenarios: number } } {
  const startedAt = new Map<string, number>();
  const setup = new Map<string, number>();
  let casesMs = 0;
  let scenarioMs = 0;
  let scenarios = 0;
  const reporter: Reporter = {
    name: 'bench-breakdown',
    onScenarioStart: (info) => { startedAt.set(info.file, performance.now()); },
    onCaseResult: (result) => {
      casesMs += result.durationMs;
      if (!setup.has(result.file)) setup.set(result.file, performance.now() - startedAt.get(result.file)! - result.durationMs);
    },
    onScenarioEnd: (result) => { scenarioMs += result.durationMs; scenarios++; },
  };
  return { reporter, totals: () => ({ setupMs: [...setup.values()].reduce((a, b) => a + b, 0), casesMs, scenarioMs, scenarios }) };
}

async function runSet(dir: string, shape: SuiteShape, tag: string, concurrency: number, stack: Stack | undefined): Promise<SuiteRun> {
  const files = await writeScenarioSet(dir, shape, tag);
  const started = performance.now();
  let startMs: number | undefined;
  let own: Stack | undefined;
  if (!stack) {
    own = await Stack.start();
    startMs = performance.now() - started;
  }
  try {
    const loaded = await loadScenarioFiles(files);
    if (loaded.errors.length > 0) throw new Error(`generated scenarios did not load:\n${loaded.errors.join('\n')}`);
    const { reporter, totals } = breakdownReporter();
    const summary = await runScenarios(loaded.scenarios, { stack: (stack ?? own)!, concurrency, reporter });
    const totalMs = performance.now() - started;
    const cases = shape.scenarios * shape.casesPerScenario;
    const t = totals();
    return {
      ...shape, concurrency, cases, signIns: shape.scenarios * shape.actors,
      passed: summary.passed, failed: summary.failed, totalMs,
      ...(startMs !== undefined ? { startMs } : {}),
      includesStart: !stack,
      casesPerSecond: cases / (totalMs / 1000),
      setupMsPerScenario: t.setupMs / Math.max(1, t.scenarios),
      caseMs: t.casesMs / cases,
      overheadMsPerCase: (t.scenarioMs - t.setupMs - t.casesMs) / cases,
    };
  } finally {
    if (own) await own.close();
  }
}

const shapeText = (s: SuiteShape) => `${s.scenarios}×${s.casesPerScenario}×${s.actors}`;

export async function suiteThroughput(ctx: BenchContext): Promise<SuiteRun[]> {
  const { log, results } = ctx;
  const dir = await mkdtemp(join(tmpdir(), 'ase-bench-suite-'));
  const runs: SuiteRun[] = [];
  try {
    log('Generated scenario files (YAML in a temp dir, loaded with loadScenarioFiles, run with runScenarios, default threads).');
    log('Stack.start() included, concurrency 2 (the runner\'s default here: one per core):');
    const headline: SuiteRun[] = [];
    for (const casesPerScenario of [100, 1000]) {
      const run = await runSet(dir, { scenarios: 1, casesPerScenario, actors: 2 }, `h${casesPerScenario}`, 2, undefined);
      headline.push(run);
      log(`  ${run.cases} cases (1 scenario, 2 users): ${ms(run.totalMs)} incl. start ${ms(run.startMs ?? 0)} → ${run.casesPerSecond.toFixed(1)} cases/s; ${run.passed} passed, ${run.failed} failed`);
    }
    runs.push(...headline);

    log('On the running stack (start excluded): scenarios × cases per scenario × users per scenario; concurrency 2 only where there are scenarios to overlap:');
    const shapes: SuiteShape[] = [
      { scenarios: 1, casesPerScenario: 100, actors: 2 },
      { scenarios: 1, casesPerScenario: 1000, actors: 2 },
      { scenarios: 10, casesPerScenario: 100, actors: 2 },
      { scenarios: 10, casesPerScenario: 100, actors: 10 },
    ];
    const grid: SuiteRun[] = [];
    for (const shape of shapes) {
      for (const concurrency of shape.scenarios > 1 ? [1, 2] : [1]) {
        const run = await runSet(dir, shape, `g${grid.length}`, concurrency, ctx.stack);
        grid.push(run);
        log(`  ${shapeText(shape).padEnd(10)} c=${concurrency}: ${ms(run.totalMs).padStart(8)} · ${String(run.signIns).padStart(3)} sign-ins · ${(run.totalMs / run.cases).toFixed(2)} ms/case · ${run.casesPerSecond.toFixed(1)} cases/s · set-up ${ms(run.setupMsPerScenario)}/scenario, Storage call ${ms(run.caseMs)}/case, rest ${ms(run.overheadMsPerCase)}/case · ${run.passed} passed, ${run.failed} failed`);
      }
    }
    runs.push(...grid);

    const [h100, h1000] = headline as [SuiteRun, SuiteRun];
    results.add({ section: SECTION, name: '100 cases incl. Stack.start() (1 scenario, 2 users)', value: h100.totalMs, unit: 'ms', target: { below: 5000 }, display: `${ms(h100.totalMs)} (${h100.casesPerSecond.toFixed(1)} cases/s)` });
    results.add({ section: SECTION, name: '1,000 cases incl. Stack.start() (1 scenario, 2 users)', value: h1000.casesPerSecond, unit: 'cases/s', display: `${h1000.casesPerSecond.toFixed(1)} cases/s (${ms(h1000.totalMs)})` });
    const c1 = grid.filter((r) => r.concurrency === 1);
    const bigAt = (concurrency: number) => grid.find((r) => r.scenarios === 10 && r.actors === 10 && r.concurrency === concurrency)!;
    const [big1, big2] = [bigAt(1), bigAt(2)];
    const setupShare = (big1.setupMsPerScenario * big1.scenarios) / big1.totalMs;
    results.add({
      section: SECTION,
      name: 'Suite: 10 scenarios × 100 cases × 10 users (100 sign-ins), concurrency 1 → 2',
      value: big2.totalMs,
      unit: 'ms',
      display: `${ms(big1.totalMs)} → ${ms(big2.totalMs)}; scenario set-up (mostly SRP sign-ins) ${(setupShare * 100).toFixed(0)}% of the time at c=1`,
    });
    results.data.suite = { runs };
    log(`  per case at c=1: ${c1.map((r) => `${shapeText(r)} ${(r.totalMs / r.cases).toFixed(2)} ms`).join(', ')}`);

    results.section('Suite throughput', [
      'Generated scenarios: each block of five cases has the owner upload, download, list and remove under `private/{identity}/` and another user refused the owner\'s file. Every user signs in once per scenario with the real client\'s SRP (in the runner\'s worker threads).',
      '',
      table(['cases', 'incl. start', 'total', 'of which Stack.start()', 'cases/s', 'passed', 'failed'], headline.map((r) => [
        String(r.cases), 'yes', ms(r.totalMs), ms(r.startMs ?? 0), r.casesPerSecond.toFixed(1), String(r.passed), String(r.failed),
      ])),
      '',
      'On the running stack (start excluded). Set-up per scenario is from the scenario\'s start to its first case result (app load, every user\'s SRP sign-in, first credentials); "Storage call" is the case\'s own duration; "rest" is the remainder per case (expectations, role lookup, worker messages, teardown).',
      '',
      table(['scenarios×cases×users', 'concurrency', 'cases', 'sign-ins', 'time', 'time / first row', 'ms per case', 'cases/s', 'set-up per scenario', 'Storage call per case', 'rest per case', 'passed', 'failed'], grid.map((r) => [
        shapeText(r), String(r.concurrency), String(r.cases), String(r.signIns), ms(r.totalMs),
        `×${(r.totalMs / grid[0]!.totalMs).toFixed(2)}`, (r.totalMs / r.cases).toFixed(2), r.casesPerSecond.toFixed(1),
        ms(r.setupMsPerScenario), ms(r.caseMs), ms(r.overheadMsPerCase), String(r.passed), String(r.failed),
      ])),
      '',
      'Time grows with cases (Storage call + rest per case) and with sign-ins (in the set-up); neither cost depends on how many cases or scenarios came before.',
    ].join('\n'));
    return runs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
