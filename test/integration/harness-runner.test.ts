/**
 * The contract-test harness as users drive it: `ase test` (the built CLI,
 * `node dist/cli/bin.js`) in a child process on fixture scenario files, reading exit codes,
 * stdout/stderr and the report files. Each `ase test` run starts (and must stop) its own stack;
 * each run gets its own TMPDIR so the test can check that its MinIO is gone afterwards.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseResult, RunSummary, ScenarioResult } from '../../index.js';
import { CliRuns, describeRun, fixture, type CliRun } from '../helpers/cli.js';

const ISO_A = fixture('harness/isolation-a.yaml');
const ISO_B = fixture('harness/isolation-b.yaml');
const WRONG = fixture('harness/wrong-expectation.yaml');
const DRIFT_BROKEN = fixture('harness/drift-broken.yaml');
const DRIFT_FIXED = fixture('harness/drift-fixed.yaml');
const MALFORMED = fixture('harness/malformed.yaml');

const outDirs: string[] = [];
function outDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ase-test-out-${label}-`));
  outDirs.push(dir);
  return dir;
}
const OUT = {
  parallel: outDir('parallel'),
  wrong: outDir('wrong'),
  drift: outDir('drift'),
  filter: outDir('filter'),
  malformed: outDir('malformed'),
};

/**
 * Every CLI run of this file, started up front (three at a time: each `ase test` but the malformed
 * one starts its own stack) and awaited by the tests that read it.
 */
