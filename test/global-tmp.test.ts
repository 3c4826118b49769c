/**
 * The suite's leftover check (test/global-tmp.ts) must fail the run, not only print: vitest 4
 * reports an error thrown by a globalSetup teardown as "error during close" and still exits 0,
 * so every leftover used to pass CI unnoticed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

it('a test that leaves a file in TMPDIR fails the run, naming the file', () => {
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/global-tmp/vitest.config.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  expect(run.stdout + run.stderr).toContain('tests left 1 temporary entry behind: forgotten.txt');
  expect(run.status).toBe(1);
});
