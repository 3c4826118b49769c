import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadScenarioFiles } from '../harness/scenario/load-many.js';
import type { BenchContext } from './lib/context.js';
import { repoRoot } from './lib/machine.js';
import { ensureMoto, startMoto } from './lib/moto.js';
import { scenarioOnMoto } from './lib/moto-scenarios.js';
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
      const role = pid === child.pid ? 'ase (node, incl. client worker threads)' : p.name === 'minio' ? 'minio' : p.cmd.includes('watchdog') ? 'watchdog (node)' : p.name;
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

/** The same generated suite on moto: its pools and users, the credentials it vends, each case's S3 call. */
interface MotoRun {
  totalMs: number;
  casesPerSecond: number;
  peakMiB: number;
  expectedDenials: number;
  enforcedDenials: number;
}

async function runOnMoto(bin: string, files: string[]): Promise<MotoRun> {
  const loaded = await loadScenarioFiles(files);
  if (loaded.errors.length > 0) throw new Error(`generated scenarios did not load:\n${loaded.errors.join('\n')}`);
  const started = performance.now();
  const moto = await startMoto(bin);
  let peakKiB = 0;
  const sample = () => { for (const pid of [moto.pid, ...descendants(moto.pid)]) peakKiB = Math.max(peakKiB, peakOf(pid)?.peakKiB ?? 0); };
  const timer = setInterval(sample, 200);
  let cases = 0;
  let expectedDenials = 0;
  let enforcedDenials = 0;
  try {
    for (const [seq, scenario] of loaded.scenarios.entries()) {
      for (const c of await scenarioOnMoto(moto, scenario, seq)) {
        cases++;
        if (c.expected === 'deny') {
          expectedDenials++;
          if (c.moto === 'deny') enforcedDenials++;
        }
      }
    }
    sample();
  } finally {
    clearInterval(timer);
    await moto.stop();
  }
  const totalMs = performance.now() - started;
  return { totalMs, casesPerSecond: cases / (totalMs / 1000), peakMiB: peakKiB / 1024, expectedDenials, enforcedDenials };
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
  // BENCH_SCALE < 1 (a quick trial) shrinks the two largest suites; the labels say what ran.
  const largest = Math.max(2000, Math.round(10_000 * Math.min(1, ctx.scale)));
  const most = Math.max(20, Math.round(100 * Math.min(1, ctx.scale)));
  const shapes: Array<SuiteShape & { label: string }> = [
    { label: '100 cases', scenarios: 1, casesPerScenario: 100, actors: 2 },
    { label: '1,000 cases', scenarios: 1, casesPerScenario: 1000, actors: 2 },
    { label: `${largest.toLocaleString('en-US')} cases`, scenarios: 1, casesPerScenario: largest, actors: 2 },
    { label: '10 scenarios', scenarios: 10, casesPerScenario: 10, actors: 2 },
    { label: `${most} scenarios`, scenarios: most, casesPerScenario: 10, actors: 2 },
  ];
  // The peer, on the same generated files in the same run (unless BENCH_SKIP_MOTO).
  const moto = process.env.BENCH_SKIP_MOTO ? { available: false as const, reason: 'BENCH_SKIP_MOTO is set' } : await ensureMoto(join(repoRoot, 'bench', '.venv'), log);
  if (!moto.available) log(`  moto not available (${moto.reason}): growth is measured without its peer`);
  const runs: Array<GrowthRun & { label: string; moto?: MotoRun }> = [];
  for (const shape of shapes) {
    const dir = await mkdtemp(join(tmpdir(), 'ase-bench-growth-'));
    try {
      const files = await writeScenarioSet(dir, shape, `grow${runs.length}`);
      const run: GrowthRun & { label: string; moto?: MotoRun } = { ...(await runCli(dir, shape)), label: shape.label };
      if (moto.available) run.moto = await runOnMoto(moto.bin, files);
      runs.push(run);
      const peer = run.moto ? `; moto ${run.moto.casesPerSecond.toFixed(1)} cases/s, peak ${mib(run.moto.peakMiB)}, ${run.moto.enforcedDenials} of ${run.moto.expectedDenials} denials enforced` : '';
      log(`  ${shape.label.padEnd(14)} ${String(run.cases).padStart(6)} cases: ${ms(run.totalMs).padStart(8)} → ${run.casesPerSecond.toFixed(1)} cases/s; peak ${run.processes.map((p) => `${p.role.split(' ')[0]} ${mib(p.peakMiB)}`).join(', ')}; ${run.passed} passed, ${run.failed} failed${peer}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const byLabel = (l: string) => runs.find((r) => r.label === l)!;
  const [c100, c1k, c10k, s10, s100] = shapes.map((shape) => byLabel(shape.label)) as [typeof runs[0], typeof runs[0], typeof runs[0], typeof runs[0], typeof runs[0]];
  const ASE = 'ase (node, incl. client worker threads)';
  for (const r of runs) {
    const peer = r.moto ? ` (moto ${r.moto.casesPerSecond.toFixed(1)} cases/s, ours/moto ×${(r.casesPerSecond / r.moto.casesPerSecond).toFixed(2)}; moto enforced ${r.moto.enforcedDenials} of ${r.moto.expectedDenials} denials)` : '';
    results.add({
      section: SECTION, name: `Growth: ${r.label} (${r.scenarios} × ${r.casesPerScenario} cases, 2 users each), start incl.`, value: r.casesPerSecond, unit: 'cases/s',
      display: `${r.casesPerSecond.toFixed(1)} cases/s${peer}`,
    });
    results.add({
      section: SECTION, name: `Growth: ${r.label}, peak memory of every process`, value: peakFor(r, ASE), unit: 'MiB',
      display: `${r.processes.map((p) => `${p.role.split(' ')[0]} ${mib(p.peakMiB)}`).join(', ')}${r.moto ? ` (moto ${mib(r.moto.peakMiB)})` : ''}`,
    });
  }
  // Flat per case: what each further case costs, start-up and sign-ins (paid once) taken out:
  // the marginal rate from 1,000 to 10,000 cases against the one from 100 to 1,000.
  const marginal = (a: GrowthRun, b: GrowthRun) => (b.cases - a.cases) / ((b.totalMs - a.totalMs) / 1000);
  const rateSmall = marginal(c100, c1k);
  const rateLarge = marginal(c1k, c10k);
  results.add({
    section: SECTION, name: `Growth: cases/s per further case, 100 → 1,000 ÷ 1,000 → ${c10k.label} (flat per case: ≤ ×1.25)`, value: rateSmall / rateLarge, unit: 'ratio',
    target: { below: 1.25, orEqual: true }, display: `×${(rateSmall / rateLarge).toFixed(2)} (${rateSmall.toFixed(1)} → ${rateLarge.toFixed(1)} cases/s)`,
  });
  const perScenario = (s100.totalMs - s10.totalMs) / (s100.scenarios - s10.scenarios);
  const aseMiBPerScenario = (peakFor(s100, ASE) - peakFor(s10, ASE)) / (s100.scenarios - s10.scenarios);
  results.add({
    section: SECTION, name: `Growth: each further scenario (10 cases, 2 users), 10 → ${s100.label}`, value: perScenario, unit: 'ms',
    display: `${ms(perScenario)} and ${aseMiBPerScenario.toFixed(2)} MiB of ase peak memory per scenario${s10.moto && s100.moto ? ` (moto ${ms((s100.moto.totalMs - s10.moto.totalMs) / (s100.scenarios - s10.scenarios))})` : ''}`,
  });
  const perK = (r: GrowthRun) => (peakFor(r, ASE) - peakFor(c100, ASE)) / ((r.cases - c100.cases) / 1000);
  const growth1k = perK(c1k);
  const growth10k = perK(c10k);
  results.add({
    section: SECTION, name: `Growth: ase peak memory added per 1,000 cases, 1,000 → ${c10k.label} (flat: ≤ the 100 → 1,000 figure + 1 MiB)`, value: growth10k, unit: 'MiB',
    target: { below: Math.max(growth1k, 0) + 1, orEqual: true }, display: `${growth10k.toFixed(1)} MiB per 1,000 cases (100 → 1,000: ${growth1k.toFixed(1)} MiB)`,
  });
  const minioPerK = (peakFor(c10k, 'minio') - peakFor(c1k, 'minio')) / ((c10k.cases - c1k.cases) / 1000);
  results.add({
    section: SECTION, name: `Growth: MinIO peak memory added per 1,000 cases, 1,000 → ${c10k.label}`, value: minioPerK, unit: 'MiB',
    display: `${minioPerK.toFixed(1)} MiB per 1,000 cases${c1k.moto && c10k.moto ? ` (moto ${((c10k.moto.peakMiB - c1k.moto.peakMiB) / ((c10k.cases - c1k.cases) / 1000)).toFixed(1)} MiB)` : ''}`,
  });
  results.data.growth = runs;
  const roles = [...new Set(runs.flatMap((r) => r.processes.map((p) => p.role)))].sort();
  const withMoto = runs.some((r) => r.moto);
  results.section('Suite growth', [
    '`ase test <folder>` in a child process, Stack.start() included, on generated scenarios (blocks of five cases: the owner uploads, downloads, lists and removes under `private/{identity}/`, another user is refused). Peak memory is each process\'s VmHWM, sampled every 200 ms.'
      + (withMoto ? ' The peer: the same files on a fresh moto_server (start included), each actor with the credentials moto vends it (USER_PASSWORD_AUTH: the real client\'s SRP fails on moto) and each case one @aws-sdk S3 call; moto enforces none of the denials.' : ''),
    '',
    table(['suite', 'scenarios × cases', 'time', 'cases/s', ...roles.map((r) => `peak: ${r}`), 'passed', 'failed', ...(withMoto ? ['moto time', 'moto cases/s', 'moto peak', 'moto denials enforced'] : [])], runs.map((r) => [
      r.label, `${r.scenarios} × ${r.casesPerScenario}`, ms(r.totalMs), r.casesPerSecond.toFixed(1), ...roles.map((role) => mib(peakFor(r, role))), String(r.passed), String(r.failed),
      ...(withMoto ? (r.moto ? [ms(r.moto.totalMs), r.moto.casesPerSecond.toFixed(1), mib(r.moto.peakMiB), `${r.moto.enforcedDenials} of ${r.moto.expectedDenials}`] : ['—', '—', '—', '—']) : []),
    ])),
  ].join('\n'));
  return runs;
}
