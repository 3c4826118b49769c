/**
 * `defineScenarioTests` (amplify-storage-emulator/vitest) as a user runs it: a child `vitest run`
 * on fixture test files that call it (test/fixtures/vitest/*.fixture.ts, collected only by that
 * folder's own config), read through vitest's JSON reporter. One vitest test per case, named after
 * the case, in file order; a failing case fails its test with the role and the deciding request.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChildVitest, type ChildVitestRun } from '../helpers/child-vitest.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/vitest/', import.meta.url));

let run: ChildVitestRun | undefined;
let code: number | null;
let output = '';
let report: ChildVitestRun['report'];
let minioLeft: ChildVitestRun['minioLeft'];

const fileResult = (name: string) => {
  const found = report.testResults.find((r) => path.basename(r.name) === name);
  if (!found) throw new Error(`no results for ${name}: ${report.testResults.map((r) => r.name).join(', ')}\n${output}`);
  return found;
};

beforeAll(async () => {
  run = await runChildVitest(FIXTURES, 'vitest'); // the fixtures import the package, i.e. dist/
  ({ code, output, report, minioLeft } = run);
});

afterAll(() => run?.removeTmp());

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
