/**
 * Runs a short-lived command to its end (`go env`, `go install`, `minio --version`) on tinyexec.
 * Not for the MinIO server itself: that is supervisor.ts (a watchdog, fd 3, a process group).
 */
import { x } from 'tinyexec';

export interface RunResult {
  /** The exit code; null when a signal ended it; -1 when it could not be started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Empty when `onLine` was given (the output went there). */
  stdout: string;
  /** Empty when `onLine` was given; why it could not start when `code` is -1. */
  stderr: string;
}

export interface RunOptions {
  /** The child's whole environment (nothing else is added). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** SIGKILL after this long. */
  timeoutMs?: number;
  /** Receives each non-blank line of stdout and stderr as it comes, instead of collecting them. */
  onLine?: (line: string) => void;
}

/** Runs `command` (stdin closed) and resolves when it has ended; it never rejects. */
export async function run(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const proc = x(command, args, {
    // The environment as given: no node_modules/.bin on PATH, nothing of process.env merged in.
    nodePath: false,
    inheritEnv: false,
    nodeOptions: { env: opts.env ?? process.env, ...(opts.cwd ? { cwd: opts.cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] },
  });
  // A kill of our own (not tinyexec's timeout, which rejects and drops the output so far).
  const timer = opts.timeoutMs ? setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs) : undefined;
  try {
    let stdout = '';
    let stderr = '';
    if (opts.onLine) {
      for await (const line of proc) if (line.trim()) opts.onLine(line);
    } else {
      ({ stdout, stderr } = await proc);
    }
    return { code: proc.exitCode ?? null, signal: proc.signalCode as NodeJS.Signals | null, stdout, stderr };
  } catch (err) {
    return { code: -1, signal: null, stdout: '', stderr: (err as Error).message };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
