/**
 * The vitest helper under a real `vitest --watch`: a child vitest on two scenario test files in a
 * temp project (one worker, `isolate: false`), a test file saved while it watches, the re-run
 * observed, then SIGTERM. Both files of a run share one stack (one MinIO per worker, not per
 * file); vitest 4 ends its workers after each run, and with them their stack, so nothing is left
 * running between runs or after the stop. The child runs in its own process group, killed on every
 * path the test may leave by.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minioLeftUnder, minioProcessesUnder, privateTmpDir } from '../helpers/processes.js';

const WAIT = 200_000;
const repo = path.resolve(import.meta.dirname, '..', '..');
const VITEST = path.join(repo, 'node_modules', 'vitest', 'vitest.mjs');
const tmp = privateTmpDir('vitest-watch');
const project = path.join(tmp, 'project');
const helper = path.join(repo, 'harness', 'vitest.ts');

const scenario = (name: string) => `version: 1
name: "vitest watch ${name}"
auth:
  users:
    alice: {}
buckets:
  - name: files
    bucketName: ase-test-vitest-watch-${name}
    paths:
      "public/*": { guest: [get, list], authenticated: [get, list, write, delete] }
cases:
  - { as: alice, op: upload, path: public/x.txt, expect: allow }
  - { as: guest, op: upload, path: public/y.txt, expect: deny }
`;
const testFile = (name: string, note = '') => `${note}import { defineScenarioTests } from ${JSON.stringify(helper)};
await defineScenarioTests(${JSON.stringify(`${name}.yaml`)}, { cwd: import.meta.dirname });
`;

let child: ChildProcess | undefined;
let out = '';
/** Every MinIO pid seen under the child's TMPDIR, sampled while the child runs. */
const seen = new Set<number>();
let sampler: ReturnType<typeof setInterval> | undefined;

function killGroup(): void {
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT - 20_000;
  while (!done()) {
    if (child?.exitCode !== null || Date.now() > deadline) throw new Error(`waited for ${what}; output so far:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const count = (re: RegExp) => [...out.matchAll(re)].length;

beforeAll(() => {
  mkdirSync(project);
  // A plain object: the temp project has no node_modules to import vitest/config from.
  writeFileSync(path.join(project, 'vitest.config.mjs'), `export default { test: { include: ['*.test.ts'], pool: 'forks', isolate: false, maxWorkers: 1, testTimeout: 120000, hookTimeout: 120000 } };\n`);
  for (const name of ['a', 'b']) {
    writeFileSync(path.join(project, `${name}.yaml`), scenario(name));
    writeFileSync(path.join(project, `${name}.test.ts`), testFile(name));
  }
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env.CI; // vitest in CI mode would not watch
  delete env.VITEST;
  delete env.VITEST_MODE;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  child = spawn(process.execPath, [VITEST, '--watch', '--root', project, '--config', path.join(project, 'vitest.config.mjs')], {
    cwd: project, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  sampler = setInterval(() => { for (const p of minioProcessesUnder(tmp)) seen.add(p.pid); }, 100);
});
afterAll(async () => {
  clearInterval(sampler);
  killGroup();
  await minioLeftUnder(tmp);
  rmSync(tmp, { recursive: true, force: true });
});

describe('defineScenarioTests under vitest --watch', () => {
  it('runs both files on one stack, re-runs a saved file, and leaves nothing running when stopped', async () => {
    await until('the first run', () => count(/Waiting for file changes/g) >= 1);
    expect(out).toMatch(/Test Files\s+2 passed \(2\)/);
    expect(out).toMatch(/Tests\s+4 passed \(4\)/);
    // Both files ran on one stack: one MinIO for the run.
    expect(seen.size, out).toBe(1);
    // The run's worker is gone, and its stack with it.
    expect(await minioLeftUnder(tmp, 30_000)).toEqual([]);

    writeFileSync(path.join(project, 'a.test.ts'), testFile('a', '// saved again\n'));
    await until('the re-run', () => count(/Waiting for file changes/g) >= 2);
    const rerun = out.slice(out.lastIndexOf('RERUN'));
    expect(rerun).toContain('a.test.ts');
    expect(rerun).toMatch(/Test Files\s+1 passed \(1\)/);
    expect(rerun).toMatch(/Tests\s+2 passed \(2\)/);
    expect(seen.size, out).toBe(2);
    expect(await minioLeftUnder(tmp, 30_000)).toEqual([]);

    child!.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => {
      if (child!.exitCode !== null) resolve(child!.exitCode);
      else child!.once('exit', (c) => resolve(c));
    });
    // vitest closes itself on SIGTERM and exits 143 (128 + 15), as it does for a terminated run.
    expect({ code, signal: child!.signalCode }).toEqual({ code: 143, signal: null });
    expect(await minioLeftUnder(tmp)).toEqual([]);
  }, WAIT);
});
