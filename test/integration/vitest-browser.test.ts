/**
 * `defineScenarioTests` with the browser client, as a user runs it: a child `vitest run` on
 * test/fixtures/vitest-browser/origins.fixture.ts, which calls it twice in one worker with two
 * scenario files at different page origins (http://localhost:5173, then https://app.example.com).
 * The worker's one Chromium, started by the first call, must serve both origins.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateChromium } from '../../harness/runner/browser/chromium.js';
import { assertBuilt, REPO_ROOT } from '../helpers/cli.js';
import { minioLeftUnder, privateTmpDir } from '../helpers/processes.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/vitest-browser/', import.meta.url));
const VITEST = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  success: boolean;
  testResults: Array<{ assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }>; message?: string }>;
}

describe.skipIf(!locateChromium())('defineScenarioTests with the browser client', () => {
  let tmp: string;
  let code: number | null;
  let output = '';
  let report: VitestJson;
  let minioLeft: Array<{ pid: number; cmdline: string }>;

  beforeAll(async () => {
    assertBuilt(); // the fixture imports the package, i.e. dist/
    tmp = privateTmpDir('vitest-browser');
    const outputFile = path.join(tmp, 'vitest.json');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
    const child = spawn(process.execPath, [VITEST, 'run', '--config', path.join(FIXTURES, 'vitest.config.ts'), '--reporter=json', `--outputFile=${outputFile}`], {
      cwd: REPO_ROOT,
      env: { ...env, TMPDIR: tmp, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    report = JSON.parse(readFileSync(outputFile, 'utf8')) as VitestJson;
    minioLeft = await minioLeftUnder(tmp);
  }, 300_000);

  afterAll(() => {
    if (tmp && minioLeft?.length === 0) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the cases of both calls, each from its own origin, in the browser', () => {
    const results = report.testResults.flatMap((r) => r.assertionResults).map((a) => [a.ancestorTitles.join(' › '), a.title, a.status, a.failureMessages.join('\n')]);
    expect(results, output).toEqual([
      ['Vitest browser fixture: page at http://localhost:5173 [browser]', 'erin uploads from http://localhost:5173', 'passed', ''],
      ['Vitest browser fixture: page at http://localhost:5173 [browser]', 'erin reads it back', 'passed', ''],
      ['Vitest browser fixture: page at https://app.example.com [browser]', 'erin uploads from https://app.example.com', 'passed', ''],
      ['Vitest browser fixture: page at https://app.example.com [browser]', 'erin reads it back', 'passed', ''],
    ]);
    expect(code, output).toBe(0);
  });

  it('stops the stack it started: no MinIO left running', () => {
    expect(minioLeft, minioLeft.map((p) => p.cmdline).join('\n')).toEqual([]);
  });
});
