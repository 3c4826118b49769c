/**
 * Faults of the stack, not of the policies, as a user meets them with the built CLI: MinIO killed
 * in the middle of `ase test` and under `ase up`, SIGINT/SIGTERM mid-run, two runs at once, a port
 * in use. Each run has its own TMPDIR, so "no MinIO left" is checked for that run only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI, fixture } from '../helpers/cli.js';
import { isAlive, minioLeftUnder, minioProcessesUnder } from '../helpers/processes.js';

let work: string;
let longScenario: string;

/** A scenario long enough that it is still running when a test interferes with it. */
function writeLongScenario(file: string, cases: number): void {
  const lines = Array.from({ length: cases }, (_, i) => i % 2 === 0
    ? `  - { as: alice, op: upload, path: "public/f${i}.txt", expect: allow }`
    : `  - { as: guest, op: upload, path: "public/f${i}.txt", expect: deny }`);
  writeFileSync(file, `version: 1
name: long run
auth:
  users:
    alice: {}
buckets:
  - name: custom
    bucketName: ase-test-faults
    paths:
      "public/*": { guest: [get, list], authenticated: [get, list, write, delete] }
cases:
${lines.join('\n')}
`);
}

beforeAll(() => {
  assertBuilt();
  work = mkdtempSync(path.join(tmpdir(), 'ase-faults-'));
  longScenario = path.join(work, 'long.yaml');
  writeLongScenario(longScenario, 1500);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  tmp: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout or stderr matches. */
  until(pattern: RegExp): Promise<void>;
  /** Exit code (or signal), after the process and its output are done. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], cwd: string): Running {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ase-faults-run-'));
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(out) || w.pattern.test(err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; check(); });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; check(); });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child, tmp,
    stdout: () => out,
    stderr: () => err,
    until: (pattern) => new Promise<void>((resolve, reject) => {
      waiters.push({ pattern, resolve });
      check();
      void closed.then(() => reject(new Error(`exited before printing ${pattern}\n--- stdout\n${out.slice(-2000)}\n--- stderr\n${err.slice(-2000)}`)));
    }),
    closed,
  };
}

/** The MinIO this run started (found by its TMPDIR on MinIO's command line). */
function minioOf(run: Running): number {
  const found = minioProcessesUnder(run.tmp);
  expect(found, 'exactly one MinIO for this run').toHaveLength(1);
  return found[0]!.pid;
}

async function cleanUp(run: Running): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.closed;
  await minioLeftUnder(run.tmp);
  rmSync(run.tmp, { recursive: true, force: true });
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

describe('ase test: MinIO dies mid-run', () => {
  it('stops at once with one block naming what died, exit 3, and reports marked ABORTED', async () => {
    const dir = mkdtempSync(path.join(work, 'killed-'));
    const run = start(['test', longScenario, '--reporter', 'pretty', '--reporter', 'html', '--reporter', 'junit', '--reporter', 'json', '--out', 'reports/'], dir);
    try {
      await run.until(/long run 60\//); // 60 cases have run
      const minio = minioOf(run);
      process.kill(minio, 'SIGKILL');
      const killedAt = Date.now();
      const { code } = await run.closed;
      console.log(`ase test exited ${Date.now() - killedAt} ms after MinIO was killed`);
      expect(code, run.stderr()).toBe(3);
      const err = run.stderr();
      expect(err).toContain(`the stack broke: MinIO (pid ${minio}) died: killed by SIGKILL`);
      expect(err).toMatch(/\d+ cases did not run/);
      expect(err).toContain("MinIO's last");
      expect(err).not.toMatch(/NetworkError/);
      expect(err.match(/the stack broke/g)).toHaveLength(1);
      expect(err).not.toMatch(/^\s+at /m);
      const out = run.stdout();
      expect(lastLine(out)).toMatch(/^\d+ passed, \d+ failed$/);
      expect(out).toMatch(/ABORTED: MinIO \(pid \d+\) died: killed by SIGKILL; \d+ cases did not run/);
      const json = JSON.parse(readFileSync(path.join(dir, 'reports/results.json'), 'utf8')) as { aborted?: { kind: string; notRun: number } };
      expect(json.aborted?.kind).toBe('infrastructure');
      expect(json.aborted?.notRun).toBeGreaterThan(0);
      expect(readFileSync(path.join(dir, 'reports/report.html'), 'utf8')).toMatch(/<title>⚠ ABORTED/);
      expect(readFileSync(path.join(dir, 'reports/junit.xml'), 'utf8')).toMatch(/<error message="ABORTED: MinIO/);
      expect(await minioLeftUnder(run.tmp)).toEqual([]);
    } finally {
      await cleanUp(run);
    }
  });
});

describe.each(['SIGINT', 'SIGTERM'] as const)('ase test: %s mid-run', (signal) => {
  it('stops MinIO before exiting, prints the final line, and leaves no older report looking current', async () => {
    const dir = mkdtempSync(path.join(work, `${signal}-`));
    // An earlier all-green report in the way.
    const reports = path.join(dir, 'reports');
    rmSync(reports, { recursive: true, force: true });
    const earlier = start(['test', fixture('harness/isolation-a.yaml'), '--reporter', 'html', '--out', 'reports/'], dir);
    expect((await earlier.closed).code, earlier.stderr()).toBe(0);
    await cleanUp(earlier);
    expect(readFileSync(path.join(reports, 'report.html'), 'utf8')).toContain('All cases passed');

    const run = start(['test', longScenario, '--reporter', 'pretty', '--reporter', 'html', '--out', 'reports/'], dir);
    try {
      await run.until(/long run 60\//);
      const minio = minioOf(run);
      run.child.kill(signal);
      const { code } = await run.closed;
      // MinIO stopped before the command returned, not after.
      expect(isAlive(minio), 'MinIO still running when ase test had exited').toBe(false);
      expect(code, run.stderr()).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(lastLine(run.stdout())).toMatch(/^\d+ passed, 0 failed$/);
      expect(run.stdout()).toMatch(new RegExp(`INTERRUPTED: interrupted by ${signal}; \\d+ cases did not run`));
      const html = readFileSync(path.join(reports, 'report.html'), 'utf8');
      expect(html).not.toContain('All cases passed');
      expect(html).toMatch(/<title>⚠ INTERRUPTED/);
    } finally {
      await cleanUp(run);
    }
  });
});

describe('ase test: two runs at once', () => {
  it('each gets its own stack and both pass', async () => {
    const dir = mkdtempSync(path.join(work, 'twice-'));
    const a = start(['test', fixture('harness/isolation-a.yaml'), '--reporter', 'json', '--out', 'a/'], dir);
    const b = start(['test', fixture('harness/isolation-a.yaml'), '--reporter', 'json', '--out', 'b/'], dir);
    try {
      const [ra, rb] = await Promise.all([a.closed, b.closed]);
      expect(ra.code, a.stderr()).toBe(0);
      expect(rb.code, b.stderr()).toBe(0);
      expect(lastLine(a.stdout())).toBe(lastLine(b.stdout()));
      expect(existsSync(path.join(dir, 'a/results.json')) && existsSync(path.join(dir, 'b/results.json'))).toBe(true);
    } finally {
      await Promise.all([cleanUp(a), cleanUp(b)]);
    }
  });
});

describe('ase up: faults', () => {
  it('says MinIO died and exits 3 instead of staying "up"', async () => {
    const dir = mkdtempSync(path.join(work, 'up-killed-'));
    const run = start(['up', fixture('harness/up.yaml'), '--port', '0', '--outputs', path.join(dir, 'amplify_outputs.json')], dir);
    try {
      await run.until(/Press Ctrl-C to stop\./);
      const minio = minioOf(run);
      process.kill(minio, 'SIGKILL');
      const { code } = await run.closed;
      expect(code, run.stderr()).toBe(3);
      expect(run.stderr()).toContain(`ase up: the stack broke: MinIO (pid ${minio}) died: killed by SIGKILL`);
      expect(run.stderr()).not.toMatch(/^\s+at /m);
    } finally {
      await cleanUp(run);
    }
  });

  it('an explicit --port that is taken: one line, exit 1, nothing left running', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = mkdtempSync(path.join(work, 'up-port-'));
    const run = start(['up', fixture('harness/up.yaml'), '--port', String(port), '--outputs', path.join(dir, 'o.json')], dir);
    try {
      const { code } = await run.closed;
      expect(code, run.stderr()).toBe(1);
      expect(run.stderr()).toContain('another program uses that port');
      expect(run.stderr()).not.toMatch(/^\s+at /m);
      expect(await minioLeftUnder(run.tmp)).toEqual([]);
    } finally {
      blocker.close();
      await cleanUp(run);
    }
  });

  it('two at once on the default ports: the second takes free ones and says where', async () => {
    const dir = mkdtempSync(path.join(work, 'up-twice-'));
    // Both in the same instant: MinIO binds with SO_REUSEPORT, so a port both probed free would be
    // shared, not refused; the port claim (emulator/minio/ports.ts) is what keeps them apart.
    const first = start(['up', fixture('harness/up.yaml'), '--outputs', path.join(dir, 'one/amplify_outputs.json')], dir);
    const second = start(['up', fixture('harness/up.yaml'), '--outputs', path.join(dir, 'two/amplify_outputs.json')], dir);
    try {
      await Promise.all([first.until(/Press Ctrl-C to stop\./), second.until(/Press Ctrl-C to stop\./)]);
      const portsOf = (r: Running) => /emulatorPort: (\d+), s3Port: (\d+)/.exec(r.stdout())!.slice(1).map(Number);
      const [a, b] = [portsOf(first), portsOf(second)];
      expect(new Set([...a, ...b]).size, `${a} / ${b}`).toBe(4);
      // The default pair goes to one of them, whole (unless something else on this machine has it).
      expect([a, b].filter(([e, s]) => e === 4580 && s === 4581).length).toBeLessThanOrEqual(1);
      for (const r of [first, second]) {
        if (portsOf(r).join() !== '4580,4581') expect(r.stdout()).toMatch(/Ports 4580\/4581 were taken \(another ase up\?\); using \d+\/\d+/);
      }
      for (const r of [first, second]) {
        r.child.kill('SIGINT');
        expect((await r.closed).code, r.stderr()).toBe(0);
      }
    } finally {
      await Promise.all([cleanUp(first), cleanUp(second)]);
    }
  });
});
