/**
 * MinioServer against the real pinned MinIO: lifecycle and clean-up (no orphans, ever), start-up
 * failures, region behaviour, virtual-host requests, and the admin helpers.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { Agent, get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import {
  CreateBucketCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioAdmin, MinioAdminError } from '../../emulator/minio/admin.js';
import { ensureMinio } from '../../emulator/minio/build.js';
import { MinioServer, MinioStartError, validateDomains, type StartedMinio } from '../../emulator/minio/server.js';
import { sendSigned } from '../../emulator/minio/sigv4.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The watchdog's own reading of /proc/<pid>/stat. */
const { statOf } = createRequire(import.meta.url)('../../emulator/minio/proc-stat.cjs') as {
  statOf(pid: number): { state: string; parentPid: number; startTime: string } | undefined;
};
let binary: string;

beforeAll(async () => {
  binary = (await ensureMinio({ onProgress: (l) => console.log(`[minio build] ${l}`) })).path;
});

/** Running (a zombie, already dead and waiting for its parent to reap it, does not count). */
function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS): trust kill(0)
  }
}

async function waitDead(pid: number, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

function s3For(minio: StartedMinio, region: string, extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}): S3Client {
  return new S3Client({
    region,
    endpoint: minio.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword },
    maxAttempts: 1,
    ...extra,
  });
}

/** An http.Agent that connects every request to 127.0.0.1:port, whatever the URL's host says. */
function loopbackAgent(port: number): Agent {
  const agent = new Agent({ keepAlive: false });
  return Object.assign(agent, { createConnection: () => connect(port, '127.0.0.1') });
}

