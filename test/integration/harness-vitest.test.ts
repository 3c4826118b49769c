/**
 * `defineScenarioTests` (amplify-storage-emulator/vitest) as a user runs it: a child `vitest run`
 * on fixture test files that call it (test/fixtures/vitest/*.fixture.ts, collected only by that
 * folder's own config), read through vitest's JSON reporter. One vitest test per case, named after
 * the case, in file order; a failing case fails its test with the role and the deciding request.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, REPO_ROOT } from '../helpers/cli.js';
import { minioLeftUnder, privateTmpDir } from '../helpers/processes.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/vitest/', import.meta.url));
const VITEST = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** The parts of vitest's JSON report (Jest-compatible) these tests read. */
interface VitestJson {
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

let tmp: string;
let code: number | null;
let output = '';
let report: VitestJson;
let minioLeft: Array<{ pid: number; cmdline: string }>;

const fileResult = (name: string) => {
  const found = report.testResults.find((r) => path.basename(r.name) === name);
  if (!found) throw new Error(`no results for ${name}: ${report.testResults.map((r) => r.name).join(', ')}\n${output}`);
  return found;
};

beforeAll(async () => {
  assertBuilt(); // the fixtures import the package, i.e. dist/
  tmp = privateTmpDir('vitest');
  const outputFile = path.join(tmp, 'vitest.json');
  // A clean environment for the child vitest: none of this worker's VITEST_* settings.
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
});

afterAll(() => {
  if (tmp && minioLeft?.length === 0) rmSync(tmp, { recursive: true, force: true });
});

describe('defineScenarioTests in a user\'s vitest run', () => {
  it('creates one test per case: 5 cases in two files, 4 pass and 1 fails, and vitest exits 1', () => {
    expect(report, output).toMatchObject({ numTotalTests: 5, numPassedTests: 4, numFailedTests: 1, numPendingTests: 0, success: false });
    expect(code, output).toBe(1);
  });

  it('names each test after its case (the case name, or `actor op path → outcome`), under a describe named after the scenario, in file order', () => {
    const pass = fileResult('pass.fixture.ts');
    expect(pass.status).toBe('passed');
    expect(pass.assertionResults.map((a) => [a.ancestorTitles, a.title, a.status])).toEqual([
      [['Vitest fixture: guests read, users write'], 'guest reads hello', 'passed'],
      [['Vitest fixture: guests read, users write'], 'guest cannot upload', 'passed'],
      [['Vitest fixture: guests read, users write'], 'erin upload public/erin.txt → allow', 'passed'],
    ]);
  });

  it('fails only the wrong case, with the observed outcome, the file and line, the role and the deciding request in the message', () => {
    const fail = fileResult('fail.fixture.ts');
    expect(fail.status).toBe('failed');
    expect(fail.assertionResults.map((a) => [a.title, a.status])).toEqual([
      ['guest lists public', 'passed'],
      ['guest uploads (wrong)', 'failed'],
    ]);
    const message = fail.assertionResults[1]!.failureMessages.join('\n');
    expect(message).toMatch(/contract-fail\.yaml:18/);
    expect(message).toContain('expected allow, got deny');
    expect(message).toContain('arn:aws:iam::444455556666:role/ase-test-vitest-unauth');
    expect(message).toMatch(/PUT https:\/\/ase-test-vitest-fail\.s3\.us-east-1\.amazonaws\.com\/public\/guest\.txt\S* → 403 AccessDenied/);
  });

  it('stops the stack it started: no MinIO left running', () => {
    expect(minioLeft, minioLeft.map((p) => p.cmdline).join('\n')).toEqual([]);
  });
});
