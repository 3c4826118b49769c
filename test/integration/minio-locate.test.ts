/**
 * Finding and building MinIO: lookup order, the one-build-per-machine lock (exercised with a fake
 * `go` across real processes), failure messages, and the doctor's diagnosis of this machine.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMinio } from '../../cli/commands/doctor-minio.js';
import { MinioBuildError, ensureMinio } from '../../emulator/minio/build.js';
import { MinioNotFoundError, cachedMinioPath, locateMinio, minioCacheDir } from '../../emulator/minio/locate.js';
import { MINIO_VERSION } from '../../emulator/minio/version.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ase-minio-locate-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function executable(path: string, body: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * A stand-in for `go`: answers `go env GOVERSION`; `go mod download -json` names a read-only module
 * folder (as the module cache holds one) whose cmd/bootstrap-peer-server.go has the lines the
 * start-up patch changes (FAKE_GO_SOURCE=other: not); `go build` checks that the source it builds
 * is patched and writes a tiny `minio` to its `-o` path after `FAKE_GO_DELAY` seconds, logging each
 * build (pid and arguments) to $FAKE_GO_LOG. FAKE_GO_FAIL=1 makes the build print 30 lines and
 * fail; FAKE_GO_DOWNLOAD_FAIL=1 makes the download fail as go does without a proxy.
 */
async function fakeGo(dir: string): Promise<string> {
  return executable(join(dir, 'go'), `
PATH=/usr/bin:/bin
case "$1" in
  env) echo go1.26.0 ;;
  mod)
    if [ "$FAKE_GO_DOWNLOAD_FAIL" = 1 ]; then
      printf '{\n\t"Path": "github.com/minio/minio",\n\t"Error": "module lookup disabled by GOPROXY=off"\n}\n'
      exit 1
    fi
    mod="${dir}/modcache/minio"
    if [ ! -d "$mod" ]; then
      mkdir -p "$mod/cmd"
      if [ "$FAKE_GO_SOURCE" = other ]; then
        printf 'package cmd\n' > "$mod/cmd/bootstrap-peer-server.go"
      else
        printf 'package cmd\nvar binaryChecksum = getBinaryChecksum()\nfunc f() { _ = ServerSystemConfig{Checksum: binaryChecksum} }\n' > "$mod/cmd/bootstrap-peer-server.go"
      fi
      printf 'module github.com/minio/minio\n' > "$mod/go.mod"
      chmod -R a-w "$mod"
    fi
    printf '{\n\t"Path": "github.com/minio/minio",\n\t"Dir": "%s"\n}\n' "$mod" ;;
  build)
    echo "$$ $*" >> "$FAKE_GO_LOG"
    if [ "$FAKE_GO_FAIL" = 1 ]; then
      for i in $(seq 1 30); do echo "go: compile step $i" >&2; done
      echo "go: fatal: something broke" >&2
      exit 2
    fi
    grep -q 'sync.OnceValue(getBinaryChecksum)' cmd/bootstrap-peer-server.go && grep -q 'Checksum: binaryChecksum()}' cmd/bootstrap-peer-server.go || { echo "unpatched source" >&2; exit 3; }
    echo "github.com/minio/minio/cmd" >&2
    sleep "\${FAKE_GO_DELAY:-0}"
    while [ "$1" != -o ]; do shift; done
    printf '#!/bin/sh\\necho "minio version FAKE"\\n' > "$2"
    chmod +x "$2" ;;
  *) exit 1 ;;
esac`);
}

/** A build with the fake go under `work/<name>` and `fakeEnv` set, expected to fail. */
async function failedBuild(name: string, fakeEnv: Record<string, string>): Promise<{ err: MinioBuildError; log: string; env: NodeJS.ProcessEnv }> {
  const root = join(work, name);
  const go = await fakeGo(join(root, 'tools'));
  const log = join(root, 'log');
  const env = { PATH: join(work, 'empty'), XDG_CACHE_HOME: join(root, 'cache'), HOME: root, FAKE_GO_LOG: log, ...fakeEnv };
  const err = await ensureMinio({ env, go }).catch((e: unknown) => e) as MinioBuildError;
  expect(err).toBeInstanceOf(MinioBuildError);
  return { err, log, env };
}

