/**
 * MinIO binds with SO_REUSEPORT: a second server that binds a port the first holds is not refused,
 * the kernel shares the port and spreads connections between the two. Two stacks started in the
 * same instant used to probe the same port free and both bind it. These tests start servers the
 * way separate `ase up` processes do, at the same instant, and check that each one's port answers
 * with that server only; and that a port someone else shares (SO_REUSEPORT on [::1]) is given up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMinio } from '../../emulator/minio/build.js';
import { claimPort, foreignListeners, portIsFree } from '../../emulator/minio/ports.js';
import { MinioServer, MinioStartError } from '../../emulator/minio/server.js';
import { sendSigned } from '../../emulator/minio/sigv4.js';
import { assertBuilt, fixture } from '../helpers/cli.js';
import { exited, privateTmpDir } from '../helpers/processes.js';
import { rmSync } from 'node:fs';

const linux = process.platform === 'linux';
const python = spawnSync('python3', ['-c', 'import socket; socket.SO_REUSEPORT'], { stdio: 'ignore' }).status === 0;
let binary: string;
const tmp: string[] = [];

beforeAll(async () => {
  assertBuilt();
  binary = (await ensureMinio()).path;
});
afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface Child {
  child: ChildProcess;
  /** The first line the child printed, parsed. */
  first: Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** A child process (its own TMPDIR) that prints one JSON line, then waits until stdin closes. */
function child(command: string, args: string[]): Child {
  const dir = privateTmpDir('port-race');
  tmp.push(dir);
  const proc = spawn(command, args, { env: { ...process.env, TMPDIR: dir }, stdio: ['pipe', 'pipe', 'inherit'] });
  const first = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    proc.once('exit', (code, signal) => reject(new Error(`${args.join(' ')} exited (${signal ?? code}) before printing`)));
  });
  first.catch(() => {});
  const closed = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('close', () => resolve());
  });
  return {
    child: proc,
    first,
    stop: async () => {
      proc.stdin!.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux), as a stack's default
 * port is (4580): a port from the ephemeral range can be taken as some connection's source port
 * on a busy machine in the seconds before the servers start, and then neither may keep it.
 */
async function freeStablePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
}

/** Signed ListBuckets on `port`, each on a new connection: how many answered 200 out of `n`. */
async function answeredByOwnServer(port: number, rootUser: string, rootPassword: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const dispatcher = new Agent({ pipelining: 0 });
    try {
      const res = await sendSigned({
        url: `http://127.0.0.1:${port}/`, method: 'GET', region: 'us-east-1', service: 's3',
        credentials: { accessKeyId: rootUser, secretAccessKey: rootPassword }, dispatcher,
      });
      if (res.status === 200) ok++;
    } finally {
      await dispatcher.close();
    }
  }
  return ok;
}

describe.skipIf(!linux)('MinIO ports: no two servers share one', () => {
  it('two stacks started in the same instant with the same preferred port get one port each, several rounds', async () => {
    for (let round = 0; round < 4; round++) {
      const preferred = await freeStablePort();
      const at = Date.now() + 2_000; // both children are loaded and waiting by then
      const children = [0, 1].map(() => child(process.execPath, [fixture('minio/start-at.mjs'), String(preferred), String(at)]));
      try {
        const started = (await Promise.all(children.map((c) => c.first))) as Array<{ port: number; pid: number; rootUser: string; rootPassword: string; error?: string }>;
        for (const s of started) expect(s.error).toBeUndefined();
        const ports = started.map((s) => s.port);
        expect(new Set(ports).size, `round ${round}: preferred ${preferred}, got ${ports.join(' and ')}`).toBe(2);
        expect(ports).toContain(preferred); // one of them keeps it
        for (const s of started) {
          // On a shared port about half of these would reach the other server and be refused
          // (InvalidAccessKeyId): each server has its own root credentials.
          expect(await answeredByOwnServer(s.port, s.rootUser, s.rootPassword, 12), `round ${round}, port ${s.port}`).toBe(12);
          expect(await foreignListeners(s.port, s.pid)).toEqual([]);
        }
      } finally {
        await Promise.all(children.map((c) => c.stop()));
      }
    }
  });

  it('a port another stack has claimed is left to it, and the claim dies with its holder', async () => {
    const port = await freePort();
    const ports = new URL('../../dist/emulator/minio/ports.js', import.meta.url).href;
    const holder = child(process.execPath, ['--input-type=module', '-e',
      `const { claimPort } = await import(${JSON.stringify(ports)}); const c = await claimPort(${port}); console.log(JSON.stringify({ claimed: !!c })); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`]);
    try {
      expect(await holder.first).toEqual({ claimed: true });
      expect(await claimPort(port)).toBeUndefined();
      const strict = new MinioServer(binary).withPort(port);
      await expect(strict.start()).rejects.toThrow(`MinIO cannot listen on 127.0.0.1:${port}: another program uses that port`);
      await using minio = await new MinioServer(binary).withPort(port, { fallback: true }).start();
      expect(minio.port).not.toBe(port);
      holder.child.kill('SIGKILL');
      expect(await exited(holder.child.pid!)).toBe(true);
      const claim = await claimPort(port);
      expect(claim?.port).toBe(port);
      await claim!.release();
    } finally {
      await holder.stop();
    }
  });

  describe.skipIf(!python)('a port shared through SO_REUSEPORT', () => {
    // Python can set SO_REUSEPORT (Node 20 cannot). On [::1] only, so the free-port probe and
    // MinIO's own check (127.0.0.1) pass, and MinIO, which listens on [::1] too, shares it.
    const sharer = (port: number) => child('python3', ['-c', [
      'import socket, sys',
      's = socket.socket(socket.AF_INET6)',
      's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)',
      `s.bind(("::1", ${port})); s.listen(8)`,
      'print("{}", flush=True); sys.stdin.read()',
    ].join('\n')]);

    it('is given up for a fresh one when fallback is allowed', async () => {
      const port = await freePort();
      const other = sharer(port);
      try {
        await other.first;
        await using minio = await new MinioServer(binary).withPort(port, { fallback: true }).start();
        expect(minio.port).not.toBe(port);
        expect(await foreignListeners(minio.port, minio.pid)).toEqual([]);
        expect(await foreignListeners(port, other.child.pid!)).toEqual([]); // ours left it
      } finally {
        await other.stop();
      }
    });

    it('is an error naming the other listener when the port is required', async () => {
      const port = await freePort();
      const other = sharer(port);
      try {
        await other.first;
        const err = await new MinioServer(binary).withPort(port).start().then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(MinioStartError);
        expect((err as MinioStartError).message).toContain(`another process also listens on [::1]:${port}`);
        expect((err as MinioStartError).portConflict).toBe(true);
      } finally {
        await other.stop();
      }
    });
  });
});
