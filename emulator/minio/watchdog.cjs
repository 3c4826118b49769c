'use strict';
/**
 * The watchdog beside a supervised server (MinIO), run as `node watchdog.cjs` by supervisor.ts.
 * The parent spawns the server itself, in a process group of its own, and this process right
 * after; the server's start never waits for this one's. Its config
 * ({@link import('./supervisor.js').WatchdogConfig}: the server's pid, the folder to remove, the
 * grace period) arrives as the first line on stdin. It stops the server when the parent cannot:
 * - its stdin is a pipe from the parent; when that pipe closes without the parent having said
 *   the server is gone (the parent exited, crashed or was SIGKILLed), it stops the server's whole
 *   process group (SIGTERM, then SIGKILL after the grace period), waits until it is gone and
 *   removes `removeDir`;
 * - SIGINT/SIGTERM/SIGHUP sent to it (a Ctrl-C reaches the whole foreground group, which holds
 *   the watchdog but not the server) do the same, and it tells the parent first;
 * - when the parent writes `exited` (it saw the server exit, or stopped it), it removes
 *   `removeDir` and exits.
 * It never signals a process that is not the server it was given: on Linux the parent reads the
 * server's start time (/proc/<pid>/stat) right after spawning it, and the watchdog signals only a
 * live process with that pid and start time, so a pid the system has reused since is left alone.
 * Events go to the parent as JSON lines on fd 3: `{type:'stopping'}`.
 *
 * Plain CommonJS, not TypeScript: it runs under `node` as-is, from the sources (tests) and from
 * the compiled package (the build copies it next to supervisor.js).
 */
const fs = require('node:fs');
const { statOf } = require('./proc-stat.cjs');

const send = (msg) => {
  try {
    fs.writeSync(3, `${JSON.stringify(msg)}\n`);
  } catch {
    /* the parent is gone */
  }
};

const PROCFS = process.platform === 'linux';

let cfg;
let startTime;
let stopping = false;
let done = false;

/** Whether the pid is still the server we were given, and alive (a zombie has exited). */
const isServer = () => {
  if (PROCFS) {
    const stat = statOf(cfg.pid);
    return startTime !== undefined && stat !== undefined && stat.startTime === startTime && stat.state !== 'Z';
  }
  try {
    process.kill(cfg.pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

const killGroup = (sig) => {
  if (!isServer()) return;
  try {
    process.kill(-cfg.pid, sig);
  } catch {
    try {
      process.kill(cfg.pid, sig);
    } catch {
      /* gone */
    }
  }
};

const finish = () => {
  if (done) return;
  done = true;
  if (cfg && cfg.removeDir) {
    try {
      fs.rmSync(cfg.removeDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  process.exit(0);
};

const stop = (why) => {
  if (stopping || done) return;
  stopping = true;
  if (!cfg) process.exit(0); // the parent went before it said what to watch: nothing to stop
  if (why === 'signal') send({ type: 'stopping' });
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), cfg.graceMs).unref();
  // Not our child: we cannot wait for it, so we look. Once the parent is gone, init reaps it.
  const poll = setInterval(() => {
    if (!isServer()) finish();
  }, 25);
  poll.unref();
  // Never outlive it by much: a server that ignores SIGKILL (uninterruptible I/O) is not ours to wait for.
  setTimeout(() => finish(), cfg.graceMs + 10_000);
};

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop('signal'));

// stdin: the first line is the config, a later `exited` line says the server is gone; EOF
// without it means the parent is gone.
let buffered = '';
process.stdin.on('data', (chunk) => {
  buffered += chunk.toString();
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (!cfg) {
      cfg = JSON.parse(line);
      // The start time the parent read right after spawning it (or, where it could not, now).
      startTime = PROCFS ? cfg.startTime ?? statOf(cfg.pid)?.startTime : undefined;
      if (PROCFS && !isServer()) finish(); // already gone (or the pid is no longer the server's)
    } else if (line === 'exited') {
      finish();
    }
  }
});
process.stdin.on('end', () => stop('parent'));
process.stdin.on('close', () => stop('parent'));
process.stdin.on('error', () => stop('parent'));