describe('MinioServer lifecycle', () => {
  it('starts on loopback, and stop() leaves no process and no data dir', async () => {
    const minio = await new MinioServer(binary).start();
    console.log(`MinIO ready in ${minio.startupMs} ms (no OpenID)`);
    expect(minio.endpoint).toBe(`http://127.0.0.1:${minio.port}`);
    expect(await httpStatus(`${minio.endpoint}/minio/health/cluster`)).toBe(200);
    expect(existsSync(minio.dataDir)).toBe(true);
    expect(isAlive(minio.pid)).toBe(true);
    expect(isAlive(minio.watchdogPid)).toBe(true);
    expect(minio.region).toBeUndefined();
    expect(minio.domains).toContain('s3.us-east-1.amazonaws.com');
    expect(minio.domains).toContain('s3.eu-west-1.amazonaws.com');

    // Nothing answers on a non-loopback address of this machine.
    const external = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    if (external) {
      await expect(new Promise((resolve, reject) => {
        const s = connect(minio.port, external.address);
        s.on('connect', () => { s.destroy(); resolve('connected'); });
        s.on('error', reject);
      })).rejects.toThrow(/ECONNREFUSED/);
    }

    const stopping = Date.now();
    await minio.stop();
    console.log(`MinIO stopped in ${Date.now() - stopping} ms`);
    expect(isAlive(minio.pid)).toBe(false);
    expect(await waitDead(minio.watchdogPid)).toBe(true);
    expect(existsSync(minio.dataDir)).toBe(false);
    await minio.stop(); // idempotent
  });

  it('is disposed by `await using`', async () => {
    let pid = 0;
    let dataDir = '';
    {
      await using minio = await new MinioServer(binary).withRootCredentials('admin-user', 'admin-password-1').start();
      pid = minio.pid;
      dataDir = minio.dataDir;
      expect(minio.rootUser).toBe('admin-user');
      expect(minio.rootPassword).toBe('admin-password-1');
    }
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('reports a MinIO that dies on its own through `exited`, and still cleans up', async () => {
    const minio = await new MinioServer(binary).start();
    process.kill(minio.pid, 'SIGKILL');
    expect(await minio.exited).toEqual({ code: null, signal: 'SIGKILL', requested: false });
    expect(existsSync(minio.dataDir)).toBe(false);
    expect(await waitDead(minio.watchdogPid)).toBe(true);
    await minio.stop();
  });

  it('keeps MinIO out of the user\'s home and its password off command lines', async () => {
    await using minio = await new MinioServer(binary).start();
    for (const pid of [minio.pid, minio.watchdogPid]) {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(minio.rootPassword);
    }
    const cmdline = readFileSync(`/proc/${minio.pid}/cmdline`, 'utf8').split('\0');
    const certs = cmdline[cmdline.indexOf('--certs-dir') + 1] ?? '';
    expect(join(certs, '..')).toBe(join(minio.dataDir, '..'));
    expect(cmdline).toContain(`127.0.0.1:${minio.port}`);
  });
});

describe('MinioServer start-up failures', () => {
  it('rejects overlapping domains before starting anything', () => {
    expect(() => new MinioServer(binary).withDomains(['s3.amazonaws.com', 'b.s3.amazonaws.com'])).toThrow(/lies under/);
    // MinIO's own rule is character-wise: one domain may not be the common suffix of all.
    expect(() => validateDomains(['a.com', 'ba.com'])).toThrow(/suffix of every other domain/);
    expect(() => validateDomains(['not a domain'])).toThrow(/not a valid domain/);
    expect(validateDomains(['s3.amazonaws.com', 's3.us-east-1.amazonaws.com'])).toHaveLength(2);
  });

  it.each([
    ['one domain under another', 's3.amazonaws.com,b.s3.amazonaws.com'],
    ['character-wise common suffix', 'a.com,ba.com'],
  ])('MinIO itself refuses overlapping MINIO_DOMAIN (%s): the error carries its log lines and nothing is left', async (_, domains) => {
    const err = await new MinioServer(binary).withEnv({ MINIO_DOMAIN: domains }).start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MinioStartError);
    const e = err as MinioStartError;
    expect(e.message).toMatch(/exited during start-up/);
    expect(e.message).toMatch(/Overlapping domains/);
    expect(e.logTail.join('\n')).toMatch(/Invalid MINIO_DOMAIN value/);
    expect(e.pid).toBeGreaterThan(0);
    expect(isAlive(e.pid)).toBe(false);
    expect(e.dataDir && existsSync(e.dataDir)).toBe(false);
  });

  it('rejects a binary path that does not exist, spawning nothing', async () => {
    const err = await new MinioServer('/nonexistent/minio').start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MinioStartError);
    expect((err as Error).message).toMatch(/\/nonexistent\/minio is not an executable file/);
    expect((err as MinioStartError).pid).toBeUndefined();
  });

  it('reports only the last 20 lines of a server that dies at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ase-fake-minio-'));
    const fake = join(dir, 'minio');
    await writeFile(fake, '#!/bin/sh\nfor i in $(seq 1 30); do echo "fake line $i"; done\necho "FATAL fake failure" >&2\nexit 3\n');
    await chmod(fake, 0o755);
    try {
      const err = await new MinioServer(fake).start().catch((e: unknown) => e) as MinioStartError;
      expect(err).toBeInstanceOf(MinioStartError);
      expect(err.message).toMatch(/exited during start-up \(code 3\)/);
      expect(err.logTail).toHaveLength(20);
      expect(err.message).toContain('FATAL fake failure');
      expect(err.message).toContain('fake line 30');
      expect(err.message).not.toContain('fake line 10\n');
      expect(isAlive(err.pid)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('times out when IAM never gets ready (OpenID provider unreachable), and kills MinIO', async () => {
    const err = await new MinioServer(binary)
      .withOpenId({ configUrl: 'http://127.0.0.1:1/.well-known/openid-configuration', clientId: 'x' })
      .withStartupTimeout(15_000)
      .start()
      .catch((e: unknown) => e) as MinioStartError;
    expect(err).toBeInstanceOf(MinioStartError);
    expect(err.message).toMatch(/not ready within 15000 ms.*HTTP 503/);
    expect(err.message).toMatch(/Unable to initialize OpenID/);
    expect(await waitDead(err.pid ?? -1, 1_000)).toBe(true);
    expect(err.dataDir && existsSync(err.dataDir)).toBe(false);
  });
});

describe('the watchdog beside MinIO', () => {
  const WATCHDOG = join(REPO, 'emulator/minio/watchdog.cjs');

  it('runs beside MinIO, not above it: both are this process\'s children, so MinIO\'s start waits for no other process', async () => {
    await using minio = await new MinioServer(binary).start();
    expect(statOf(minio.pid)?.parentPid).toBe(process.pid);
    expect(statOf(minio.watchdogPid)?.parentPid).toBe(process.pid);
  });

  it('stops MinIO on a Ctrl-C (SIGINT to the watchdog, which is in the foreground group), reported as requested', async () => {
    const minio = await new MinioServer(binary).start();
    process.kill(minio.watchdogPid, 'SIGINT');
    expect(await minio.exited).toEqual({ code: 0, signal: null, requested: true });
    expect(isAlive(minio.pid)).toBe(false);
    expect(existsSync(minio.dataDir)).toBe(false);
    await minio.stop();
  });

  /** Runs watchdog.cjs on its own for process `pid`, as the supervisor would; resolves when it exits. */
  async function watch(pid: number, startTime: string | undefined, removeDir: string): Promise<{ exitedMs: number }> {
    const dog = spawn(process.execPath, [WATCHDOG], { stdio: ['pipe', 'ignore', 'inherit', 'pipe'] });
    const started = Date.now();
    const gone = new Promise<void>((r) => dog.on('exit', () => r()));
    dog.stdin!.write(`${JSON.stringify({ pid, graceMs: 200, removeDir, ...(startTime ? { startTime } : {}) })}\n`);
    await new Promise((r) => setTimeout(r, 200)); // it has read its config
    dog.stdin!.end(); // as when the parent dies
    await gone;
    return { exitedMs: Date.now() - started };
  }

  it('never signals a process that is not the one it was given (a reused pid: another start time)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ase-watchdog-'));
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      const { exitedMs } = await watch(other.pid!, '1', dir);
      expect(exitedMs).toBeLessThan(3_000); // it did not wait for a process that is not its server
      expect(isAlive(other.pid)).toBe(true);
      expect(existsSync(dir)).toBe(false);
    } finally {
      other.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops its server\'s process group when its pipe closes, and removes the folder once it is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ase-watchdog-'));
    const server = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const serverGone = new Promise<NodeJS.Signals | null>((r) => server.on('exit', (_, signal) => r(signal)));
    try {
      await watch(server.pid!, statOf(server.pid!)?.startTime, dir);
      expect(await serverGone).toBe('SIGTERM');
      expect(existsSync(dir)).toBe(false);
    } finally {
      server.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The parent dies: a separate node process starts a server from the compiled modules.

/** Transpiles emulator/minio/*.ts to a temp dir runnable by plain node (node_modules symlinked). */
async function compileMinioModules(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'ase-minio-js-'));
  const src = join(REPO, 'emulator/minio');
  for (const file of await readdir(src)) {
    if (file.endsWith('.cjs')) await writeFile(join(out, file), await readFile(join(src, file)));
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const { outputText } = ts.transpileModule(await readFile(join(src, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    await writeFile(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await symlink(join(REPO, 'node_modules'), join(out, 'node_modules'));
  return out;
}

describe('no orphans when the parent dies', () => {
  let compiled: string;
  beforeAll(async () => {
    compiled = await compileMinioModules();
    await writeFile(join(compiled, 'child.mjs'), `
      import { MinioServer } from './server.js';
      const minio = await new MinioServer(process.argv[2]).start();
      console.log(JSON.stringify({ pid: minio.pid, watchdogPid: minio.watchdogPid, dataDir: minio.dataDir }));
      setInterval(() => {}, 1000);
    `);
  });
  afterAll(async () => {
    if (compiled) await rm(compiled, { recursive: true, force: true });
  });

  it.each(['SIGKILL', 'SIGTERM', 'SIGINT'] as const)('parent killed with %s: MinIO dies within seconds', async (signal) => {
    const child = spawn(process.execPath, [join(compiled, 'child.mjs'), binary], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on('exit', (code, sig) => r(sig ?? code)));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', () => reject(new Error('child exited before starting MinIO')));
    });
    const info = JSON.parse(first) as { pid: number; watchdogPid: number; dataDir: string };
    expect(isAlive(info.pid)).toBe(true);
    child.kill(signal);
    // No handler in the library: the parent dies of the signal, and its watchdog, seeing its pipe
    // close, stops MinIO.
    expect(await exited).toBe(signal);
    const t = Date.now();
    expect(await waitDead(info.pid, 5_000)).toBe(true);
    console.log(`${signal} of the parent: MinIO gone ${Date.now() - t} ms after the parent`);
    expect(await waitDead(info.watchdogPid, 5_000)).toBe(true);
    const until = Date.now() + 3_000;
    while (existsSync(info.dataDir) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(info.dataDir)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('regions', () => {
  it('with no region set, one MinIO accepts signatures for any credential-scope region', async () => {
    await using minio = await new MinioServer(binary).start();
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      const s3 = s3For(minio, region);
      const bucket = `bucket-${region}`;
      await s3.send(new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
      }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: region }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
      expect(await got.Body?.transformToString()).toBe(region);
      const listed = await s3.send(new ListBucketsCommand({}));
      expect(listed.Buckets?.map((b) => b.Name)).toContain(bucket);
    }
  });

  it('with a region set, a signature for another region is refused (AuthorizationHeaderMalformed), except ListBuckets', async () => {
    await using minio = await new MinioServer(binary).withRegion('us-east-1').start();
    expect(minio.region).toBe('us-east-1');
    const home = s3For(minio, 'us-east-1');
    await home.send(new CreateBucketCommand({ Bucket: 'bucket1' }));
    await home.send(new PutObjectCommand({ Bucket: 'bucket1', Key: 'k', Body: 'v' }));
    const away = s3For(minio, 'eu-west-1');
    for (const command of [new GetObjectCommand({ Bucket: 'bucket1', Key: 'k' }), new ListObjectsV2Command({ Bucket: 'bucket1' })]) {
      const err = await away.send(command as GetObjectCommand).catch((e: unknown) => e) as Error;
      expect(err.name).toBe('AuthorizationHeaderMalformed');
      expect(err.message).toMatch(/expecting 'us-east-1'/);
    }
    // MinIO skips the region check for ListBuckets and GetBucketLocation (as AWS's global endpoint does).
    await away.send(new ListBucketsCommand({}));
  });
});

describe('virtual-host requests and admin helpers', () => {
  let minio: StartedMinio;
  let admin: MinioAdmin;
  beforeAll(async () => {
    minio = await new MinioServer(binary).start();
    admin = new MinioAdmin(minio);
    await admin.ensureBucket('bucket1');
    await admin.putObject('bucket1', 'dir/hello.txt', 'hello vhost', 'text/plain');
  });
  afterAll(async () => {
    await minio?.stop();
  });

  it.each(['us-east-1', 'eu-west-1'])('serves <bucket>.s3.%s.amazonaws.com (AWS SDK, connection sent to loopback)', async (region) => {
    const s3 = new S3Client({
      region,
      endpoint: `http://s3.${region}.amazonaws.com`,
      forcePathStyle: false,
      credentials: { accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword },
      requestHandler: { httpAgent: loopbackAgent(minio.port) },
      maxAttempts: 1,
    });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket1', Key: 'dir/hello.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello vhost');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket1', Key: `vhost-${region}.txt`, Body: 'x' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket1', Prefix: 'vhost-' }));
    expect(listed.Contents?.map((c) => c.Key)).toContain(`vhost-${region}.txt`);
  });

  it('verifies SigV4 over the Host header as received (raw request to 127.0.0.1 with Host: bucket1.s3.us-east-1.amazonaws.com)', async () => {
    const creds = { accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword };
    const ok = await sendSigned({
      url: `${minio.endpoint}/dir/hello.txt`, method: 'GET', credentials: creds, region: 'us-east-1', service: 's3',
      host: 'bucket1.s3.us-east-1.amazonaws.com',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('hello vhost');
    // A domain MinIO was not given is not virtual-host: the path's first segment is taken as the bucket.
    const notOurs = await sendSigned({
      url: `${minio.endpoint}/dir/hello.txt`, method: 'GET', credentials: creds, region: 'us-east-1', service: 's3',
      host: 'bucket1.example.com',
    });
    expect(notOurs.status).toBe(404);
    expect(notOurs.body).toMatch(/NoSuchBucket/);
  });

  it('surfaces MinIO\'s reason when it refuses a canned policy', async () => {
    const err = await admin.addCannedPolicy('acl', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:PutObjectAcl'], Resource: ['arn:aws:s3:::bucket1/*'] }],
    }).catch((e: unknown) => e) as MinioAdminError;
    expect(err).toBeInstanceOf(MinioAdminError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('XMinioMalformedIAMPolicy');
    expect(err.message).toMatch(/unsupported action 's3:PutObjectAcl'/);
  });

  it('adds, lists and removes canned policies (removing a missing one is fine)', async () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::bucket1/*'] }] };
    await admin.addCannedPolicy('read-all', doc);
    await admin.addCannedPolicy('read-all', doc); // replace
    expect(Object.keys(await admin.listCannedPolicies())).toContain('read-all');
    await admin.removeCannedPolicy('read-all');
    expect(Object.keys(await admin.listCannedPolicies())).not.toContain('read-all');
    await admin.removeCannedPolicy('read-all');
    await expect(admin.addCannedPolicy('big', { Version: '2012-10-17', Statement: [], pad: 'x'.repeat(21 * 1024) }))
      .rejects.toThrow(/at most 20480/);
  });

  it('creates, fills, lists, empties and removes buckets', async () => {
    await admin.ensureBucket('bucket2');
    await admin.ensureBucket('bucket2');
    for (let i = 0; i < 5; i++) await admin.putObject('bucket2', `p/${i}.txt`, `body ${i}`);
    await admin.putObject('bucket2', 'q/x.bin', new Uint8Array([1, 2, 3]));
    expect(await admin.listKeys('bucket2')).toEqual(['p/0.txt', 'p/1.txt', 'p/2.txt', 'p/3.txt', 'p/4.txt', 'q/x.bin']);
    expect(await admin.listKeys('bucket2', 'q/')).toEqual(['q/x.bin']);
    await admin.emptyBucket('bucket2');
    expect(await admin.listKeys('bucket2')).toEqual([]);
    await admin.putObject('bucket2', 'again', 'x');
    await admin.removeBucket('bucket2');
    expect(await admin.client.bucketExists('bucket2')).toBe(false);
    await admin.removeBucket('bucket2');
    await admin.emptyBucket('bucket2');
  });
});