/** Each run starts a stack; with other suites on the machine's two cores that can take minutes. */
const SLOW = 240_000;
const cli = new CliRuns(3);
beforeAll(() => {
  cli.start('parallel', ['test', ISO_A, ISO_B, '--concurrency', '2',
    '--reporter', 'pretty', '--reporter', 'json', '--reporter', 'junit', '--reporter', 'html', '--out', OUT.parallel], { timeoutMs: SLOW });
  cli.start('wrong', ['test', WRONG, '--reporter', 'pretty', '--reporter', 'json', '--reporter', 'junit', '--out', OUT.wrong], { timeoutMs: SLOW });
  cli.start('drift', ['test', DRIFT_BROKEN, DRIFT_FIXED, '--reporter', 'json', '--out', OUT.drift], { timeoutMs: SLOW });
  cli.start('filter', ['test', ISO_A, ISO_B, '--filter', 'guest', '--reporter', 'json', '--reporter', 'junit', '--out', OUT.filter], { timeoutMs: SLOW });
  // The valid file next to the malformed one must not run either.
  cli.start('list-paging', ['test', fixture('harness/list-paging.yaml')], { timeoutMs: SLOW });
  cli.start('derive-exact', ['test', fixture('harness/derive-exact-list.yaml')], { timeoutMs: SLOW });
  cli.start('malformed', ['test', MALFORMED, ISO_A, '--reporter', 'pretty', '--reporter', 'json', '--out', OUT.malformed], { timeoutMs: SLOW });
});
afterAll(async () => {
  await cli.settle();
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

const readJson = (file: string): RunSummary => JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
const scenarioNamed = (summary: RunSummary, name: string): ScenarioResult => {
  const found = summary.scenarios.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario "${name}" in results: ${summary.scenarios.map((s) => s.name).join(', ')}`);
  return found;
};
const caseNamed = (scenario: ScenarioResult, title: string): CaseResult => {
  const found = scenario.cases.find((c) => c.title === title);
  if (!found) throw new Error(`no case "${title}" in ${scenario.name}: ${scenario.cases.map((c) => c.title).join(' | ')}`);
  return found;
};
/** The identity ID in a resolved `protected/<identity id>/...` path. */
const identityIn = (p: string): string => {
  const id = /^protected\/([^/]+)\//.exec(p)?.[1];
  if (!id) throw new Error(`no identity ID in ${p}`);
  return id;
};

/** Attributes of the first `<tag ...>` element in XML text. */
function xmlAttributes(xml: string, tag: string): Record<string, string> {
  const element = new RegExp(`<${tag}\\b([^>]*)>`).exec(xml);
  if (!element) throw new Error(`no <${tag}> in\n${xml}`);
  return Object.fromEntries([...element[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}
const count = (text: string, re: RegExp): number => [...text.matchAll(re)].length;

function expectNoMinioLeft(run: CliRun): void {
  expect(run.minioLeft, `MinIO still running after the CLI exited:\n${run.minioLeft.map((p) => p.cmdline).join('\n')}`).toEqual([]);
}

describe('ase test: two scenario files at once, same user names, own buckets (--concurrency 2)', () => {
  let run: CliRun;
  let out: string;
  let summary: RunSummary;
  let a: ScenarioResult;
  let b: ScenarioResult;

  beforeAll(async () => {
    out = OUT.parallel;
    run = await cli.get('parallel');
    summary = readJson(path.join(out, 'results.json'));
    a = scenarioNamed(summary, 'Fixture: isolation, app A');
    b = scenarioNamed(summary, 'Fixture: isolation, app B');
  }, SLOW);

  it('passes every case, exits 0, and the last stdout line is exactly `N passed, N failed`', () => {
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.lastLine).toBe('22 passed, 0 failed');
    expect(summary).toMatchObject({ passed: 22, failed: 0, errored: 0 });
    for (const s of [a, b]) {
      expect(s.error).toBeUndefined();
      expect(s.cases.filter((c) => c.status === 'fail').map((c) => `${c.title}: ${c.reasons.join('; ')}`)).toEqual([]);
      expect(s.cases).toHaveLength(11);
    }
  });

  it('actors are isolated: each user has an identity ID of their own, in each app, and lists only their own keys', () => {
    const ids = (s: ScenarioResult) => ({
      alice: identityIn(caseNamed(s, `alice writes her own folder (${s === a ? 'a' : 'b'})`).path),
      bob: identityIn(caseNamed(s, `bob writes his own folder (${s === a ? 'a' : 'b'})`).path),
    });
    const [idsA, idsB] = [ids(a), ids(b)];
    expect(new Set([idsA.alice, idsA.bob, idsB.alice, idsB.bob]).size).toBe(4);
    for (const [s, id, v] of [[a, idsA, 'a'], [b, idsB, 'b']] as const) {
      expect(caseNamed(s, `alice lists only her own keys (${v})`).observed.keys).toEqual([`protected/${id.alice}/alice-${v}.txt`]);
      expect(caseNamed(s, `bob lists only his own keys (${v})`).observed.keys).toEqual([`protected/${id.bob}/bob-${v}.txt`]);
    }
  });

  it('actors never share credentials: bob\'s write into alice\'s folder is refused by S3 for bob\'s own session', () => {
    for (const [s, v] of [[a, 'a'], [b, 'b']] as const) {
      const aliceId = identityIn(caseNamed(s, `alice writes her own folder (${v})`).path);
      const denied = caseNamed(s, `bob cannot write into alice's folder (${v})`);
      expect(denied.status).toBe('pass');
      expect(denied.observed.outcome).toBe('deny');
      expect(denied.decidingRequest).toMatchObject({ method: 'PUT', status: 403, code: 'AccessDenied' });
      expect(decodeURIComponent(denied.decidingRequest!.url)).toContain(`/protected/${aliceId}/from-bob.txt`);
    }
  });

  it('apps do not see each other\'s objects or users (same names, other passwords, other buckets)', () => {
    expect(caseNamed(a, 'guest sees only this app\'s objects (a)').observed.keys).toEqual(['public/only-in-a.txt']);
    expect(caseNamed(b, 'guest sees only this app\'s objects (b)').observed.keys).toEqual(['public/only-in-b.txt']);
    expect(caseNamed(a, 'guest reads this app\'s object (a)').decidingRequest?.url).toContain('ase-test-isolation-a.');
    expect(caseNamed(b, 'guest reads this app\'s object (b)').decidingRequest?.url).toContain('ase-test-isolation-b.');
  });

  it('the two scenarios really ran at the same time: both started before either finished', () => {
    const lines = run.stdout.split('\n');
    const startA = lines.findIndex((l) => l.startsWith('▶ Fixture: isolation, app A'));
    const startB = lines.findIndex((l) => l.startsWith('▶ Fixture: isolation, app B'));
    const firstEnd = lines.findIndex((l) => /^[✓✗] Fixture: isolation, app [AB] /.test(l));
    expect(startA, run.stdout).toBeGreaterThanOrEqual(0);
    expect(startB, run.stdout).toBeGreaterThanOrEqual(0);
    expect(firstEnd, run.stdout).toBeGreaterThan(Math.max(startA, startB));
  });

  it('--reporter junit writes junit.xml with the right counts', () => {
    const xml = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(xmlAttributes(xml, 'testsuites')).toMatchObject({ tests: '22', failures: '0', errors: '0' });
    expect(count(xml, /<testsuite\b/g)).toBe(2);
    expect(count(xml, /<testcase\b/g)).toBe(22);
    expect(count(xml, /<failure\b/g)).toBe(0);
    expect(xml).toContain('name="alice lists only her own keys (a)"');
  });

  it('--reporter html writes one self-contained HTML file (inline styles and script, no external resources)', () => {
    const files = ['report.html', 'index.html'].map((f) => path.join(out, f)).filter((f) => existsSync(f));
    expect(files).toHaveLength(1);
    const html = readFileSync(files[0]!, 'utf8');
    expect(html.trimStart().toLowerCase()).toMatch(/^<!doctype html>/);
    expect(html).toMatch(/<\/html>\s*$/);
    expect(html).toContain('<style');
    expect(html).not.toMatch(/<link\b[^>]*rel=["']?stylesheet/i);
    expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
    expect(html).not.toMatch(/@import/);
    const references = [...html.matchAll(/\b(?:src|href)=["']([^"']*)["']/gi)].map((m) => m[1]!);
    expect(references.filter((r) => !r.startsWith('#') && !r.startsWith('data:'))).toEqual([]);
    expect(html).toContain('Fixture: isolation, app A');
    expect(html).toContain('Fixture: isolation, app B');
    expect(html).toContain('22 passed, 0 failed');
  });

  it('leaves no MinIO running', () => {
    expectNoMinioLeft(run);
  });
});

