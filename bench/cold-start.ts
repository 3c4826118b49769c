import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SigningKeys } from '../emulator/keys.js';
import { Stack } from '../emulator/stack.js';
import type { ColdStartMilestones } from './cold-start-child.js';
import type { Results } from './lib/report.js';
import { median, ms, summarize } from './lib/stats.js';

const CHILD = fileURLToPath(new URL('./cold-start-child.js', import.meta.url));
const SECTION = 'cold start';

interface ChildRun extends ColdStartMilestones {
  /** From spawn() in the parent to the child's line arriving. */
  spawnToCredentialsMs: number;
}

/** spawn → exit of `node -e ''`: the floor of any Node process's start. */
function bareNodeStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

function runChild(): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const spawned = performance.now();
    const child = spawn(process.execPath, [CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let result: ChildRun | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0 && !result) {
        const arrived = performance.now();
        result = { ...(JSON.parse(out.slice(0, newline)) as ColdStartMilestones), spawnToCredentialsMs: arrived - spawned };
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`cold-start child exited with ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

export async function coldStart(results: Results, log: (line: string) => void, runs = 5): Promise<void> {
  log(`Fresh \`node\` process → Stack.start() → load an app → guest GetId + GetCredentialsForIdentity (through the transport), ${runs} times:`);
  const children: ChildRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await runChild();
    children.push(run);
    log(`  run ${i + 1}: credentials ${ms(run.spawnToCredentialsMs)} after spawn (node+imports ${ms(run.importedMs)}, Stack.start ${ms(run.stackStartMs)} of which MinIO ${ms(run.minioStartupMs)}, app load ${ms(run.appLoadedMs - run.stackReadyMs)}, first credentials ${ms(run.credentialsMs - run.appLoadedMs)})`);
  }
  const pick = (f: (r: ChildRun) => number) => median(children.map(f));

  log(`Stack.start() in this process, ${runs} times:`);
  const inProcess: number[] = [];
  const minio: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const stack = await Stack.start();
    inProcess.push(performance.now() - started);
    minio.push(stack.minio.startupMs);
    await stack.close();
    log(`  run ${i + 1}: ${ms(inProcess.at(-1)!)} (MinIO ${ms(minio.at(-1)!)})`);
  }

  // What the parts cost on their own: a bare `node` start, and the user pools' RSA key generation
  // (not in a cold start to guest credentials: the key is made when a pool with users is loaded).
  const bareNode: number[] = [];
  for (let i = 0; i < runs; i++) bareNode.push(await bareNodeStart());
  const keygen: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await SigningKeys.generate('RS256').ready();
    keygen.push(performance.now() - started);
  }
  log(`  for attribution: a bare \`node -e ''\` start ${ms(median(bareNode))}, the emulator's RSA-2048 key generation ${keygen.map(ms).join(', ')} (median ${ms(median(keygen))})`);

  const target = { below: 1500 };
  results.add({ section: SECTION, name: 'Cold start: process spawn → first guest credentials, median of 5', value: pick((r) => r.spawnToCredentialsMs), unit: 'ms', target });
  results.add({ section: SECTION, name: 'Stack.start() in a fresh process, median of 5', value: pick((r) => r.stackStartMs), unit: 'ms', target });
  results.add({ section: SECTION, name: 'Stack.start() in-process (warm module cache), median of 5', value: median(inProcess), unit: 'ms', target });
  results.add({ section: SECTION, name: 'MinIO spawn → healthy, median of in-process starts', value: median(minio), unit: 'ms' });
  results.add({ section: SECTION, name: 'User-pool RSA-2048 key generation (made when a pool with users loads, not at start), median', value: median(keygen), unit: 'ms' });
  results.add({ section: SECTION, name: 'Fresh process: node start + module loading, median', value: pick((r) => r.importedMs), unit: 'ms', display: `${ms(pick((r) => r.importedMs))} (bare node ${ms(median(bareNode))})` });
  results.data.coldStart = { children, inProcessStackStartMs: inProcess, minioStartupMs: minio, inProcessSummary: summarize(inProcess), bareNodeStartMs: bareNode, keyGenerationMs: keygen };

  const breakdown = [
    ['node start + module loading', pick((r) => r.importedMs)],
    ['↳ of which a bare `node -e \'\'` start', median(bareNode)],
    ['Stack.start(): port bound, MinIO spawned; the emulator\'s modules, EC keys and routes while it boots; MinIO ready', pick((r) => r.stackStartMs)],
    ['↳ of which MinIO spawn → healthy', pick((r) => r.minioStartupMs)],
    ['stack.load(app): canned policies, bucket', pick((r) => r.appLoadedMs - r.stackReadyMs)],
    ['first GetId + GetCredentialsForIdentity (incl. SDK client set-up)', pick((r) => r.credentialsMs - r.appLoadedMs)],
    ['total from spawn (parent clock)', pick((r) => r.spawnToCredentialsMs)],
  ] as const;
  results.section('Cold start', [
    `Medians of ${runs} fresh processes (each part is its own median, so the parts need not add up exactly).`,
    '',
    '| step | median |',
    '|---|---|',
    ...breakdown.map(([step, value]) => `| ${step} | ${ms(value)} |`),
    '',
    `In-process \`Stack.start()\` (modules already loaded): ${inProcess.map(ms).join(', ')}; median ${ms(median(inProcess))}.`,
  ].join('\n'));
}
