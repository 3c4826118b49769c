import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../results.js';
import { createColors, shouldUseColor, stripAnsi } from './format.js';
import { PrettyReporter, renderPretty } from './pretty.js';
import { SAMPLE_CWD, sampleRunSummary, sampleScenarioInfos } from './sample.js';

class Sink extends Writable {
  text = '';
  isTTY?: boolean;
  columns?: number;
  override _write(chunk: Buffer | string, _e: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function replay(reporter: PrettyReporter, summary: RunSummary, files: string[] = []): Promise<void> {
  await reporter.onRunStart({ files: summary.scenarios.map((s) => s.file), startedAt: summary.startedAt });
  const infos = sampleScenarioInfos(summary);
  summary.scenarios.forEach((s, i) => {
    reporter.onScenarioStart(infos[i]!);
    for (const c of s.cases) reporter.onCaseResult(c);
    reporter.onScenarioEnd(s);
  });
  reporter.onFilesWritten(files);
  reporter.onRunEnd(summary);
}

describe('pretty reporter', () => {
  it('ends with exactly "N passed, N failed", a setup error counting as one failure', async () => {
    const sink = new Sink();
    await replay(new PrettyReporter({ stream: sink, cwd: SAMPLE_CWD, color: false }), sampleRunSummary());
    const lines = sink.text.trimEnd().split('\n');
    // 21 passed cases; 4 failed cases + 1 scenario that could not be set up.
    expect(lines.at(-1)).toBe('21 passed, 5 failed');
    expect(sink.text.endsWith('21 passed, 5 failed\n')).toBe(true);
  });

  it('keeps the last line plain even with colour on', () => {
    const out = renderPretty(sampleRunSummary(), { cwd: SAMPLE_CWD, colors: createColors(true) });
    expect(out).toContain('\x1b[');
    expect(out.trimEnd().split('\n').at(-1)).toBe('21 passed, 5 failed');
  });

  it('details each failure: location, role, deciding request, reasons and the rule of a derived case', () => {
    const out = renderPretty(sampleRunSummary(), { cwd: SAMPLE_CWD });
    expect(out).toContain("1) Owners manage their own protected folder › bob cannot delete alice's photo");
    expect(out).toContain('at scenarios/owner-protected.yaml:47');
    expect(out).toContain('role      arn:aws:iam::123456789012:role/amplify-photoapp-main-authRole');
    expect(out).toContain(
      'request   DELETE https://media-bucket-7f3a.s3.us-east-1.amazonaws.com/protected/us-east-1:1f0e4c2a-9b7d-4e51-a3c8-5d2f6b9e0a71/photo.jpg?x-id=DeleteObject → 204',
    );
    expect(out).toContain(
      'request   GET https://media-bucket-7f3a.s3.us-east-1.amazonaws.com/?list-type=2&prefix=public%2Fderived%2F → 403 AccessDenied',
    );
    expect(out).toContain('why       expected the request to be denied (403 AccessDenied)');
    expect(out).toContain('at scenarios/derived-drift.yaml (derived)');
    expect(out).toContain('rule      paths["public/*"].groupsadmin has delete (derived case)');
    expect(out).toContain("note      erin is in group admin, so holds the admin role only");
  });

  it('prints the setup error in full, and warnings under their scenario', () => {
    const out = renderPretty(sampleRunSummary(), { cwd: SAMPLE_CWD });
    expect(out).toContain(' SETUP FAILED  Cross-account bucket policy');
    expect(out).toContain('   Policy has invalid resource: arn:aws:s3:::partner-bucket/*');
    const drift = out.indexOf('✗ Paths map against enforced IAM');
    const warning = out.indexOf('derive: group admin has no rule for shared/*');
    expect(drift).toBeGreaterThan(-1);
    expect(warning).toBeGreaterThan(drift);
    expect(out).toContain('  ⚠ 2 warnings');
  });

  it('tabulates every case with status, actor, operation, path, expected, observed and time', () => {
    const summary = sampleRunSummary({ facts: true });
    const out = renderPretty(summary, { cwd: SAMPLE_CWD });
    const row = out.split('\n').find((l) => l.includes('bob') && l.includes('remove'))!;
    expect(row).toMatch(/^ {2}✗ {2}bob +remove +protected\/us-east-1:1f0e4c2a…\/photo\.jpg +deny +allow +52 ms +47$/);
    const denied = out.split('\n').find((l) => l.includes('guest') && l.includes('list'))!;
    expect(denied).toMatch(/✗ +guest +list +public\/derived\/ +allow +deny \(AccessDenied\) +34 ms +derived/);
    // A content failure says what differed, not "allow / allow".
    expect(out).toMatch(/✗ +carol +download +drafts\/notes & ideas\.txt +allow, body "v2" +allow, body "v1"/);
    // The non-default bucket is named, the default one is not.
    expect(out).toContain('reports/2024.csv (bucket archive)');
    expect(out).not.toContain('(bucket media)');
    // Without the runner's context (an older results.json) and with two buckets in a scenario, every row names its bucket.
    const bare = renderPretty(sampleRunSummary(), { cwd: SAMPLE_CWD });
    expect(bare).toContain('public/derived/ (bucket media)');
    expect(bare).not.toContain('public/readme.txt (bucket media)');
  });

  it('names the reports other reporters wrote in the summary line, just before the last line', async () => {
    const sink = new Sink();
    await replay(new PrettyReporter({ stream: sink, cwd: SAMPLE_CWD, color: false }), sampleRunSummary(), [
      `${SAMPLE_CWD}/reports/report.html`,
      `${SAMPLE_CWD}/reports/junit.xml`,
    ]);
    const lines = sink.text.trimEnd().split('\n');
    expect(lines.at(-2)).toBe(
      'Ran 3 scenarios (1 could not be set up), 25 cases in 7.34 s · 3 warnings · reports: reports/report.html, reports/junit.xml',
    );
  });

  it('writes plain, complete progress lines when the stream is not a TTY', async () => {
    const sink = new Sink();
    await replay(new PrettyReporter({ stream: sink, cwd: SAMPLE_CWD, color: false }), sampleRunSummary());
    const progress = sink.text.slice(0, sink.text.indexOf('\n✗ Owners manage their own protected folder  scenarios/'));
    expect(progress).not.toMatch(/\r|\x1b/);
    expect(progress).toContain('Running 3 scenario files\n');
    expect(progress).toContain('▶ Owners manage their own protected folder  scenarios/owner-protected.yaml · 9 cases\n');
    expect(progress).toContain('\n  ····✗··✗·\n✗ Owners manage their own protected folder  2 failed, 7 passed · 2.31 s · 1 warning\n');
    expect(progress).toContain('✗ Cross-account bucket policy  setup failed: MinIO rejected the bucket policy');
  });

  it('breaks long runs of marks into lines that name their scenario (scenarios may interleave)', async () => {
    const summary = sampleRunSummary();
    const s = summary.scenarios[1]!;
    s.cases = Array.from({ length: 130 }, (_, i) => ({ ...s.cases[1]!, index: i }));
    summary.scenarios = [s];
    const sink = new Sink();
    await replay(new PrettyReporter({ stream: sink, cwd: SAMPLE_CWD, color: false }), summary);
    expect(sink.text).toContain(`  ${'·'.repeat(60)}  Paths map against enforced IAM 60/130\n`);
    expect(sink.text).toContain(`  ${'·'.repeat(60)}  Paths map against enforced IAM 120/130\n`);
    expect(sink.text).toContain(`  ${'·'.repeat(10)}\n✓ Paths map against enforced IAM  130 cases passed`);
  });

  it('updates a live area in place on a TTY (outside CI) and still ends with the plain last line', async () => {
    const sink = new Sink();
    sink.isTTY = true;
    sink.columns = 100;
    await replay(new PrettyReporter({ stream: sink, cwd: SAMPLE_CWD, color: false, live: true }), sampleRunSummary());
    expect(sink.text).toContain('\x1b[1A\r\x1b[0J');
    expect(sink.text).toMatch(/▶ Owners manage their own protected folder {2}····✗ {2}5\/9\n/);
    expect(sink.text.endsWith('\n21 passed, 5 failed\n')).toBe(true);
    // Table width fits the terminal.
    const rows = stripAnsi(sink.text).split('\n').filter((l) => l.startsWith('  ✓  ') || l.startsWith('  ✗  '));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect([...r].length).toBeLessThanOrEqual(100);
  });

  it('shows control characters in user text instead of sending them to the terminal', () => {
    const summary = sampleRunSummary();
    summary.scenarios[0]!.cases[0]!.path = 'public/\x1b[2Jevil.txt';
    const out = renderPretty(summary, { cwd: SAMPLE_CWD });
    expect(out).not.toContain('\x1b[2J');
    expect(out).toContain('public/\\x1b[2Jevil.txt');
  });

  it('reports a run with nothing in it', () => {
    const out = renderPretty({ scenarios: [], passed: 0, failed: 0, errored: 0, durationMs: 3, startedAt: '' }, { cwd: SAMPLE_CWD });
    expect(out.trimEnd().split('\n').at(-1)).toBe('0 passed, 0 failed');
  });
});

describe('colour decision', () => {
  const tty = Object.assign(new Sink(), { isTTY: true });
  const pipe = new Sink();
  it('is on for a TTY, off for a pipe', () => {
    expect(shouldUseColor(tty, {})).toBe(true);
    expect(shouldUseColor(pipe, {})).toBe(false);
  });
  it('respects NO_COLOR, FORCE_COLOR and an explicit option', () => {
    expect(shouldUseColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor(tty, { TERM: 'dumb' })).toBe(false);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1' }, false)).toBe(false);
    expect(shouldUseColor(pipe, {}, true)).toBe(true);
  });
});
