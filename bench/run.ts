/**
 * `npm run bench`: measures the stack and the harness against the direct path and a peer (moto),
 * in one run (tens of minutes: the suite growth module runs a 10,000-case suite). Prints figures as it goes, then one table (figure, value, target,
 * met?), and writes bench/results/latest.json and latest.md. It asserts nothing about timings.
 *
 * Environment: BENCH_SCALE (e.g. 0.2) scales iteration counts for a quick trial; BENCH_SKIP_MOTO
 * skips the peer; BENCH_PYTHON names the Python that makes moto's virtualenv (default python3);
 * BENCH_RECORD=1 writes the results into bench/results/ (otherwise into a temp folder, so the
 * working tree stays clean).
 */
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { ensureMinio } from '../emulator/minio/build.js';
import { Stack } from '../emulator/stack.js';
import { createStackDispatcher } from '../emulator/transport/node.js';
import { backendSynthesis } from './backend.js';
import { coldStart } from './cold-start.js';
import { quietSdk } from './lib/clients.js';
import type { BenchContext } from './lib/context.js';
import { describeMachine, repoRoot } from './lib/machine.js';
import { Results } from './lib/report.js';
import { median, ms } from './lib/stats.js';
import { TimingDispatcher } from './lib/timing-dispatcher.js';
import { operationOverhead } from './operations.js';
import { peerMoto, type OurFigures } from './peer-moto.js';
import { signInAndCredentials } from './sign-in.js';
import { suiteGrowth } from './growth.js';
import { suiteThroughput } from './suite.js';
import { watchLatency } from './watch.js';
import { whatIfTmpfs } from './what-if-tmpfs.js';
import { browserVersusNode } from './browser.js';

quietSdk();
const runStarted = performance.now();
const log = (line: string): void => console.log(line);
const heading = (title: string): void => console.log(`\n=== ${title} ===`);
const scale = Number(process.env.BENCH_SCALE ?? '1') || 1;
let failures = 0;

async function section<T>(results: Results, title: string, fn: () => Promise<T>): Promise<T | undefined> {
  heading(title);
  const started = performance.now();
  try {
    const value = await fn();
    log(`(${title}: ${ms(performance.now() - started)})`);
    return value;
  } catch (e) {
    failures++;
    const message = (e as Error).stack ?? String(e);
    log(`!! ${title} failed: ${message}`);
    results.note(`${title} failed: ${(e as Error).message}`);
    return undefined;
  }
}

const minio = await ensureMinio({ onProgress: log });
const results = new Results(describeMachine(minio.path));
heading('Machine');
for (const line of results.machineLines().filter((l) => !l.startsWith('moto'))) log(line);
const [load1] = results.machine.loadAverage.start;
if (load1 !== undefined && load1 > results.machine.cores / 2) {
  log(`Load average ${load1.toFixed(2)} on ${results.machine.cores} cores: other work is running, so figures will be noisy.`);
  results.note(`The machine was busy when the run started (load average ${load1.toFixed(2)} on ${results.machine.cores} cores); figures are noisier than on an idle machine.`);
}
if (scale !== 1) {
  log(`BENCH_SCALE=${scale}: iteration counts scaled`);
  results.note(`BENCH_SCALE=${scale}: iteration counts were scaled, so percentiles rest on fewer samples.`);
}

await section(results, '1. Cold start', () => coldStart(results, log));

const stack = await Stack.start();
const previousDispatcher = getGlobalDispatcher();
const timing = new TimingDispatcher(createStackDispatcher(stack.transportTargets));
setGlobalDispatcher(timing);
let cleanedUp = false;
const cleanUp = async () => {
  if (cleanedUp) return;
  cleanedUp = true;
  setGlobalDispatcher(previousDispatcher);
  await timing.close().catch(() => undefined);
  await stack.close();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping the stack (and moto, if running)`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const ctx: BenchContext = { results, log, stack, timing, scale };
const ours: OurFigures = {};
try {
  const coldStartData = results.data.coldStart as { inProcessStackStartMs?: number[] } | undefined;
  const inProcess = coldStartData?.inProcessStackStartMs;
  if (inProcess?.length) ours.stackStartMs = [...inProcess].sort((a, b) => a - b)[Math.ceil(inProcess.length / 2) - 1];
  const children = (results.data.coldStart as { children?: Array<{ spawnToCredentialsMs: number }> } | undefined)?.children;
  if (children?.length) ours.coldStartMs = median(children.map((c) => c.spawnToCredentialsMs));
  const signIn = await section(results, '2. Sign-in and credentials', () => signInAndCredentials(ctx));
  if (signIn) ours.signIn = signIn;
  const operations = await section(results, '3. Per-operation overhead: aws-amplify vs the direct path', () => operationOverhead(ctx));
  if (operations) ours.operations = operations;
  await section(results, '3b. What-if: MinIO data on tmpfs', () => whatIfTmpfs(ctx, ours));
  await section(results, '4. Suite throughput', () => suiteThroughput(ctx));
  await section(results, '4b. Suite growth (ase test in a child process)', () => suiteGrowth(ctx));
  await section(results, '4c. Watch re-run latency', () => watchLatency(ctx));
  await section(results, '5. Peer: moto (server mode)', () => peerMoto(ctx, ours));
  await section(results, '6. Backend: synthesis against a scenario file', () => backendSynthesis(ctx));
  await section(results, '7. Browser client vs Node client', () => browserVersusNode(ctx));
} finally {
  await cleanUp();
}

results.durationMs = performance.now() - runStarted;
results.machine.loadAverage.end = loadavg();
heading('Summary');
for (const line of results.machineLines()) log(line);
log('');
log(results.finalTable());
if (results.notes.length > 0) {
  log('');
  for (const note of results.notes) log(`note: ${note}`);
}
// The working tree stays clean unless the run is asked to record (BENCH_RECORD=1: bench/results/).
const record = Boolean(process.env.BENCH_RECORD);
const outDir = record ? join(repoRoot, 'bench', 'results') : await mkdtemp(join(tmpdir(), 'ase-bench-results-'));
const written = await results.write(outDir);
log(`\nWhole run: ${ms(results.durationMs)}. Wrote ${written.map((p) => (p.startsWith(repoRoot) ? p.slice(repoRoot.length + 1) : p)).join(' and ')}${record ? '' : ' (set BENCH_RECORD=1 to record into bench/results/)'}.`);
if (failures > 0) process.exitCode = 1;
