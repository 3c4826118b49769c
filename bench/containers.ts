/**
 * `npm run bench:containers`: the container figures, side by side with the child-process stack.
 *
 * - `docker compose up` → first credentials: from `up -d` to a user signed in with the real client
 *   and holding identity-pool credentials (docker/compose.yaml, a fresh project each run);
 * - `Stack.start({ minio: 'container' })` against `Stack.start()` (MinIO as a child process): start,
 *   load an app, first credentials, close;
 * - the image sizes.
 *
 * Needs a Docker engine (DOCKER_HOST) and the images (docker/build.sh); without them it says so and
 * exits 0. It asserts nothing about timings.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { fetchAuthSession } from 'aws-amplify/auth';
import type { AppConfig } from '../emulator/config.js';
import type { AmplifyOutputs } from '../emulator/outputs.js';
import { Stack, type StackOptions } from '../emulator/stack.js';
import { installNodeTransport, type TransportTargets } from '../emulator/transport/node.js';
import { Actor } from '../harness/runner/actor.js';
import { quietSdk } from './lib/clients.js';
import { repoRoot } from './lib/machine.js';
import { median, ms } from './lib/stats.js';

const run = promisify(execFile);
const IMAGES = ['amplify-storage-emulator:local', 'amplify-storage-emulator-minio:local'];
const RUNS = Math.max(1, Number(process.env.BENCH_CONTAINER_RUNS ?? '3') || 3);
quietSdk();

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function firstCredentials(outputs: AmplifyOutputs, targets: TransportTargets, username: string, password: string): Promise<void> {
  const transport = installNodeTransport(targets);
  try {
    const actor = new Actor(username, Actor.configFrom(outputs), { username, password });
    await actor.ensureSignedIn();
    const session = await fetchAuthSession(actor.context);
    if (!session.credentials?.accessKeyId) throw new Error('no credentials');
  } finally {
    await transport.restore();
  }
}

async function composeUpToCredentials(compose: string[]): Promise<number> {
  const root = repoRoot;
  const out = await mkdtemp(path.join(tmpdir(), 'ase-bench-compose-'));
  await chmod(out, 0o777);
  const project = `ase-bench-${process.pid}`;
  const env = {
    ...process.env,
    ASE_APP_DIR: path.join(root, 'test/fixtures/containers'),
    ASE_APP: '/app/storage.yaml',
    ASE_OUT_DIR: out,
    ASE_EMULATOR_PORT: String(await freePort()),
    ASE_S3_PORT: String(await freePort()),
  };
  const file = path.join(root, 'docker/compose.yaml');
  const cmd = (...args: string[]) => run(compose[0]!, [...compose.slice(1), '-f', file, '-p', project, ...args], { env });
  try {
    const started = performance.now();
    await cmd('up', '-d');
    const outputsFile = path.join(out, 'amplify_outputs.json');
    while (!(await stat(outputsFile).then((s) => s.size > 0, () => false))) {
      if (performance.now() - started > 180_000) throw new Error('compose up: no outputs within 180 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 50));
    const outputs = JSON.parse(await readFile(outputsFile, 'utf8')) as AmplifyOutputs;
    await firstCredentials(outputs, { emulatorPort: Number(env.ASE_EMULATOR_PORT), s3Port: Number(env.ASE_S3_PORT) }, 'alice', 'Alice-Container-1!');
    return performance.now() - started;
  } finally {
    await cmd('down', '-v', '--timeout', '5').catch(() => undefined);
    await rm(out, { recursive: true, force: true });
  }
}

function app(): AppConfig {
  return {
    id: 'bench-containers',
    region: 'us-east-1',
    accountId: '123456789012',
    userPool: { id: 'us-east-1_BenchCont', clientIds: ['benchcontainersclientaaaaa'], groups: [], users: [{ username: 'alice', password: 'Alice-Bench-1!' }] },
    identityPool: { id: 'us-east-1:0e0e0e0e-1111-4222-8333-444455556666', allowGuestAccess: false },
    roles: {
      guest: { arn: 'arn:aws:iam::123456789012:role/bc-unauth', policies: [] },
      authenticated: {
        arn: 'arn:aws:iam::123456789012:role/bc-auth',
        policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ase-bench-containers/*'] }] }],
      },
      groups: {},
    },
    buckets: [{ name: 'media', bucketName: 'ase-bench-containers', region: 'us-east-1' }],
  };
}

async function stackToCredentials(options: StackOptions): Promise<{ startMs: number; totalMs: number }> {
  const started = performance.now();
  const stack = await Stack.start(options);
  const startMs = performance.now() - started;
  try {
    const loaded = await stack.load(app());
    await firstCredentials(loaded.outputs, stack.transportTargets, 'alice', 'Alice-Bench-1!');
    return { startMs, totalMs: performance.now() - started };
  } finally {
    await stack.close();
  }
}

async function main(): Promise<number> {
  try {
    await docker('version', '--format', '{{.Server.Version}}');
  } catch {
    console.log('bench:containers skipped: no Docker engine answers (set DOCKER_HOST, or run docker/engine.sh start).');
    return 0;
  }
  for (const image of IMAGES) {
    try {
      await docker('image', 'inspect', image);
    } catch {
      console.log(`bench:containers skipped: image ${image} is not built (docker/build.sh).`);
      return 0;
    }
  }
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  let compose = ['docker', 'compose'];
  try {
    await docker('compose', 'version');
  } catch {
    compose = ['docker-compose'];
  }

  console.log(`=== Containers (median of ${RUNS} runs) ===`);
  const composeRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) composeRuns.push(await composeUpToCredentials(compose));
  const child: Array<{ startMs: number; totalMs: number }> = [];
  const container: Array<{ startMs: number; totalMs: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    child.push(await stackToCredentials({}));
    container.push(await stackToCredentials({ minio: 'container' }));
  }
  const sizes = await Promise.all(IMAGES.map(async (image) => {
    const bytes = Number((await docker('image', 'inspect', '--format', '{{.Size}}', image)).trim());
    return `${image} ${(bytes / 1e6).toFixed(0)} MB`;
  }));
  const rows: Array<[string, string]> = [
    [`${compose.join(' ')} up → first credentials`, ms(median(composeRuns))],
    ['Stack.start() (MinIO child process): start', ms(median(child.map((r) => r.startMs)))],
    ["Stack.start({ minio: 'container' }): start", ms(median(container.map((r) => r.startMs)))],
    ['Stack.start(): start → load → first credentials', ms(median(child.map((r) => r.totalMs)))],
    ["Stack.start({ minio: 'container' }): start → load → first credentials", ms(median(container.map((r) => r.totalMs)))],
    ...sizes.map((s) => ['image size', s] as [string, string]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  return 0;
}

process.exitCode = await main();