/** What a failed build leaves in the cache folder, besides the failure record for the waiters. */
async function leftAfterFailure(env: NodeJS.ProcessEnv): Promise<string[]> {
  return (await readdir(minioCacheDir({ env }))).filter((f) => f !== '.build-error.json');
}

async function installs(log: string): Promise<number> {
  return existsSync(log) ? (await readFile(log, 'utf8')).split('\n').filter(Boolean).length : 0;
}

describe('locateMinio', () => {
  it('looks at MINIO_BINARY, then PATH, then the per-user cache', async () => {
    const root = join(work, 'order');
    const cache = join(root, 'cache');
    const fromEnv = await executable(join(root, 'env/minio'), 'echo env');
    const binDir = join(root, 'bin');
    const onPath = await executable(join(binDir, 'minio'), 'echo path');
    const cached = cachedMinioPath({ env: { XDG_CACHE_HOME: cache } });
    // The build flags are in the folder's name: a binary built without them is not this build.
    expect(cached).toBe(join(cache, 'amplify-storage-emulator/minio', `${MINIO_VERSION}-stripped-lazy-checksum`, 'minio'));
    expect(minioCacheDir({ env: { HOME: root } })).toBe(join(root, '.cache/amplify-storage-emulator/minio', `${MINIO_VERSION}-stripped-lazy-checksum`));

    const none = { PATH: join(root, 'empty'), XDG_CACHE_HOME: cache, HOME: root };
    expect(await locateMinio({ env: none })).toBeUndefined();
    await executable(cached, 'echo cache');
    expect(await locateMinio({ env: none })).toEqual({ path: cached, source: 'cache' });
    expect(await locateMinio({ env: { ...none, PATH: binDir } })).toEqual({ path: onPath, source: 'path' });
    expect(await locateMinio({ env: { ...none, PATH: binDir, MINIO_BINARY: fromEnv } })).toEqual({ path: fromEnv, source: 'env' });
  });

  it('refuses a MINIO_BINARY that is not an executable file instead of ignoring it', async () => {
    await expect(locateMinio({ env: { MINIO_BINARY: join(work, 'missing/minio'), PATH: '' } }))
      .rejects.toThrow(/MINIO_BINARY=.*missing\/minio is not an executable file/);
  });
});

