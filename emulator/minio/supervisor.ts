/**
 * A supervised server process: the server runs under a small watchdog process (watchdog.cjs)
 * that stops it when this process goes away, however it goes (stop(), exit, crash, SIGKILL).
 * Nothing here knows about MinIO; server.ts configures one for it.
 *
 * No process-wide handlers are installed: the watchdog's stdin pipe is the safety net (it closes
 * when this process dies), and signal handling belongs to the program (cli/), which stops its
 * stack before it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAlive } from './process.js';

/** What the watchdog runs, sent to it as the first line on stdin. */
export interface WatchdogConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Removed (recursively) once the server is gone: its data dir, or the temp dir holding it. */
  removeDir?: string;
  /** SIGTERM → SIGKILL grace period. */
  graceMs: number;
}

/** How a supervised server ended. `requested`: stop(), or a signal to the watchdog, asked it to. */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
  requested: boolean;
}

type WatchdogEvent =
  | { type: 'spawned'; pid: number }
  | { type: 'error'; message: string }
  | { type: 'exit'; code: number | null; signal: string | null; stopping: boolean };

const WATCHDOG = fileURLToPath(new URL('./watchdog.cjs', import.meta.url));

export interface SupervisorOptions {
  /** Names the server in messages ("MinIO exited during start-up"). */
  label: string;
  /** Log lines kept for {@link Supervisor.logTail}. */
  keepLines?: number;
  /** Receives each line the server writes (stdout and stderr), ANSI colours removed. */
  onLine?: (line: string) => void;
}

