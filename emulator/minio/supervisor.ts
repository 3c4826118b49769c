/**
 * A supervised server process. The server is spawned first, directly, in a process group of its
 * own: nothing stands between the call and its start. A small watchdog process (watchdog.cjs) is
 * spawned right after it and stops it when this process goes away, however it goes (exit, crash,
 * SIGKILL). Nothing here knows about MinIO; server.ts configures one for it.
 *
 * No process-wide handlers are installed: the watchdog's stdin pipe is the safety net (it closes
 * when this process dies), and signal handling belongs to the program (cli/), which stops its
 * stack before it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The server to run. Its environment goes to the server only, never to the watchdog. */
export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Removed (recursively) once the server is gone: its data dir, or the temp dir holding it. */
  removeDir?: string;
  /** SIGTERM → SIGKILL grace period. */
  graceMs: number;
}

/** What the watchdog is told, as the first line on its stdin. */
export interface WatchdogConfig {
  pid: number;
  /** The server's start time in /proc/<pid>/stat (Linux): the watchdog signals only that process. */
  startTime?: string;
  removeDir?: string;
  graceMs: number;
}

/** How a supervised server ended. `requested`: stop(), or a signal to the watchdog, asked it to. */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
  requested: boolean;
}

type WatchdogEvent = { type: 'stopping' };

const WATCHDOG = fileURLToPath(new URL('./watchdog.cjs', import.meta.url));
const { statOf } = createRequire(import.meta.url)('./proc-stat.cjs') as {
  statOf(pid: number): { state: string; parentPid: number; startTime: string } | undefined;
};

export interface SupervisorOptions {
  /** Names the server in messages ("MinIO exited during start-up"). */
  label: string;
  /** Log lines kept for {@link Supervisor.logTail}. */
  keepLines?: number;
  /** Receives each line the server writes (stdout and stderr), ANSI colours removed. */
  onLine?: (line: string) => void;
}

