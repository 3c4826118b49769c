/**
 * The watchdog that sits between the emulator and MinIO, run as `node -e WATCHDOG_SOURCE`; its
 * config arrives as the first line on stdin.
 *
 * It starts MinIO in a process group of its own and owns its lifetime:
 * - it holds a pipe from the parent on stdin; when that pipe closes, because the parent called
 *   stop(), exited, crashed or was SIGKILLed, it stops MinIO's whole process group (SIGTERM, then
 *   SIGKILL after a grace period) and removes the data dir;
 * - SIGINT/SIGTERM/SIGHUP sent to it (a Ctrl-C reaches the whole foreground group, which holds
 *   the watchdog but not MinIO) do the same;
 * - when MinIO exits by itself, it reports the exit and exits too.
 * MinIO's stdout/stderr are the watchdog's own (pipes the parent reads). Events go to the parent
 * as JSON lines on fd 3: `{type:'spawned',pid}`, `{type:'error',message}`, `{type:'exit',code,signal}`.
 *
 * It is plain JavaScript in a string, not a module: it has to run under `node` as-is, both from
 * the TypeScript sources (tests) and from the compiled package.
 */
export interface WatchdogConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Removed (recursively) once MinIO is gone: its data dir, or the temp dir holding it. */
  removeDir?: string;
  /** SIGTERM → SIGKILL grace period. */
  graceMs: number;
}

export const WATCHDOG_SOURCE = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const send = (msg) => { try { fs.writeSync(3, JSON.stringify(msg) + '\n'); } catch {} };
let cfg;
let child;
let exited = false;
let stopping = false;
const killGroup = (sig) => {
  if (!child || !child.pid) return;
  try { process.kill(-child.pid, sig); } catch { try { child.kill(sig); } catch {} }
};
const finish = (code) => {
  killGroup('SIGKILL');
  if (cfg && cfg.removeDir) { try { fs.rmSync(cfg.removeDir, { recursive: true, force: true }); } catch {} }
  process.exit(code);
};
const stop = () => {
  if (stopping) return;
  stopping = true;
  if (!child || exited) finish(0);
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), cfg.graceMs).unref();
};
const start = () => {
  try {
    child = spawn(cfg.command, cfg.args, { env: cfg.env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  } catch (err) {
    send({ type: 'error', message: String(err && err.message || err) });
    finish(127);
  }
  child.on('error', (err) => { send({ type: 'error', message: String(err && err.message || err) }); exited = true; finish(127); });
  child.on('spawn', () => send({ type: 'spawned', pid: child.pid }));
  child.on('exit', (code, signal) => { exited = true; send({ type: 'exit', code, signal, stopping }); finish(0); });
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, stop);
// stdin: the first line is the config (kept off the command line, which any local user can
// read: it holds the root password); after that, EOF is the signal to stop.
let buffered = '';
process.stdin.on('data', (chunk) => {
  if (cfg) return;
  buffered += chunk.toString();
  const nl = buffered.indexOf('\n');
  if (nl < 0) return;
  cfg = JSON.parse(buffered.slice(0, nl));
  buffered = '';
  if (!stopping) start();
});
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
`;
