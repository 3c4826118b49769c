/**
 * Runs the built CLI (`node dist/cli/bin.js`, what `ase` is) as a user would, in a child process
 * with its own TMPDIR, so a test can also check that the MinIO it started is gone afterwards.
 * Needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { minioLeftUnder, privateTmpDir } from './processes.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
export const fixture = (relative: string): string => fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url));

export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last non-empty line of stdout. */
  lastLine: string;
  /** The TMPDIR the child had (its MinIO data dir lives below it). */
  tmp: string;
  /** MinIO processes of this run still running a few seconds after it exited (should be none). */
  minioLeft: Array<{ pid: number; cmdline: string }>;
  durationMs: number;
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before these tests.`);
}

export async function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  assertBuilt();
  const tmp = privateTmpDir('cli');
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    // No colour codes in what the tests read; a TMPDIR of its own; no MinIO settings from outside.
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TMPDIR: tmp, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // Only a hang is killed: a loaded machine may take minutes (vitest's own timeout is 180 s).
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 170_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timeout);
  const durationMs = Date.now() - started;
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const minioLeft = await minioLeftUnder(tmp);
  if (minioLeft.length === 0) rmSync(tmp, { recursive: true, force: true });
  return { args, code, signal, stdout, stderr, lastLine: lines.at(-1) ?? '', tmp, minioLeft, durationMs };
}

/** A compact description of a run for assertion messages. */
export function describeRun(run: CliRun): string {
  return `ase ${run.args.join(' ')} → exit ${run.code}${run.signal ? ` (${run.signal})` : ''}\n--- stdout ---\n${run.stdout.slice(-3000)}\n--- stderr ---\n${run.stderr.slice(-3000)}`;
}

/**
 * Runs CLI invocations in the background, at most `limit` at a time, each started once and
 * awaited where needed: a test file can start all its runs up front and read each when its
 * tests come, instead of paying for every process start one after another.
 */
export class CliRuns {
  private readonly runs = new Map<string, Promise<CliRun>>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Queues `args` under `key` (once); returns the run's promise. */
  start(key: string, args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<CliRun> {
    let run = this.runs.get(key);
    if (!run) {
      run = this.slot().then(async () => {
        try {
          return await runCli(args, options);
        } finally {
          this.active--;
          this.waiting.shift()?.();
        }
      });
      // Awaited by the tests that read it; don't report it as unhandled meanwhile.
      run.catch(() => undefined);
      this.runs.set(key, run);
    }
    return run;
  }

  get(key: string): Promise<CliRun> {
    const run = this.runs.get(key);
    if (!run) throw new Error(`no CLI run was started under "${key}"`);
    return run;
  }

  /** Waits for every run started so far (for afterAll: no child process outlives the file). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.runs.values());
  }

  private async slot(): Promise<void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }
}

/** A running `ase up`, from {@link startUp}. */
export interface RunningUp {
  stdout(): string;
  /** SIGINT, then its exit status, once it has exited; fails if it left a MinIO running under its dir. */
  stop(): Promise<number | null>;
}

/**
 * Starts `ase up <args>` in `dir` (also its TMPDIR) and waits until it says "Press Ctrl-C to stop."
 * (killed if it does not within `readyTimeoutMs`). The child is added to `started`, for the test's
 * `finally` to kill whatever a failure left running.
 */
export async function startUp(
  dir: string,
  args: string[],
  started: Array<{ kill(signal: NodeJS.Signals): boolean; exitCode: number | null }>,
  readyTimeoutMs = 150_000,
): Promise<RunningUp> {
  const child = spawn(process.execPath, [CLI, 'up', ...args], {
    cwd: dir, env: { ...process.env, NO_COLOR: '1', TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  started.push(child);
  try {
    await expect.poll(() => out + (child.exitCode !== null ? `\n[exited ${child.exitCode}] ${err}` : ''), { timeout: readyTimeoutMs, interval: 100 }).toContain('Press Ctrl-C to stop.');
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    stdout: () => out,
    async stop() {
      child.kill('SIGINT');
      const code = await closed;
      expect(await minioLeftUnder(dir)).toEqual([]);
      return code;
    },
  };
}