export class Supervisor {
  private readonly watchdog: ChildProcess;
  private readonly lines: string[] = [];
  private readonly keepLines: number;
  private serverPid: number | undefined;
  private spawnError: string | undefined;
  private exitInfo: { code: number | null; signal: string | null; byWatchdog: boolean } | undefined;
  private readonly watchdogExited: Promise<void>;
  /** Resolves once the server and its watchdog are gone, whatever the reason. */
  readonly exited: Promise<ProcessExit>;
  private readonly outputClosed: Promise<void>;
  private readonly listeners = new Set<() => void>();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: WatchdogConfig,
    private readonly options: SupervisorOptions,
  ) {
    this.keepLines = options.keepLines ?? 200;
    // A clean environment for the watchdog: NODE_OPTIONS from a test runner (loaders, inspector)
    // has no business there. The server's environment travels inside the config.
    const watchdogEnv: Record<string, string> = {};
    if (process.env.PATH) watchdogEnv.PATH = process.env.PATH;
    this.watchdog = spawn(process.execPath, [WATCHDOG], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: watchdogEnv,
      windowsHide: true,
    });
    this.watchdog.stdin?.on('error', () => {}); // EPIPE when the watchdog is already gone
    // The config (with the server's environment and secrets) goes over the pipe, not argv.
    this.watchdog.stdin?.write(`${JSON.stringify(config)}\n`);
    this.watchdogExited = new Promise((resolve) => {
      this.watchdog.on('exit', () => {
        resolve();
        this.notify();
      });
      this.watchdog.on('error', (err) => {
        this.spawnError ??= `could not start the watchdog (${process.execPath}): ${err.message}`;
        resolve();
        this.notify();
      });
    });
    this.outputClosed = new Promise((resolve) => {
      this.watchdog.on('close', () => resolve());
      this.watchdog.on('error', () => resolve());
    });
    this.exited = this.watchdogExited.then(() => ({
      code: this.exitInfo?.code ?? null,
      signal: this.exitInfo?.signal ?? null,
      // The watchdog stops the server itself when it gets SIGINT/SIGTERM (a Ctrl-C reaches the
      // whole foreground group): the user asked for that too.
      requested: this.stopping !== undefined || this.exitInfo?.byWatchdog === true,
    }));
    readLines(this.watchdog.stdout, (line) => this.pushLine(line));
    readLines(this.watchdog.stderr, (line) => this.pushLine(line));
    readLines(this.watchdog.stdio[3] as NodeJS.ReadableStream | null, (line) => {
      if (!line.trim()) return;
      try {
        this.onEvent(JSON.parse(line) as WatchdogEvent);
      } catch {
        /* not ours */
      }
    });
  }

  /** The server's pid, once spawned. */
  get pid(): number | undefined {
    return this.serverPid;
  }

  get watchdogPid(): number {
    return this.watchdog.pid ?? -1;
  }

  logTail(n: number): string[] {
    return this.lines.slice(-n);
  }

  private pushLine(line: string): void {
    const clean = line.replace(/\x1b\[[0-9;]*m/g, '');
    if (!clean.trim()) return;
    this.lines.push(clean);
    if (this.lines.length > this.keepLines) this.lines.shift();
    this.options.onLine?.(clean);
  }

  private onEvent(event: WatchdogEvent): void {
    if (event.type === 'spawned') this.serverPid = event.pid;
    else if (event.type === 'error') this.spawnError = event.message;
    else if (event.type === 'exit') this.exitInfo = { code: event.code, signal: event.signal, byWatchdog: event.stopping };
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private waitFor<T>(check: () => T | undefined, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    return new Promise((resolve, reject) => {
      const listener = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (err) {
          cleanup();
          reject(err as Error);
          return;
        }
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(onTimeout());
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      listener();
    });
  }

  /** Throws when the server (or the watchdog) is gone or never started. */
  assertRunning(): void {
    const { label } = this.options;
    if (this.spawnError) throw new Error(`could not spawn ${label}: ${this.spawnError}`);
    if (this.exitInfo) {
      const how = this.exitInfo.signal ? `signal ${this.exitInfo.signal}` : `code ${this.exitInfo.code}`;
      throw new Error(`${label} exited during start-up (${how})`);
    }
    if (this.watchdog.exitCode !== null || this.watchdog.signalCode !== null) {
      throw new Error(`the watchdog exited (${this.watchdog.signalCode ?? this.watchdog.exitCode}) before ${label} was ready`);
    }
  }

  spawned(timeoutMs = 10_000): Promise<number> {
    return this.waitFor(
      () => {
        this.assertRunning();
        return this.serverPid;
      },
      timeoutMs,
      () => new Error(`${this.options.label} was not spawned within ${timeoutMs / 1000} s`),
    );
  }

  /**
   * Polls `probe` until it says ready (true), the server dies (throws), or `timeoutMs` passes
   * (throws with `describeLast` of the probe's last answer).
   */
  async waitReady(probe: () => Promise<true | string>, timeoutMs: number, describeLast: (last: string) => string): Promise<void> {
    const deadlineAt = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      this.assertRunning();
      const answer = await probe();
      if (answer === true) return;
      last = answer;
      this.assertRunning();
      if (Date.now() >= deadlineAt) throw new Error(describeLast(last));
      // Polled every 20 ms (readiness is on every start's critical path); woken early if the server exits.
      await this.waitFor(() => (this.exitInfo || this.spawnError ? true : undefined), 20, () => new Error('tick')).catch(() => {});
    }
  }

  /** Waits (briefly) until everything the server wrote has been read, so a failure report is complete. */
  async drained(): Promise<void> {
    await Promise.race([this.outputClosed, deadline(1_000)]);
  }

  /** After start-up: don't let the pipes keep the parent's event loop alive. */
  detachFromEventLoop(): void {
    this.watchdog.unref();
    for (const s of this.watchdog.stdio) (s as { unref?: () => void } | null)?.unref?.();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // While stopping, the watchdog must keep the event loop alive: the caller is awaiting this,
      // and with every other handle already closed Node would otherwise exit mid-await, before
      // the caller could set its exit code.
      this.watchdog.ref();
      // Closing the pipe is the stop signal: the watchdog stops the server's group and removes the dir.
      this.watchdog.stdin?.end();
      const exited = await Promise.race([
        this.watchdogExited.then(() => true),
        deadline(this.config.graceMs + 3_000).then(() => false),
      ]);
      if (!exited) {
        this.killNow();
        const gone = await Promise.race([this.watchdogExited.then(() => true), deadline(2_000).then(() => false)]);
        if (!gone) this.watchdog.kill('SIGKILL');
      }
      await this.watchdogExited;
      // The watchdog reaps the server before it exits; make sure (e.g. if the watchdog was killed).
      if (this.serverPid !== undefined) {
        const until = Date.now() + 3_000;
        while (isAlive(this.serverPid) && Date.now() < until) await sleep(50);
        if (isAlive(this.serverPid)) killGroup(this.serverPid, 'SIGKILL');
      }
    })();
    return this.stopping;
  }

  /**
   * Synchronous last resort (a watchdog that does not answer): SIGKILL the server's group;
   * SIGTERM the watchdog, which then reaps the server, removes its dir and exits.
   */
  killNow(): void {
    if (this.serverPid !== undefined) killGroup(this.serverPid, 'SIGKILL');
    try {
      this.watchdog.kill('SIGTERM');
    } catch {
      /* gone */
    }
    if (this.config.removeDir) {
      try {
        rmSync(this.config.removeDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* best effort: the watchdog removes it too */
      }
    }
  }
}

function readLines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  let partial = '';
  stream?.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split(/\r?\n/);
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  stream?.on('end', () => {
    if (partial) onLine(partial);
    partial = '';
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

/** A timeout for Promise.race: it must not keep the process alive once the race is decided. */
function deadline(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