describe('ase test: a scenario whose expectation is wrong', () => {
  let run: CliRun;
  let out: string;
  let failed: CaseResult;

  beforeAll(async () => {
    out = OUT.wrong;
    run = await cli.get('wrong');
    const summary = readJson(path.join(out, 'results.json'));
    const failures = summary.scenarios.flatMap((s) => s.cases).filter((c) => c.status === 'fail');
    expect(failures.map((c) => c.title)).toEqual(['the author thinks guests may upload']);
    failed = failures[0]!;
  }, SLOW);

  it('fails that case (only that one) and exits 1; the last stdout line is `2 passed, 1 failed`', () => {
    expect(run.lastLine, describeRun(run)).toBe('2 passed, 1 failed');
    expect(run.code, `a failing case must make \`ase test\` exit 1\n${describeRun(run)}`).toBe(1);
  });

  it('reports the observed outcome, the role ARN and the deciding S3 request', () => {
    expect(failed).toMatchObject({
      actor: 'guest',
      op: 'upload',
      path: 'public/guest-upload.txt',
      line: 21,
      expected: { outcome: 'allow' },
      observed: { outcome: 'deny', errorName: 'AccessDenied' },
      role: 'arn:aws:iam::111122223333:role/ase-test-wrong-unauth',
      decidingRequest: { method: 'PUT', status: 403, code: 'AccessDenied' },
    });
    expect(failed.decidingRequest!.url).toMatch(/^https:\/\/ase-test-wrong-expectation\.s3\.us-east-1\.amazonaws\.com\/public\/guest-upload\.txt(\?|$)/);
    expect(failed.reasons.join('\n')).toMatch(/expected allow, got deny/);
  });

  it('says the same on the console: file:line, observed outcome, role and request', () => {
    const block = run.stdout.slice(run.stdout.indexOf('the author thinks guests may upload'));
    expect(block).toMatch(/wrong-expectation\.yaml:21/);
    expect(block).toMatch(/deny \(AccessDenied\)/);
    expect(block).toContain('arn:aws:iam::111122223333:role/ase-test-wrong-unauth');
    expect(block).toMatch(/PUT https:\/\/ase-test-wrong-expectation\.s3\.us-east-1\.amazonaws\.com\/public\/guest-upload\.txt\S* → 403 AccessDenied/);
  });

  it('junit.xml counts the failure and carries the request', () => {
    const xml = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(xmlAttributes(xml, 'testsuites')).toMatchObject({ tests: '3', failures: '1' });
    expect(count(xml, /<failure\b/g)).toBe(1);
    expect(xml).toMatch(/<failure [^>]*403 AccessDenied/);
  });

  it('leaves no MinIO running', () => {
    expectNoMinioLeft(run);
  });
});

