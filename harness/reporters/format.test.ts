import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  caseLocation, countResults, displayUrl, finalLine, formatDuration, formatRequest, longObserved, relPath, scenarioContext,
  shortIdentities, truncateMiddle, verdict,
} from './format.js';
import { resolveOutPath } from './output.js';
import { sampleRunSummary } from './sample.js';

describe('wording', () => {
  it('counts a setup error as one failure', () => {
    const summary = sampleRunSummary();
    expect(countResults(summary)).toEqual({ passed: 21, failed: 5, failedCases: 4, setupErrors: 1, cases: 25, scenarios: 3, warnings: 3 });
    expect(finalLine(summary)).toBe('21 passed, 5 failed');
  });

  it('shows the deciding request without signing parameters', () => {
    expect(formatRequest({ method: 'get', url: 'https://b.s3.us-east-1.amazonaws.com/k', status: 403, code: 'AccessDenied' }))
      .toBe('GET https://b.s3.us-east-1.amazonaws.com/k → 403 AccessDenied');
    expect(displayUrl('https://b.s3.amazonaws.com/k?X-Amz-Signature=abc&x-amz-security-token=t&x-id=GetObject&X-Amz-Credential=c'))
      .toBe('https://b.s3.amazonaws.com/k?x-id=GetObject');
    expect(displayUrl('http://127.0.0.1:9000/b/k')).toBe('http://127.0.0.1:9000/b/k');
    expect(displayUrl('not a url')).toBe('not a url');
  });

  it('says what a matrix cell shows', () => {
    const c = sampleRunSummary().scenarios[0]!.cases;
    expect(verdict(c[0]!)).toBe('allow ✓');
    expect(verdict(c[1]!)).toBe('deny ✓');
    expect(verdict(c[4]!)).toBe('expected deny, got allow ✗');
    expect(verdict(c[7]!)).toBe('allow, content differs ✗');
    expect(verdict({ ...c[1]!, status: 'fail', expected: { outcome: 'error', error: 'NoSuchBucket' }, observed: { outcome: 'error', errorName: 'NetworkError' } }))
      .toBe('expected error NoSuchBucket, got NetworkError ✗');
  });

  it('drops an error message that only repeats the error name', () => {
    expect(longObserved({ outcome: 'deny', errorName: 'AccessDenied', message: 'Access Denied.' })).toBe('deny (AccessDenied)');
    expect(longObserved({ outcome: 'error', errorName: 'NetworkError', message: 'socket\nhang up' })).toBe('error (NetworkError: socket hang up)');
  });

  it('formats durations, locations and paths', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(2314)).toBe('2.31 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(123_000)).toBe('2m 03s');
    const c = sampleRunSummary().scenarios[1]!.cases;
    expect(caseLocation(c[0]!, '/work/app')).toBe('scenarios/derived-drift.yaml:24');
    expect(caseLocation(c[1]!, '/work/app')).toBe('scenarios/derived-drift.yaml (derived)');
    expect(relPath('/elsewhere/a.yaml', '/work/app')).toBe('/elsewhere/a.yaml');
    expect(shortIdentities('protected/us-east-1:1f0e4c2a-9b7d-4e51-a3c8-5d2f6b9e0a71/x')).toBe('protected/us-east-1:1f0e4c2a…/x');
    expect(truncateMiddle('abcdefghij', 5)).toBe('ab…ij');
  });

  it('orders actors guest first, then as the scenario lists them, and knows the default bucket', () => {
    const s = sampleRunSummary().scenarios[1]!;
    const inferred = scenarioContext(s);
    expect(inferred.actors.map((a) => a.name)).toEqual(['guest', 'dana', 'erin', 'frank']);
    expect(inferred.showBucket('media')).toBe(true);
    const known = scenarioContext({
      ...s, defaultBucket: 'media',
      actors: [{ name: 'frank', groups: ['editors'] }, { name: 'erin', groups: ['admin'] }, { name: 'nobody', groups: [] }, { name: 'guest', groups: [] }],
    });
    expect(known.actors.map((a) => a.name)).toEqual(['guest', 'frank', 'erin', 'dana']);
    expect(known.groupsOf('erin')).toEqual(['admin']);
    expect(known.showBucket('media')).toBe(false);
    expect(known.showBucket('archive')).toBe(true);
  });
});

describe('resolveOutPath', () => {
  const target = { defaultName: 'junit.xml', extensions: ['.xml'] };
  it('puts the default name in a directory, uses a matching file as is, and the directory of another file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-out-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    expect(resolveOutPath(undefined, dir, target)).toBeUndefined();
    expect(resolveOutPath('reports/', dir, target)).toBe(path.join(dir, 'reports', 'junit.xml'));
    expect(resolveOutPath('reports', dir, target)).toBe(path.join(dir, 'reports', 'junit.xml'));
    expect(resolveOutPath('.', dir, target)).toBe(path.join(dir, 'junit.xml'));
    expect(resolveOutPath('ci/results.xml', dir, target)).toBe(path.join(dir, 'ci', 'results.xml'));
    expect(resolveOutPath('ci/report.html', dir, target)).toBe(path.join(dir, 'ci', 'junit.xml'));
    expect(resolveOutPath('/abs/out.XML', dir, target)).toBe('/abs/out.XML');
  });
});
