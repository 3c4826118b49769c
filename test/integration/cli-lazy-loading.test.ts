/**
 * The CLI loads what a command needs and nothing else: `ase doctor` and `ase --help` answer
 * without the stack, the harness or the aws-amplify client (each would cost its module loading
 * on every call). Checked with an import hook in the child process recording every package import.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertBuilt, CLI, REPO_ROOT } from '../helpers/cli.js';

const HOOK = fileURLToPath(new URL('../helpers/record-imports.mjs', import.meta.url));

function importsOf(args: string[]): { code: number | null; packages: string[] } {
  assertBuilt();
  const run = spawnSync(process.execPath, ['--import', HOOK, CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  const packages = [...new Set(run.stderr.split('\n').filter((l) => l.startsWith('import: ')).map((l) => l.slice('import: '.length)))];
  return { code: run.status, packages };
}

describe('the CLI loads only what a command needs', () => {
  it.each([['doctor'], ['--help']])('ase %s loads neither aws-amplify, the AWS SDK, fastify nor the MinIO client', (command) => {
    const { code, packages } = importsOf([command]);
    expect(code === 0 || code === 1).toBe(true);
    expect(packages.filter((p) => /^(aws-amplify|@aws-amplify\/|@aws-sdk\/|fastify|minio$)/.test(p))).toEqual([]);
  }, 120_000);
});

describe('the package index loads only what its exports need', () => {
  it('import("amplify-storage-emulator") loads neither the harness, fastify, the AWS SDK nor aws-amplify', () => {
    assertBuilt();
    const index = pathToFileURL(`${REPO_ROOT}dist/index.js`).href;
    const run = spawnSync(process.execPath, ['--import', HOOK, '--input-type=module', '-e', `await import(${JSON.stringify(index)})`], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const packages = [...new Set(run.stderr.split('\n').filter((l) => l.startsWith('import: ')).map((l) => l.slice('import: '.length)))];
    expect(packages.filter((p) => /^(aws-amplify|@aws-amplify\/|@aws-sdk\/|fastify|minio$|yaml$|ajv|playwright-core|tsx)/.test(p))).toEqual([]);
  }, 120_000);
});
