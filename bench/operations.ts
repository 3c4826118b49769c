import { performance } from 'node:perf_hooks';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { fetchAuthSession } from 'aws-amplify/auth';
import { Actor } from '../harness/runner/actor.js';
import { runOperation } from '../harness/runner/operations.js';
import { loadBenchApp } from './lib/app.js';
import { s3Client, type Creds } from './lib/clients.js';
import { scaled, type BenchContext } from './lib/context.js';
import { table } from './lib/report.js';
import type { TimedRequest } from './lib/timing-dispatcher.js';
import { ms, ratio, summarize, type Summary } from './lib/stats.js';

const SECTION = 'per-operation overhead';
const OPS = ['upload', 'download', 'list', 'remove'] as const;
type Op = (typeof OPS)[number];
const BODY = 'x'.repeat(1024);
const LIST_PREFIX = 'public/list/';
const LIST_OBJECTS = 10;

interface Variant {
  id: 'amplify' | 'sdkSession' | 'sdkRoot' | 'direct';
  label: string;
  /** Whether its requests go through the (timing) global dispatcher. */
  viaTransport: boolean;
  run: Record<Op, (key: string) => Promise<unknown>>;
}

export interface OpFigures {
  p50: number;
  p99: number;
  /** Process CPU per call (user + system), i.e. the client's (MinIO is another process). */
  cpuMs: number;
  /** Time on the wire and in MinIO per call (variants through the transport only). */
  requestMs?: number;
  requestsPerCall?: number;
  /** What one measured call sent, e.g. `HEAD`, `DELETE` (method and query parameter names). */
  requestKinds?: string[];
}

function sdkVariant(id: 'sdkSession' | 'sdkRoot' | 'direct', label: string, s3: S3Client, bucket: string, viaTransport: boolean): Variant {
  return {
    id, label, viaTransport,
    run: {
      upload: (key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: BODY })),
      download: async (key) => {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return got.Body?.transformToString();
      },
      list: (prefix) => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix })),
      remove: (key) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    },
  };
}

/**
 * upload, download, list and remove of 1 KiB objects: the real aws-amplify client (an Actor
 * holding emulated credentials, through the transport) against @aws-sdk/client-s3 straight to
 * MinIO with root credentials, plus two steps in between to explain the difference.
 */
