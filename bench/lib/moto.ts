import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** The peer, pinned so runs stay comparable; bump it here. */
export const MOTO_REQUIREMENT = 'moto[server]==5.2.5';

export type MotoAvailability =
  | { available: true; bin: string; version: string; installedMs?: number }
  | { available: false; reason: string };

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(command: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, stdout, stderr: (e as Error).message, timedOut });
      return;
    }
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (e) => { stderr += e.message; });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, timedOut }); });
  });
}

const tail = (text: string, lines = 4) => text.trim().split('\n').slice(-lines).join(' | ');

async function motoVersion(python: string): Promise<string | undefined> {
  const r = await run(python, ['-c', 'import moto; print(moto.__version__)'], 30_000);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * moto's server in a virtualenv of its own (created on first use: `python3 -m venv` and
 * `pip install moto[server]` from PyPI). Says why when it cannot be had.
 */
export async function ensureMoto(venv: string, log: (line: string) => void): Promise<MotoAvailability> {
  if (process.env.BENCH_SKIP_MOTO) return { available: false, reason: 'skipped: BENCH_SKIP_MOTO is set' };
  const bin = join(venv, 'bin', 'moto_server');
  const python = join(venv, 'bin', 'python');
  if (existsSync(bin)) {
    const version = await motoVersion(python);
    if (version) return { available: true, bin, version };
  }
  const started = performance.now();
  const systemPython = process.env.BENCH_PYTHON ?? 'python3';
  log(`moto is not installed yet: creating ${venv} and running pip install '${MOTO_REQUIREMENT}' (one time; PyPI)...`);
  const venvResult = await run(systemPython, ['-m', 'venv', venv], 120_000);
  if (venvResult.code !== 0) {
    return { available: false, reason: `cannot create a Python virtualenv with \`${systemPython} -m venv\` (${venvResult.timedOut ? 'timed out' : tail(venvResult.stderr) || `exit ${venvResult.code}`})` };
  }
  const pip = await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', MOTO_REQUIREMENT], 240_000);
  if (pip.code !== 0) {
    return { available: false, reason: `\`pip install '${MOTO_REQUIREMENT}'\` failed (${pip.timedOut ? 'timed out after 240 s' : tail(pip.stderr) || `exit ${pip.code}`})` };
  }
  const version = await motoVersion(python);
  if (!version || !existsSync(bin)) return { available: false, reason: 'moto installed but `moto_server` or `import moto` is missing' };
  return { available: true, bin, version, installedMs: performance.now() - started };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) > 0);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

export interface RunningMoto {
  port: number;
  endpoint: string;
  pid: number;
  /** spawn → first HTTP answer. */
  startupMs: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until it answers HTTP. */
export async function startMoto(bin: string): Promise<RunningMoto> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort: never leave a moto behind, whatever way this process ends.
    process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });
  }
  const port = await freePort();
  const started = performance.now();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let log = '';
  // moto logs every request on stderr: keep reading it (a full pipe would stall the server), keep the tail.
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { log = (log + d).slice(-4000); });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; running.delete(child); resolve(); }));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exitedPromise;
    clearTimeout(timer);
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = started + 30_000;
  while (!(await answers(`${endpoint}/`))) {
    if (exited || performance.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not start: ${tail(log)}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { port, endpoint, pid: child.pid ?? -1, startupMs: performance.now() - started, stop };
}
