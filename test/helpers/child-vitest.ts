/**
 * Runs a fixture folder's tests in a child `vitest run`, as a user's suite runs them: with the
 * folder's own vitest.config.ts, a clean environment (none of this worker's VITEST_* settings) and
 * its own TMPDIR, read back through vitest's JSON reporter. The fixtures import the package, so
 * this needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { assertBuilt, REPO_ROOT } from './cli.js';
import { minioLeftUnder, privateTmpDir } from './processes.js';

const VITEST = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** The parts of vitest's JSON report (Jest-compatible) the tests read. */
export interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  success: boolean;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ ancestorTitles: string[]; title: string; fullName: string; status: string; failureMessages: string[] }>;
  }>;
}

export interface ChildVitestRun {
  code: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
  report: VitestJson;
  /** The TMPDIR the child had (its MinIO data dirs live below it). */
  tmp: string;
  /** MinIO processes of this run still running a few seconds after it exited (should be none). */
  minioLeft: Array<{ pid: number; cmdline: string }>;
  /** Removes `tmp`, unless a MinIO was left in it (kept for a look). */
  removeTmp(): void;
}

/** `vitest run --config <fixtures>/vitest.config.ts` from the repository root. */
export async function runChildVitest(fixtures: string, label: string): Promise<ChildVitestRun> {
  assertBuilt();
  const tmp = privateTmpDir(label);
  const outputFile = path.join(tmp, 'vitest.json');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, [VITEST, 'run', '--config', path.join(fixtures, 'vitest.config.ts'), '--reporter=json', `--outputFile=${outputFile}`], {
    cwd: REPO_ROOT,
    env: { ...env, TMPDIR: tmp, NO_COLOR: '1', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const report = JSON.parse(readFileSync(outputFile, 'utf8')) as VitestJson;
  const minioLeft = await minioLeftUnder(tmp);
  return {
    code, output, report, tmp, minioLeft,
    removeTmp: () => {
      if (minioLeft.length === 0) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