export async function operationOverhead(ctx: BenchContext): Promise<Record<Op, Record<Variant['id'], OpFigures>>> {
  const { stack, log, results, timing } = ctx;
  const n = scaled(ctx, 200, 10);
  const warmup = scaled(ctx, 20, 3);
  const app = await loadBenchApp(stack, 'bench-ops', 'ase-bench-ops', ['alice']);
  const clients: S3Client[] = [];
  try {
    const user = app.users[0]!;
    const actor = new Actor(user.name, Actor.configFrom(app.loaded.outputs), { username: user.name, password: user.password });
    await actor.ensureSignedIn();
    const session = await fetchAuthSession(actor.context);
    const c = session.credentials;
    if (!c) throw new Error('the actor holds no credentials');
    const sessionCreds: Creds = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
    const rootCreds: Creds = { accessKeyId: stack.minio.rootUser, secretAccessKey: stack.minio.rootPassword };
    for (let i = 0; i < LIST_OBJECTS; i++) await stack.admin.putObject(app.bucketName, `${LIST_PREFIX}obj-${i}.txt`, BODY);

    const viaAmplify = (op: Op) => (path: string) => runOperation(actor, { op, path, bucket: app.bucket, ...(op === 'upload' ? { body: BODY } : {}) });
    const sdkSession = s3Client('transport', sessionCreds);
    const sdkRoot = s3Client('transport', rootCreds);
    const direct = s3Client({ endpoint: stack.minio.endpoint }, rootCreds);
    clients.push(sdkSession, sdkRoot, direct);
    const variants: Variant[] = [
      { id: 'amplify', label: 'aws-amplify (Actor, emulated session credentials, transport)', viaTransport: true, run: { upload: viaAmplify('upload'), download: viaAmplify('download'), list: viaAmplify('list'), remove: viaAmplify('remove') } },
      sdkVariant('sdkSession', '@aws-sdk, same session credentials, transport (virtual-host, fetch)', sdkSession, app.bucketName, true),
      sdkVariant('sdkRoot', '@aws-sdk, MinIO root credentials, transport (virtual-host, fetch)', sdkRoot, app.bucketName, true),
      sdkVariant('direct', '@aws-sdk, MinIO root credentials, endpoint = MinIO (path-style, node:http): the direct path', direct, app.bucketName, false),
    ];

    log(`${n} calls per operation and client after ${warmup} warm-up, 1 KiB objects, clients interleaved call by call:`);
    const figures = {} as Record<Op, Record<Variant['id'], OpFigures>>;
    for (const op of OPS) {
      const wall = new Map<Variant['id'], number[]>(variants.map((v) => [v.id, []]));
      const cpu = new Map<Variant['id'], number>(variants.map((v) => [v.id, 0]));
      const wire = new Map<Variant['id'], { ms: number; count: number; kinds?: string[] }>(variants.map((v) => [v.id, { ms: 0, count: 0 }]));
      for (let i = -warmup; i < n; i++) {
        // Rotate who goes first, so no client always runs right after another's request.
        const order = variants.map((_, k) => variants[(k + i + warmup) % variants.length]!);
        for (const v of order) {
          const key = op === 'list' ? LIST_PREFIX : `public/ops/${v.id}/${i < 0 ? `w${-i}` : i}.txt`;
          const cpuBefore = process.cpuUsage();
          const started = performance.now();
          let requests: TimedRequest[] = [];
          if (v.viaTransport) ({ requests } = await timing.collect(() => v.run[op](key)));
          else await v.run[op](key);
          const took = performance.now() - started;
          const used = process.cpuUsage(cpuBefore);
          if (i < 0) continue;
          wall.get(v.id)!.push(took);
          cpu.set(v.id, cpu.get(v.id)! + (used.user + used.system) / 1000);
          const w = wire.get(v.id)!;
          w.ms += requests.reduce((sum, r) => sum + r.ms, 0);
          w.count += requests.length;
          w.kinds ??= requests.map((r) => {
            const query = r.path.split('?')[1];
            const names = query ? query.split('&').map((p) => p.split('=')[0] ?? '').filter((p) => p !== '' && p !== 'x-id') : [];
            return `${r.method}${names.length ? ` ?${names.join('&')}` : ''}`;
          });
        }
      }
      figures[op] = Object.fromEntries(variants.map((v) => {
        const s: Summary = summarize(wall.get(v.id)!);
        const w = wire.get(v.id)!;
        const f: OpFigures = {
          p50: s.p50, p99: s.p99, cpuMs: cpu.get(v.id)! / n,
          ...(v.viaTransport ? { requestMs: w.ms / n, requestsPerCall: w.count / n, requestKinds: w.kinds ?? [] } : {}),
        };
        return [v.id, f];
      })) as Record<Variant['id'], OpFigures>;
      const f = figures[op];
      log(`  ${op.padEnd(8)} amplify ${ms(f.amplify.p50)} · sdk+session ${ms(f.sdkSession.p50)} · sdk+root ${ms(f.sdkRoot.p50)} · direct ${ms(f.direct.p50)} → amplify/direct ${ratio(f.amplify.p50 / f.direct.p50)} (client CPU/call: amplify ${ms(f.amplify.cpuMs)}, sdk+session ${ms(f.sdkSession.cpuMs)}, direct ${ms(f.direct.cpuMs)})`);
    }

    results.data.operations = { n, warmup, bodyBytes: BODY.length, listObjects: LIST_OBJECTS, variants: variants.map((v) => ({ id: v.id, label: v.label })), figures };
    for (const op of OPS) {
      const f = figures[op];
      results.add({
        section: SECTION,
        name: `${op}: aws-amplify / direct @aws-sdk, p50 ratio`,
        value: f.amplify.p50 / f.direct.p50,
        unit: 'ratio',
        display: `${ratio(f.amplify.p50 / f.direct.p50)} (${ms(f.amplify.p50)} vs ${ms(f.direct.p50)})`,
        ...(op === 'upload' || op === 'download' ? { target: { below: 1.5, orEqual: true } } : {}),
      });
    }
    const headers = ['operation', ...variants.map((v) => v.id), 'amplify/direct', 'amplify/sdk+session', 'sdk+session/sdk+root', 'sdk+root/direct'];
    const latency = table(headers, OPS.map((op) => {
      const f = figures[op];
      return [op, ...variants.map((v) => `${ms(f[v.id].p50)} (p99 ${ms(f[v.id].p99)})`),
        ratio(f.amplify.p50 / f.direct.p50), ratio(f.amplify.p50 / f.sdkSession.p50), ratio(f.sdkSession.p50 / f.sdkRoot.p50), ratio(f.sdkRoot.p50 / f.direct.p50)];
    }));
    const breakdown = table(['operation', 'client', 'wall p50', 'requests/call', 'requests sent', 'wire + MinIO per call', 'process CPU per call'], OPS.flatMap((op) => variants.map((v) => {
      const f = figures[op][v.id];
      return [op, v.id, ms(f.p50), f.requestsPerCall?.toFixed(2) ?? '—', f.requestKinds?.join(', ') || '—', f.requestMs !== undefined ? ms(f.requestMs) : '—', ms(f.cpuMs)];
    })));
    results.section('Per-operation overhead', [
      `${n} calls per operation and client (after ${warmup} warm-up), ${BODY.length}-byte objects, list over ${LIST_OBJECTS} objects; clients interleaved call by call.`,
      '',
      ...variants.map((v) => `- **${v.id}**: ${v.label}`),
      '',
      latency,
      '',
      'Ratios over 1 where aws-amplify sends more requests than the SDK are the client\'s design, not the stack\'s: its `remove()` first lists the path (`isPathFolder`, a ListObjectsV2 with max-keys) and only then deletes.',
      '',
      'Where the time goes (wire + MinIO: from dispatch to the last response byte, measured in the transport; CPU: this process, so the client, since MinIO is another process and the emulator is not involved in S3 calls):',
      '',
      breakdown,
    ].join('\n'));
    return figures;
  } finally {
    for (const c of clients) c.destroy();
    await stack.unload(app.config.id);
  }
}
