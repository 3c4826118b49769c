/**
 * `npm run soak`: reliability you can measure. Many actors at once, each signed in through the
 * real aws-amplify client (SRP) and acting with the credentials the identity pool vends, doing a
 * fixed number of Storage operations whose right answer is known (own folder: allowed; another
 * user's folder: denied; public: allowed), with forced credential refreshes along the way.
 *
 * Bounded (actors × operations, then it stops) and loopback only. Prints errors (anything that is
 * not the expected allow/deny), wrong decisions (an allow where deny was due, or the reverse),
 * p50/p99 per operation, and the emulator's and MinIO's memory at start and end. Exit 0 only
 * when there were no errors and no wrong decisions.
 *
 *   npm run soak                      50 actors × 200 operations
 *   npm run soak -- --actors 10 --ops 50
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fetchAuthSession } from 'aws-amplify/auth';
import { downloadData, list, remove, uploadData } from 'aws-amplify/storage';
import { Stack } from '../emulator/stack.js';
import { installNodeTransport } from '../emulator/transport/node.js';
import { Actor } from '../harness/runner/actor.js';
import { loadBenchApp } from './lib/app.js';
import { quietSdk } from './lib/clients.js';
import { summarize } from './lib/stats.js';

type Op = 'upload-own' | 'download-own' | 'list-own' | 'upload-public' | 'list-public' | 'read-other' | 'write-other' | 'delete-own' | 'refresh';
const MIX: Op[] = ['upload-own', 'download-own', 'list-own', 'upload-public', 'list-public', 'read-other', 'write-other', 'download-own', 'delete-own', 'upload-own'];
const REFRESH_EVERY = 25;

interface Outcome {
  op: Op;
  ms: number;
  /** 'allow' | 'deny' as observed, or the error name. */
  observed: string;
  expected: 'allow' | 'deny';
}

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { actors: { type: 'string' }, ops: { type: 'string' } } });
  const actorCount = Number(values.actors ?? 50);
  const opsPerActor = Number(values.ops ?? 200);
  if (!Number.isInteger(actorCount) || actorCount < 2 || !Number.isInteger(opsPerActor) || opsPerActor < 1) {
    process.stderr.write('soak: --actors takes a whole number ≥ 2, --ops a whole number ≥ 1\n');
    return 2;
  }
  quietSdk();
  const stack = await Stack.start();
  const transport = installNodeTransport(stack.transportTargets);
  try {
    const names = Array.from({ length: actorCount }, (_, i) => `soak${String(i).padStart(3, '0')}`);
    const app = await loadBenchApp(stack, 'soak', 'ase-soak', names);
    const memStart = { emulator: process.memoryUsage().rss, minio: rssOf(stack.minio.pid) };
    const config = Actor.configFrom(app.loaded.outputs);
    const actors = app.users.map((u) => new Actor(u.name, config, { username: u.name, password: u.password }));

    const signInStarted = performance.now();
    let signedIn = 0;
    await Promise.all(actors.map(async (a) => {
      await a.ensureSignedIn();
      if (++signedIn % 10 === 0 || signedIn === actors.length) process.stderr.write(`signed in ${signedIn}/${actors.length}\n`);
    }));
    const identities = await Promise.all(actors.map(async (a) => (await a.identity()).identityId!));
    const signInMs = performance.now() - signInStarted;
    // One object in each actor's own folder: the owner reads it, the next actor is refused it.
    for (const id of identities) await stack.admin.putObject(app.bucketName, `private/${id}/seed.txt`, 'seed');

    const outcomes: Outcome[] = [];
    const started = performance.now();
    let done = 0;
    const total = actorCount * opsPerActor;
    await Promise.all(actors.map(async (actor, i) => {
      const own = `private/${identities[i]}/`;
      const other = `private/${identities[(i + 1) % actors.length]}/`;
      const ctx = actor.context;
      for (let n = 0; n < opsPerActor; n++) {
        const op: Op = n > 0 && n % REFRESH_EVERY === 0 ? 'refresh' : MIX[(n + i) % MIX.length]!;
        const key = `f${n % 5}.txt`;
        const expected: 'allow' | 'deny' = op === 'read-other' || op === 'write-other' ? 'deny' : 'allow';
        const t = performance.now();
        let observed: string;
        try {
          switch (op) {
            case 'upload-own': await uploadData(ctx, { path: `${own}${key}`, data: `soak ${n}` }).result; break;
            case 'download-own': await downloadData(ctx, { path: `${own}seed.txt` }).result; break;
            case 'list-own': await list(ctx, { path: own }); break;
            case 'upload-public': await uploadData(ctx, { path: `public/${actor.name}-${key}`, data: 'p' }).result; break;
            case 'list-public': await list(ctx, { path: 'public/', options: { pageSize: 20 } }); break;
            case 'read-other': await downloadData(ctx, { path: `${other}seed.txt` }).result; break;
            case 'write-other': await uploadData(ctx, { path: `${other}intruder.txt`, data: 'x' }).result; break;
            case 'delete-own': await remove(ctx, { path: `${own}${key}` }); break;
            case 'refresh': {
              const session = await fetchAuthSession(ctx, { forceRefresh: true });
              if (!session.credentials?.accessKeyId) throw Object.assign(new Error('no credentials after refresh'), { name: 'NoCredentials' });
              break;
            }
          }
          observed = 'allow';
        } catch (e) {
          observed = (e as Error).name === 'AccessDenied' ? 'deny' : (e as Error).name || 'Error';
        }
        outcomes.push({ op, ms: performance.now() - t, observed, expected });
        if (++done % 1000 === 0) process.stderr.write(`${done}/${total} operations\n`);
      }
    }));
    const elapsed = performance.now() - started;
    const memEnd = { emulator: process.memoryUsage().rss, minio: rssOf(stack.minio.pid) };

    const errors = outcomes.filter((o) => o.observed !== 'allow' && o.observed !== 'deny');
    const wrong = outcomes.filter((o) => (o.observed === 'allow' || o.observed === 'deny') && o.observed !== o.expected);
    const lines: string[] = [];
    lines.push(`soak: ${actorCount} actors × ${opsPerActor} operations = ${outcomes.length} through aws-amplify with vended credentials (${outcomes.filter((o) => o.op === 'refresh').length} forced credential refreshes)`);
    lines.push(`  sign-in of ${actorCount} users (SRP, identity, credentials): ${(signInMs / 1000).toFixed(1)} s; operations: ${(elapsed / 1000).toFixed(1)} s (${(outcomes.length / (elapsed / 1000)).toFixed(0)} ops/s)`);
    lines.push(`  errors: ${errors.length}   wrong decisions: ${wrong.length}`);
    for (const o of [...errors, ...wrong].slice(0, 10)) lines.push(`    ${o.op}: expected ${o.expected}, got ${o.observed}`);
    lines.push('  operation        n      p50 ms   p99 ms');
    for (const op of [...new Set(outcomes.map((o) => o.op))].sort()) {
      const s = summarize(outcomes.filter((o) => o.op === op).map((o) => o.ms));
      lines.push(`  ${op.padEnd(14)} ${String(s.n).padStart(5)}   ${s.p50.toFixed(1).padStart(6)}   ${s.p99.toFixed(1).padStart(6)}`);
    }
    const all = summarize(outcomes.map((o) => o.ms));
    lines.push(`  ${'all'.padEnd(14)} ${String(all.n).padStart(5)}   ${all.p50.toFixed(1).padStart(6)}   ${all.p99.toFixed(1).padStart(6)}`);
    lines.push(`  memory (RSS)     start     end`);
    lines.push(`  emulator+client  ${mib(memStart.emulator).padStart(7)}  ${mib(memEnd.emulator).padStart(7)}   (one process: the emulator and the ${actorCount} clients)`);
    lines.push(`  MinIO            ${mib(memStart.minio).padStart(7)}  ${mib(memEnd.minio).padStart(7)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return errors.length === 0 && wrong.length === 0 ? 0 : 1;
  } finally {
    await transport.restore();
    await stack.close();
  }
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`soak: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
