import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './lib/context.js';
import { descendants } from './lib/processes.js';
import { table } from './lib/report.js';
import { ms } from './lib/stats.js';
import { writeScenarioSet, type SuiteShape } from './suite.js';

const SECTION = 'suite growth';
const CLI = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

interface ProcessPeak {
  /** `ase (node)`, `watchdog (node)`, `minio`. */
  role: string;
  pid: number;
  /** Peak resident set (VmHWM), MiB. */
  peakMiB: number;
}

export interface GrowthRun extends SuiteShape {
  cases: number;
  totalMs: number;
  casesPerSecond: number;
  passed: number;
  failed: number;
  processes: ProcessPeak[];
}

function peakOf(pid: number): { name: string; cmd: string; peakKiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return { name: /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '?', cmd, peakKiB: Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

/** Runs `ase test <dir>` in a child process and samples the peak memory of it and every process under it. */
async function runCli(dir: string, shape: SuiteShape): Promise<GrowthRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'test', dir, '--reporter', 'json', '--out', join(dir, 'out', 'results.json')], {
    env: { ...process.env, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const peaks = new Map<number, ProcessPeak>();
  const sample = () => {
    for (const pid of [child.pid!, ...descendants(child.pid!)]) {
      const p = peakOf(pid);
      if (!p) continue;
      const role = pid === child.pid ? 'ase (node, incl. client worker threads)' : p.name === 'minio' ? 'minio' : p.cmd.includes('-e') ? 'watchdog (node)' : p.name;
      const mib = p.peakKiB / 1024;
      const prev = peaks.get(pid);
      if (!prev || mib > prev.peakMiB) peaks.set(pid, { role, pid, peakMiB: mib });
    }
  };
  const timer = setInterval(sample, 200);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(timer);
  const totalMs = performance.now() - started;
  const last = out.trim().split('\n').at(-1) ?? '';
  const m = /^(\d+) passed, (\d+) failed$/.exec(last);
  if (!m) throw new Error(`ase test exited ${code} without its last line: ${err.trim().split('\n').slice(-3).join(' | ')}`);
  const cases = shape.scenarios * shape.casesPerScenario;
  return {
    ...shape, cases, totalMs, casesPerSecond: cases / (totalMs / 1000), passed: Number(m[1]), failed: Number(m[2]),
    processes: [...peaks.values()].sort((a, b) => a.role.localeCompare(b.role)),
  };
}

const mib = (n: number) => `${n.toFixed(0)} MiB`;
const peakFor = (r: GrowthRun, role: string) => r.processes.filter((p) => p.role === role).reduce((a, p) => Math.max(a, p.peakMiB), 0);

/**
 * Suite growth through the CLI, start included (`ase test <folder>` in a child process): one
 * scenario of 100, 1,000 and 10,000 cases, and 10 and 100 scenarios of 10 cases; cases/s and the
 * peak memory of every process (the CLI with its client worker threads, MinIO's watchdog, MinIO).
 */
export async function suiteGrowth(ctx: BenchContext): Promise<GrowthRun[]> {
  const { log, results } = ctx;
  const shapes: Array<SuiteShape & { label: string }> = [
    { label: '100 cases', scenarios: 1, casesPerScenario: 100, actors: 2 },
    { label: '1,000 cases', scenarios: 1, casesPerScenario: 1000, actors: 2 },
    { label: '10,000 cases', scenarios: 1, casesPerScenario: Math.max(1000, Math.round(10_000 * Math.min(1, ctx.scale))), actors: 2 },
    { label: '10 scenarios', scenarios: 10, casesPerScenario: 10, actors: 2 },
    { label: '100 scenarios', scenarios: 100, casesPerScenario: 10, actors: 2 },
  ];
  const runs: Array<GrowthRun & { label: string }> = [];
  for (const shape of shapes) {
    const dir = await mkdtemp(join(tmpdir(), 'ase-bench-growth-'));
    try {
      await writeScenarioSet(dir, shape, `grow${runs.length}`);
      const run = { ...(await runCli(dir, shape)), label: shape.label };
      runs.push(run);
      log(`  ${shape.label.padEnd(14)} ${String(run.cases).padStart(6)} cases: ${ms(run.totalMs).padStart(8)} → ${run.casesPerSecond.toFixed(1)} cases/s; peak ${run.processes.map((p) => `${p.role.split(' ')[0]} ${mib(p.peakMiB)}`).join(', ')}; ${run.passed} passed, ${run.failed} failed`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const byLabel = (l: string) => runs.find((r) => r.label === l)!;
  const [c100, c1k, c10k] = [byLabel('100 cases'), byLabel('1,000 cases'), byLabel('10,000 cases')];
  for (const r of runs) {
    results.add({
      section: SECTION, name: `Growth: ${r.label} (${r.scenarios} × ${r.casesPerScenario} cases, 2 users each), start incl.`, value: r.casesPerSecond, unit: 'cases/s',
      display: `${r.casesPerSecond.toFixed(1)} cases/s; peak ase ${mib(peakFor(r, 'ase (node, incl. client worker threads)'))}, minio ${mib(peakFor(r, 'minio'))}`,
    });
  }
  // Flat per case: the 10,000-case run's cases/s and memory against the 1,000-case run's.
  const slowdown = c1k.casesPerSecond / c10k.casesPerSecond;
  results.add({ section: SECTION, name: 'Growth: cases/s at 1,000 ÷ at 10,000 cases (flat per case: ≤ ×1.25)', value: slowdown, unit: 'ratio', target: { below: 1.25, orEqual: true } });
  const perK = (r: GrowthRun) => (peakFor(r, 'ase (node, incl. client worker threads)') - peakFor(c100, 'ase (node, incl. client worker threads)')) / ((r.cases - c100.cases) / 1000);
  const growth1k = perK(c1k);
  const growth10k = perK(c10k);
  results.add({
    section: SECTION, name: 'Growth: ase peak memory added per 1,000 cases, 1,000 → 10,000 cases (flat: ≤ the 100 → 1,000 figure + 1 MiB)', value: growth10k, unit: 'MiB',
    target: { below: Math.max(growth1k, 0) + 1, orEqual: true }, display: `${growth10k.toFixed(1)} MiB per 1,000 cases (100 → 1,000: ${growth1k.toFixed(1)} MiB)`,
  });
  results.data.growth = runs;
  const roles = [...new Set(runs.flatMap((r) => r.processes.map((p) => p.role)))].sort();
  results.section('Suite growth', [
    '`ase test <folder>` in a child process, Stack.start() included, on generated scenarios (blocks of five cases: the owner uploads, downloads, lists and removes under `private/{identity}/`, another user is refused). Peak memory is each process\'s VmHWM, sampled every 200 ms.',
    '',
    table(['suite', 'scenarios × cases', 'time', 'cases/s', ...roles.map((r) => `peak: ${r}`), 'passed', 'failed'], runs.map((r) => [
      r.label, `${r.scenarios} × ${r.casesPerScenario}`, ms(r.totalMs), r.casesPerSecond.toFixed(1), ...roles.map((role) => mib(peakFor(r, role))), String(r.passed), String(r.failed),
    ])),
  ].join('\n'));
  return runs;
}