describe('ensureMinio', () => {
  it('says how to install Go when there is no MinIO and no Go', async () => {
    const env = { PATH: join(work, 'empty'), XDG_CACHE_HOME: join(work, 'no-go'), HOME: work };
    const err = await ensureMinio({ env, go: join(work, 'missing/go') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MinioNotFoundError);
    expect((err as Error).message).toMatch(/Go is not installed/);
    expect((err as Error).message).toMatch(/install Go ≥1\.24: apt-get install golang/);
    expect((err as Error).message).toMatch(/MINIO_BINARY/);
  });

  it('builds a patched copy of the pinned source into a temp folder and renames it into the cache, streaming progress', async () => {
    const root = join(work, 'build');
    const go = await fakeGo(join(root, 'tools'));
    const log = join(root, 'installs.log');
    const env = { PATH: join(work, 'empty'), XDG_CACHE_HOME: join(root, 'cache'), HOME: root, FAKE_GO_LOG: log };
    const progress: string[] = [];
    const found = await ensureMinio({ env, go, onProgress: (l) => progress.push(l) });
    expect(found).toEqual({ path: cachedMinioPath({ env }), source: 'cache' });
    expect(progress[0]).toMatch(/go build -trimpath '-ldflags=-s -w' of github\.com\/minio\/minio@v0\.0\.0-20260212201848-7aac2a2c5b7c, patched to skip hashing its own binary at start/);
    // Stripped (no symbol table, no DWARF), and from the patched copy (the fake refuses to build
    // an unpatched one), never from the module cache, which stays as it was.
    expect(await readFile(log, 'utf8')).toMatch(/^\d+ build -v -trimpath -ldflags=-s -w -o \S+\/\.build-\w+\/bin\/minio \.\n$/);
    expect(await readFile(join(root, 'tools/modcache/minio/cmd/bootstrap-peer-server.go'), 'utf8')).toContain('var binaryChecksum = getBinaryChecksum()');
    expect(progress).toContain('github.com/minio/minio/cmd');
    expect(progress.at(-1)).toMatch(/^built MinIO/);
    // Nothing left behind but the binary.
    expect(await readdir(minioCacheDir({ env }))).toEqual(['minio']);
    // Found from now on, without building.
    expect(await ensureMinio({ env, go })).toEqual(found);
    expect(await installs(log)).toBe(1);
  });

  it('builds exactly once when several calls in one process ask at the same time', async () => {
    const root = join(work, 'same-process');
    const go = await fakeGo(join(root, 'tools'));
    const log = join(root, 'installs.log');
    const env = { PATH: join(work, 'empty'), XDG_CACHE_HOME: join(root, 'cache'), HOME: root, FAKE_GO_LOG: log, FAKE_GO_DELAY: '0.5' };
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureMinio({ env, go })));
    expect(new Set(results.map((r) => r.path)).size).toBe(1);
    expect(await installs(log)).toBe(1);
  });

  it('builds exactly once when several processes (vitest workers) ask at the same time', async () => {
    const root = join(work, 'processes');
    const go = await fakeGo(join(root, 'tools'));
    const log = join(root, 'installs.log');
    const compiled = await compileMinioModules(join(root, 'js'));
    await writeFile(join(compiled, 'ensure.mjs'), `
      import { ensureMinio } from './build.js';
      const found = await ensureMinio({ go: process.argv[2], pollMs: 50 });
      console.log(JSON.stringify(found));
    `);
    const env = { ...process.env, MINIO_BINARY: '', PATH: join(work, 'empty'), XDG_CACHE_HOME: join(root, 'cache'), FAKE_GO_LOG: log, FAKE_GO_DELAY: '1' };
    const outputs = await Promise.all([1, 2, 3, 4, 5].map(() => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(compiled, 'ensure.mjs'), go], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}`))));
    })));
    const paths = outputs.map((o) => (JSON.parse(o) as { path: string }).path);
    expect(new Set(paths)).toEqual(new Set([cachedMinioPath({ env })]));
    expect(await installs(log)).toBe(1);
    expect(await readdir(minioCacheDir({ env }))).toEqual(['minio']);
  });

  it('reports a failed build with the last lines of go\'s output, and leaves nothing behind', async () => {
    const { err, env } = await failedBuild('fail', { FAKE_GO_FAIL: '1' });
    expect(err.message).toMatch(/`go build github\.com\/minio\/minio@.*` exited with 2/);
    expect(err.message).toContain('go: fatal: something broke');
    expect(err.message).toContain('go: compile step 30');
    expect(err.message).not.toContain('go: compile step 5\n');
    expect(await leftAfterFailure(env)).toEqual([]);
  });

  it('reports a module it cannot download with go\'s reason, and leaves nothing behind', async () => {
    const { err, log, env } = await failedBuild('no-proxy', { FAKE_GO_DOWNLOAD_FAIL: '1' });
    expect(err.message).toMatch(/`go mod download github\.com\/minio\/minio@.*` exited with 1/);
    expect(err.message).toContain('module lookup disabled by GOPROXY=off');
    expect(await installs(log)).toBe(0);
    expect(await leftAfterFailure(env)).toEqual([]);
  });

  it('refuses to build a source the start-up patch does not fit, naming the patch, and leaves nothing behind', async () => {
    const { err, log, env } = await failedBuild('other-source', { FAKE_GO_SOURCE: 'other' });
    expect(err.message).toMatch(/cmd\/bootstrap-peer-server\.go holds `var binaryChecksum = getBinaryChecksum\(\)` nowhere.*emulator\/minio\/source-patch\.ts/);
    expect(await installs(log)).toBe(0);
    expect(await leftAfterFailure(env)).toEqual([]);
  });

  it('takes over a lock left by a dead process, and one whose holder has gone quiet', async () => {
    const dead = await new Promise<number>((resolve) => {
      const child = spawn('true');
      child.on('exit', () => resolve(child.pid ?? 999_999));
    });
    for (const [name, lock, age] of [
      ['dead-holder', { pid: dead, host: hostname(), nonce: 'a', since: Date.now() }, 0],
      ['quiet-holder', { pid: process.pid, host: 'another-host', nonce: 'b', since: 0 }, 3600],
    ] as const) {
      const root = join(work, name);
      const go = await fakeGo(join(root, 'tools'));
      const env = { PATH: join(work, 'empty'), XDG_CACHE_HOME: join(root, 'cache'), HOME: root, FAKE_GO_LOG: join(root, 'log') };
      const dir = minioCacheDir({ env });
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, '.build.lock'), JSON.stringify(lock));
      const past = new Date(Date.now() - age * 1000);
      await utimes(join(dir, '.build.lock'), past, past);
      const progress: string[] = [];
      const found = await ensureMinio({ env, go, pollMs: 20, onProgress: (l) => progress.push(l) });
      expect(found.source).toBe('cache');
      expect(progress.join('\n')).toMatch(/removing a stale MinIO build lock/);
      expect(await readdir(dir)).toEqual(['minio']);
    }
  });

  it('fails the waiters too when the process holding the lock fails its build', async () => {
    const root = join(work, 'waiter');
    const go = await fakeGo(join(root, 'tools'));
    const env = { PATH: join(work, 'empty'), XDG_CACHE_HOME: join(root, 'cache'), HOME: root, FAKE_GO_LOG: join(root, 'log') };
    const dir = minioCacheDir({ env });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.build.lock'), JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'c', since: Date.now() }));
    const waiting = ensureMinio({ env, go, pollMs: 20 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await writeFile(join(dir, '.build-error.json'), JSON.stringify({ at: Date.now(), message: 'Building MinIO failed: elsewhere', tail: ['x'] }));
    const err = await waiting;
    expect(err).toBeInstanceOf(MinioBuildError);
    expect((err as Error).message).toBe('Building MinIO failed: elsewhere');
    expect(await installs(join(root, 'log'))).toBe(0);
  });
});

describe('describeMinio', () => {
  it('describes this machine for `doctor`', async () => {
    const d = await describeMinio();
    console.log(JSON.stringify(d, null, 2));
    expect(d.pinnedVersion).toBe(MINIO_VERSION);
    expect(d.source).not.toBe('none');
    expect(d.binary?.versionOutput).toMatch(/^minio version/);
    if (d.go.present && d.source === 'cache') {
      expect(d.binary?.moduleVersion).toBe(MINIO_VERSION);
      expect(d.binary?.isPinned).toBe(true);
      expect(d.binary?.builtHere).toBe(true);
    }
    expect(typeof d.docker.reachable).toBe('boolean');
    expect(d.docker.detail).toBeTruthy();
  });

  it('reports a bad MINIO_BINARY and a missing Go', async () => {
    const d = await describeMinio({ env: { MINIO_BINARY: '/nonexistent/minio', PATH: '', HOME: work }, go: '/nonexistent/go' });
    expect(d.source).toBe('none');
    expect(d.locateError).toMatch(/MINIO_BINARY=\/nonexistent\/minio/);
    expect(d.go).toEqual({ present: false });
  });
});

/** Transpiles emulator/minio/*.ts into `out`, runnable by plain node (node_modules symlinked). */
async function compileMinioModules(out: string): Promise<string> {
  await mkdir(out, { recursive: true });
  const src = join(REPO, 'emulator/minio');
  for (const file of await readdir(src)) {
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
