/**
 * `defineScenarioTests` with the browser client, as a user runs it: a child `vitest run` on
 * test/fixtures/vitest-browser/origins.fixture.ts, which calls it twice in one worker with two
 * scenario files at different page origins (http://localhost:5173, then https://app.example.com).
 * The worker's one Chromium, started by the first call, must serve both origins.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateChromium } from '../../harness/runner/browser/chromium.js';
import { runChildVitest, type ChildVitestRun } from '../helpers/child-vitest.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/vitest-browser/', import.meta.url));

describe.skipIf(!locateChromium())('defineScenarioTests with the browser client', () => {
  let run: ChildVitestRun | undefined;
  let code: number | null;
  let output = '';
  let report: ChildVitestRun['report'];
  let minioLeft: ChildVitestRun['minioLeft'];

  beforeAll(async () => {
    run = await runChildVitest(FIXTURES, 'vitest-browser'); // the fixture imports the package, i.e. dist/
    ({ code, output, report, minioLeft } = run);
  }, 300_000);

  afterAll(() => run?.removeTmp());

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