describe('ase test: derived cases (derive: true) find drift between paths and hand-written policies', () => {
  let run: CliRun;
  let broken: ScenarioResult;
  let fixed: ScenarioResult;

  beforeAll(async () => {
    run = await cli.get('drift');
    const summary = readJson(path.join(OUT.drift, 'results.json'));
    broken = scenarioNamed(summary, 'Fixture: drift, authenticated policy lacks DeleteObject');
    fixed = scenarioNamed(summary, 'Fixture: drift fixed, authenticated policy has DeleteObject');
  }, SLOW);

  it('reports exactly the missing s3:DeleteObject as one failing derived case', () => {
    expect(broken.error).toBeUndefined();
    expect(broken.cases.length).toBeGreaterThanOrEqual(8); // guest + signed-in user × get, list, write, delete
    expect(broken.cases.every((c) => c.derived !== undefined)).toBe(true);
    const failures = broken.cases.filter((c) => c.status === 'fail');
    expect(failures, JSON.stringify(failures, null, 2)).toHaveLength(1);
    const [drift] = failures as [CaseResult];
    expect(drift).toMatchObject({
      op: 'remove',
      expected: { outcome: 'allow' },
      observed: { outcome: 'deny' },
      role: 'arn:aws:iam::123456789012:role/ase-authenticated',
      decidingRequest: { method: 'DELETE', status: 403, code: 'AccessDenied' },
    });
    expect(drift.actor).not.toBe('guest');
    expect(drift.path).toMatch(/^public\//);
    expect(drift.derived?.rule).toBe('public/* authenticated delete');
  });

  it('passes every derived case once the policy grants what paths promises', () => {
    expect(fixed.error).toBeUndefined();
    expect(fixed.cases.map((c) => c.status)).toEqual(broken.cases.map(() => 'pass'));
    const remove = fixed.cases.find((c) => c.derived?.rule === 'public/* authenticated delete');
    expect(remove).toMatchObject({ op: 'remove', status: 'pass', observed: { outcome: 'allow' } });
  });

  it('leaves no MinIO running', () => {
    expectNoMinioLeft(run);
  });
});

describe('ase test --filter', () => {
  let run: CliRun;
  let out: string;

  beforeAll(async () => {
    out = OUT.filter;
    run = await cli.get('filter');
  }, SLOW);

  it('keeps only the cases that match', () => {
    const summary = readJson(path.join(out, 'results.json'));
    expect(summary.scenarios.flatMap((s) => s.cases.map((c) => c.title)).sort()).toEqual([
      'guest reads this app\'s object (a)',
      'guest reads this app\'s object (b)',
      'guest sees only this app\'s objects (a)',
      'guest sees only this app\'s objects (b)',
    ]);
    expect(summary).toMatchObject({ passed: 4, failed: 0 });
    expect(run.code, describeRun(run)).toBe(0);
  });

  it('junit.xml counts only the kept cases', () => {
    const xml = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(xmlAttributes(xml, 'testsuites')).toMatchObject({ tests: '4', failures: '0' });
    expect(count(xml, /<testcase\b/g)).toBe(4);
  });

  it('with only file reporters, stdout still ends with `N passed, N failed`', () => {
    expect(run.lastLine, describeRun(run)).toBe('4 passed, 0 failed');
  });

  it('leaves no MinIO running', () => {
    expectNoMinioLeft(run);
  });
});

describe('ase test: a malformed scenario file', () => {
  it('is rejected with `file:line:col: message`, no stack trace, nothing runs, exit 1, last line `0 passed, 1 failed`', async () => {
    const run = await cli.get('malformed');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.lastLine).toBe('0 passed, 1 failed');
    expect(run.stderr).toMatch(/(^|\/)malformed\.yaml:10:22: .*`downlaod`.*download/m);
    const all = `${run.stdout}\n${run.stderr}`;
    expect(all).not.toMatch(/^\s+at .+[:(].*\d+:\d+\)?$/m);
    expect(all).not.toMatch(/unexpected failure/i);
    expect(all).not.toContain('isolation');
    expect(existsSync(path.join(OUT.malformed, 'results.json'))).toBe(false);
    expectNoMinioLeft(run);
  }, SLOW);
});

describe('list options', () => {
  it('lists every key by default, and one page when the case passes pageSize', async () => {
    const run = await cli.get('list-paging');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.lastLine).toBe('2 passed, 0 failed');
  }, SLOW);
});

describe('derived cases and written cases together', () => {
  it("writes the derived cases' probe objects only after the written cases, which see exactly the file's objects", async () => {
    const run = await cli.get('derive-exact');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.lastLine).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(run.lastLine.split(' ')[0])).toBeGreaterThan(1);
  }, SLOW);
});
