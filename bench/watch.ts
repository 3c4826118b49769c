import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { scenarioYaml } from './lib/app.js';
import { scaled, type BenchContext } from './lib/context.js';
import { ms, summarize } from './lib/stats.js';

const SECTION = 'watch';
const CLI = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

/** The issue's scenario: ten cases, two users (each signs in on the first run; re-runs keep their sessions). */
function tenCasesTwoUsers(edit: number): string {
  const text = scenarioYaml({
    name: 'watch bench: 10 cases, 2 users',
    bucketName: 'ase-bench-watch',
    users: ['alice', 'bob'],
    cases: [
      { as: 'alice', op: 'upload', path: `private/{identity}/edit-${edit}.txt`, body: `edit ${edit}`, expect: 'allow' },
      { as: 'alice', op: 'download', path: `private/{identity}/edit-${edit}.txt`, expect: { outcome: 'allow', body: `edit ${edit}` } },
      { as: 'bob', op: 'download', path: `private/{identity:alice}/edit-${edit}.txt`, expect: 'deny' },
      { as: 'bob', op: 'upload', path: 'private/{identity}/b.txt', expect: 'allow' },
      { as: 'alice', op: 'list', path: 'private/{identity}/', expect: 'allow' },
      { as: 'guest', op: 'list', path: 'public/', expect: 'allow' },
      { as: 'guest', op: 'upload', path: 'public/g.txt', expect: 'deny' },
      { as: 'alice', op: 'upload', path: 'public/a.txt', expect: 'allow' },
      { as: 'bob', op: 'remove', path: 'public/a.txt', expect: 'allow' },
      { as: 'bob', op: 'remove', path: 'private/{identity}/b.txt', expect: 'allow' },
    ],
  });
  return text;
}

/**
 * `ase test --watch` in a child process, as a developer runs it: after its first run, the file
 * is saved `edits` times; each save-to-result is the time from the write to the report's last
 * line (`N passed, N failed`) arriving on the child's stdout.
 */
export async function watchLatency(ctx: BenchContext): Promise<void> {
  const { log, results } = ctx;
  const edits = scaled(ctx, 15, 5);
  const dir = await mkdtemp(join(tmpdir(), 'ase-bench-watch-'));
  const file = join(dir, 'watched.yaml');
  await writeFile(file, tenCasesTwoUsers(0));
  const child = spawn(process.execPath, [CLI, 'test', '--watch', file], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  // A report is the one for edit N when its case table shows the path `edit-N.txt`; it ends with the final line after that.
  const waiters: Array<{ done: () => boolean; resolve: (at: number) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const at = performance.now();
    out += d;
    for (const w of [...waiters]) if (w.done()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(at); }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const reportOf = (edit: number, from: number) => () => {
    const text = out.slice(from);
    const named = text.indexOf(`/edit-${edit}.txt`);
    return named !== -1 && /^\d+ passed, \d+ failed$/m.test(text.slice(named));
  };
  const waitFor = (done: () => boolean, what: string, timeoutMs = 120_000) => new Promise<number>((resolve, reject) => {
    if (done()) return resolve(performance.now());
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms: ${err.trim().split('\n').slice(-3).join(' | ')}`)), timeoutMs);
    waiters.push({ done, resolve: (at) => { clearTimeout(timer); resolve(at); } });
  });
  /** Waits until the watcher has printed its idle line and nothing more for `quietMs` (no run queued behind). */
  const idle = async (quietMs = 300) => {
    for (;;) {
      while (!out.trimEnd().endsWith('Ctrl-C stops.')) await new Promise((r) => setTimeout(r, 20));
      const length = out.length;
      await new Promise((r) => setTimeout(r, quietMs));
      if (out.length === length) return;
    }
  };
  const samples: number[] = [];
  try {
    const spawned = performance.now();
    const firstAt = await waitFor(reportOf(0, 0), 'first report');
    log(`  first run (spawn → first report): ${ms(firstAt - spawned)}`);
    for (let i = 1; i <= edits; i++) {
      // The save lands on an idle watcher: its "Watching" line printed, no run queued behind it.
      await idle();
      const from = out.length;
      const saved = performance.now();
      await writeFile(file, tenCasesTwoUsers(i));
      const at = await waitFor(reportOf(i, from), `report of edit ${i}`);
      samples.push(at - saved);
    }
    const lastReport = out.slice(out.lastIndexOf('ase test --watch:'));
    const split = /time: (.*)/.exec(lastReport)?.[1];
    const s = summarize(samples);
    log(`  save → result over ${edits} saves: p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (min ${ms(s.min)}, max ${ms(s.max)})${split ? `; last run's split: ${split}` : ''}`);
    results.add({ section: SECTION, name: 'Goal: ase test --watch, save → result p50 (10 cases, 2 users)', value: s.p50, unit: 'ms', target: { below: 400, orEqual: true }, display: `${ms(s.p50)} (p99 ${ms(s.p99)}, n=${s.n})` });
    results.data.watch = { samples, summary: s, ...(split ? { lastSplit: split } : {}) };
    results.section('Watch re-run latency', [
      '`ase test --watch` on one scenario file (10 cases, 2 users), in a child process: the file is saved, and the time runs until the report\'s last line arrives. Each re-run reloads the app\'s policies, buckets, objects and cases on the warm stack and client workers; its pools and both users\' client sessions are kept (the auth part of the file is unchanged), so nobody signs in again.',
      '',
      `Save → result: p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, min ${ms(s.min)}, max ${ms(s.max)} (n=${s.n}).${split ? ` The last run's split: ${split}.` : ''}`,
    ].join('\n'));
  } finally {
    child.kill('SIGINT');
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
    await rm(dir, { recursive: true, force: true });
  }
}