export class Supervisor {
  private readonly server: ChildProcess;
  private readonly watchdog: ChildProcess | undefined;
  private readonly lines: string[] = [];
  private readonly keepLines: number;
  private serverPid: number | undefined;
  private spawnError: string | undefined;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  /** The watchdog said it is stopping the server (it got a signal). */
  private stoppedByWatchdog = false;
  private watchdogGone = false;
  private readonly serverExited: Promise<void>;
  private readonly watchdogExited: Promise<void>;
  /** Resolves once the server and its watchdog are gone (and the dir removed), whatever the reason. */
  readonly exited: Promise<ProcessExit>;
  private readonly outputClosed: Promise<void>;
  private readonly listeners = new Set<() => void>();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: ServerCommand,
    private readonly options: SupervisorOptions,
  ) {
    this.keepLines = options.keepLines ?? 200;
    this.server = spawn(config.command, config.args, {
      env: config.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C to the foreground group does not reach it half-way
      // through a stop, and the group is what is signalled.
      detached: true,
      windowsHide: true,
    });
    this.serverExited = new Promise((resolve) => {
      this.server.on('spawn', () => {
        this.serverPid = this.server.pid;
        this.notify();
      });
      this.server.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.tellWatchdogExited();
        resolve();
        this.notify();
      });
      this.server.on('error', (err) => {
        // Not spawned (ENOENT, EACCES): no exit event follows.
        if (this.serverPid === undefined) {
          this.spawnError ??= err.message;
          this.tellWatchdogExited();
          resolve();
        }
        this.notify();
      });
    });
    this.outputClosed = new Promise((resolve) => {
      this.server.on('close', () => resolve());
      this.server.on('error', () => { if (this.serverPid === undefined) resolve(); });
    });
    readLines(this.server.stdout, (line) => this.pushLine(line));
    readLines(this.server.stderr, (line) => this.pushLine(line));

    // The watchdog, right after: the server is booting meanwhile. A clean environment for it:
    // NODE_OPTIONS from a test runner (loaders, inspector) has no business there.
    this.watchdog = this.server.pid === undefined ? undefined : this.spawnWatchdog(this.server.pid);
    this.watchdogExited = this.watchdog
      ? new Promise((resolve) => {
        this.watchdog!.on('exit', () => { this.watchdogGone = true; resolve(); this.notify(); });
        this.watchdog!.on('error', (err) => {
          this.spawnError ??= `could not start the watchdog (${process.execPath}): ${err.message}`;
          this.watchdogGone = true;
          resolve();
          this.notify();
        });
      })
      : Promise.resolve();
    this.exited = Promise.all([this.serverExited, this.watchdogExited]).then(() => ({
      code: this.exitInfo?.code ?? null,
      signal: this.exitInfo?.signal ?? null,
      // The watchdog stops the server itself when it gets SIGINT/SIGTERM (a Ctrl-C reaches the
      // whole foreground group): the user asked for that too.
      requested: this.stopping !== undefined || this.stoppedByWatchdog,
    }));
  }

  private spawnWatchdog(pid: number): ChildProcess {
    const env: Record<string, string> = {};
    if (process.env.PATH) env.PATH = process.env.PATH;
    const watchdog = spawn(process.execPath, [WATCHDOG], { stdio: ['pipe', 'ignore', 'pipe', 'pipe'], env, windowsHide: true });
    watchdog.stdin?.on('error', () => {}); // EPIPE when the watchdog is already gone
    const startTime = statOf(pid)?.startTime;
    const config: WatchdogConfig = {
      pid, graceMs: this.config.graceMs,
      ...(startTime ? { startTime } : {}), ...(this.config.removeDir ? { removeDir: this.config.removeDir } : {}),
    };
    watchdog.stdin?.write(`${JSON.stringify(config)}\n`);
    readLines(watchdog.stderr, (line) => this.pushLine(`watchdog: ${line}`));
    readLines(watchdog.stdio[3] as NodeJS.ReadableStream | null, (line) => {
      if (!line.trim()) return;
      try {
        if ((JSON.parse(line) as WatchdogEvent).type === 'stopping') this.stoppedByWatchdog = true;
      } catch {
        /* not ours */
      }
    });
    return watchdog;
  }

  /** The server is gone: the watchdog removes the dir and exits. */
  private tellWatchdogExited(): void {
    const stdin = this.watchdog?.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) return;
    stdin.end('exited\n');
  }

  /** The server's pid, once spawned. */
  get pid(): number | undefined {
    return this.serverPid;
  }

  get watchdogPid(): number {
    return this.watchdog?.pid ?? -1;
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
    if (this.watchdogGone) {
      throw new Error(`the watchdog exited (${this.watchdog?.signalCode ?? this.watchdog?.exitCode}) before ${label} was ready`);
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
      // Polled every 5 ms (readiness is on every start's critical path; a refused connection on
      // loopback costs next to nothing); woken early if the server exits.
      await this.waitFor(() => (this.exitInfo || this.spawnError || this.watchdogGone ? true : undefined), 5, () => new Error('tick')).catch(() => {});
    }
  }

  /** Waits (briefly) until everything the server wrote has been read, so a failure report is complete. */
  async drained(): Promise<void> {
    await Promise.race([this.outputClosed, deadline(1_000)]);
  }

  /** After start-up: don't let the processes or their pipes keep the parent's event loop alive. */
  detachFromEventLoop(): void {
    for (const child of [this.server, this.watchdog]) {
      if (!child) continue;
      child.unref();
      for (const s of child.stdio) (s as { unref?: () => void } | null)?.unref?.();
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // While stopping, the processes must keep the event loop alive: the caller is awaiting
      // this, and with every other handle already closed Node would otherwise exit mid-await,
      // before the caller could set its exit code.
      this.server.ref();
      this.watchdog?.ref();
      // By the pid spawn() gave, not the 'spawn' event's: a stop right after the constructor
      // must not miss a server whose event has not come yet.
      const pid = this.server.pid;
      if (pid !== undefined && !this.exitInfo) {
        killGroup(pid, 'SIGTERM');
        const exited = await Promise.race([this.serverExited.then(() => true), deadline(this.config.graceMs).then(() => false)]);
        if (!exited) {
          killGroup(pid, 'SIGKILL');
          await Promise.race([this.serverExited, deadline(3_000)]);
        }
      }
      // The server is gone (its exit told the watchdog, which removes the dir and exits).
      this.tellWatchdogExited();
      const watchdogDone = await Promise.race([this.watchdogExited.then(() => true), deadline(2_000).then(() => false)]);
      if (!watchdogDone) this.killNow();
    })();
    return this.stopping;
  }

  /**
   * Synchronous last resort (at exit, or a watchdog that does not answer): SIGKILL the server's
   * group and the watchdog, and remove the dir.
   */
  killNow(): void {
    if (this.server.pid !== undefined && !this.exitInfo) killGroup(this.server.pid, 'SIGKILL');
    try {
      this.watchdog?.kill('SIGKILL');
    } catch {
      /* gone */
    }
    if (this.config.removeDir) {
      try {
        rmSync(this.config.removeDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* best effort */
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

