/** What `npm pack` ships: the files the built code reads beside itself, and no import of a devDependency. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

let files: string[] = [];

beforeAll(async () => {
  // --ignore-scripts: pack the dist/ that `npm test` built, without building again.
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { maxBuffer: 64 * 1024 * 1024 });
  files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}, 120_000);

describe('the npm package', () => {
  it('carries the non-TypeScript assets the built code reads (watchdog, HTML report stylesheet and script)', () => {
    for (const asset of ['dist/emulator/minio/watchdog.cjs', 'dist/emulator/minio/proc-stat.cjs', 'dist/harness/reporters/assets/report.css', 'dist/harness/reporters/assets/report.js']) {
      expect(files, asset).toContain(asset);
    }
  });

  it('carries no test helpers (test passwords, the test SRP client) and no benchmarks', () => {
    expect(files.filter((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/') || /testing\.(js|d\.ts)$/.test(f))).toStrictEqual([]);
  });

  it('imports at run time only what it depends on: a package used for types only is a devDependency', async () => {
    const manifest = JSON.parse(await readFile('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
    const shipped = new Set([...Object.keys(manifest['dependencies'] ?? {}), ...Object.keys(manifest['peerDependencies'] ?? {})]);
    const devOnly = Object.keys(manifest['devDependencies'] ?? {}).filter((name) => !shipped.has(name));
    const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)["']([^"'./][^"']*)["']/gm;
    const offenders: string[] = [];
    for (const file of files.filter((f) => /\.(c|m)?js$/.test(f))) {
      const text = await readFile(file, 'utf8');
      for (const [, spec] of text.matchAll(specifier)) {
        const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
        if (devOnly.includes(name)) offenders.push(`${file} imports ${spec}`);
      }
    }
    expect(offenders).toStrictEqual([]);
  });
});
