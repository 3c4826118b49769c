import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findGo } from './go.js';
import { patchMinioSource, SourcePatchError } from './source-patch.js';
import { MINIO_MODULE, MINIO_VERSION } from './version.js';

const FILE = 'cmd/bootstrap-peer-server.go';
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tree(text: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ase-source-patch-'));
  dirs.push(root);
  await mkdir(join(root, 'cmd'));
  await writeFile(join(root, FILE), text);
  return root;
}

describe('the start-up patch of MinIO\'s source', () => {
  it('fits the pinned MinIO: it changes exactly the two lines that compute and read the binary\'s checksum', async () => {
    // The pinned module's own source, as `go mod download` (the build's first step) gives it.
    const go = await findGo(process.env);
    expect(go, 'Go is needed to build MinIO, and this test reads the same module').toBeDefined();
    const { Dir } = JSON.parse(execFileSync(go!.path, ['mod', 'download', '-json', `${MINIO_MODULE}@${MINIO_VERSION}`], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, GOWORK: 'off' } })) as { Dir: string };
    const root = await mkdtemp(join(tmpdir(), 'ase-source-patch-'));
    dirs.push(root);
    await cp(join(Dir, FILE), join(root, FILE));
    const before = (await readFile(join(root, FILE), 'utf8')).split('\n');
    await patchMinioSource(root);
    const after = (await readFile(join(root, FILE), 'utf8')).split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line.trim(), after[i]!.trim()]]));
    expect(changed).toEqual([
      ['scfg := &ServerSystemConfig{NEndpoints: globalEndpoints.NEndpoints(), MinioEnv: envValues, Checksum: binaryChecksum}',
        'scfg := &ServerSystemConfig{NEndpoints: globalEndpoints.NEndpoints(), MinioEnv: envValues, Checksum: binaryChecksum()}'],
      ['var binaryChecksum = getBinaryChecksum()', 'var binaryChecksum = sync.OnceValue(getBinaryChecksum)'],
    ]);
    // `sync` is imported by that file already, so the patched file needs nothing else.
    expect(after).toContain('\t"sync"');
  });

  it('refuses a source where an edit\'s text is missing, naming the file and the patch, and writes nothing', async () => {
    const root = await tree('package cmd\nvar binaryChecksum = getBinaryChecksum()\n');
    const err = await patchMinioSource(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourcePatchError);
    expect((err as Error).message).toBe(
      "MinIO's cmd/bootstrap-peer-server.go holds `Checksum: binaryChecksum}` nowhere, where the start-up patch " +
        '(emulator/minio/source-patch.ts) expects it once: update the patch for this version, or drop it',
    );
    expect(await readFile(join(root, FILE), 'utf8')).toBe('package cmd\nvar binaryChecksum = getBinaryChecksum()\n');
  });

  it('refuses text that occurs more than once (an edit must not land in the wrong place)', async () => {
    const root = await tree('var binaryChecksum = getBinaryChecksum()\nvar binaryChecksum = getBinaryChecksum()\nChecksum: binaryChecksum}\n');
    await expect(patchMinioSource(root)).rejects.toThrow(/holds `var binaryChecksum = getBinaryChecksum\(\)` 2 times/);
  });

  it('refuses a source without the file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ase-source-patch-'));
    dirs.push(root);
    await expect(patchMinioSource(root)).rejects.toThrow(/MinIO's source has no cmd\/bootstrap-peer-server\.go \(ENOENT\)/);
  });
});
