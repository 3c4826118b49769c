'use strict';
/**
 * The watchdog that sits between the emulator and a supervised server (MinIO), run as
 * `node watchdog.cjs`; its config ({@link import('./supervisor.js').WatchdogConfig}) arrives as
 * the first line on stdin (kept off the command line, which any local user can read: it holds
 * the server's environment, secrets included).
 *
 * It starts the server in a process group of its own and owns its lifetime:
 * - it holds a pipe from the parent on stdin; when that pipe closes, because the parent called
 *   stop(), exited, crashed or was SIGKILLed, it stops the server's whole process group (SIGTERM,
 *   then SIGKILL after the grace period) and removes `removeDir`;
 * - SIGINT/SIGTERM/SIGHUP sent to it (a Ctrl-C reaches the whole foreground group, which holds
 *   the watchdog but not the server) do the same;
 * - when the server exits by itself, it reports the exit and exits too.
 * The server's stdout/stderr are the watchdog's own (pipes the parent reads). Events go to the
 * parent as JSON lines on fd 3: `{type:'spawned',pid}`, `{type:'error',message}`,
 * `{type:'exit',code,signal,stopping}`.
 *
 * Plain CommonJS, not TypeScript: it runs under `node` as-is, from the sources (tests) and from
 * the compiled package (the build copies it next to supervisor.js).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const send = (msg) => {
  try {
    fs.writeSync(3, `${JSON.stringify(msg)}\n`);
  } catch {
    /* the parent is gone */
  }
};

let cfg;
let child;
let exited = false;
let stopping = false;

const killGroup = (sig) => {
  if (!child || !child.pid) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      /* gone */
    }
  }
};

const finish = (code) => {
  killGroup('SIGKILL');
  if (cfg && cfg.removeDir) {
    try {
      fs.rmSync(cfg.removeDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
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
    send({ type: 'error', message: String((err && err.message) || err) });
    finish(127);
  }
  child.on('error', (err) => {
    send({ type: 'error', message: String((err && err.message) || err) });
    exited = true;
    finish(127);
  });
  child.on('spawn', () => send({ type: 'spawned', pid: child.pid }));
  child.on('exit', (code, signal) => {
    exited = true;
    send({ type: 'exit', code, signal, stopping });
    finish(0);
  });
};

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, stop);

// stdin: the first line is the config; after that, EOF is the signal to stop.
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
