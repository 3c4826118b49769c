import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CaseResult } from '../results.js';
import { code, MarkdownReporter, renderMarkdown, text } from './markdown.js';
import { SAMPLE_CWD, sampleRunSummary } from './sample.js';

function render(summary = sampleRunSummary({ facts: true }), extra: { maxTableRows?: number; maxBytes?: number } = {}): string {
  return renderMarkdown(summary, { cwd: SAMPLE_CWD, ...extra });
}

const rowsOf = (md: string) => md.split('\n').filter((l) => /^\| (✅|❌) \| [^|]+ \| (download|upload|list|remove|getProperties|getUrl|copy) \|/.test(l));

describe('markdown reporter', () => {
  it('starts with the totals and has a table row per case', () => {
    const md = render();
    expect(md.split('\n')[0]).toBe('## ❌ Storage access contract: 21 passed, 5 failed');
    expect(md).toContain('3 scenarios · 25 cases · 7.34 s · **1 setup error** · 3 warnings');
    expect(md).toContain('| | Actor | Operation | Path | Expected | Observed | Line |');
    const caseRows = rowsOf(md);
    expect(caseRows).toHaveLength(25);
    expect(md).toContain('| ❌ | bob | remove | `protected/us-east-1:1f0e4c2a…/photo.jpg` | deny | **allow** | 47 |');
    expect(md).toContain('| ✅ | dana | download | `reports/2024.csv` (bucket `archive`) | allow | allow | 24 |');
    expect(md).toContain('| ❌ | guest | list | `public/derived/` | allow | **deny (AccessDenied)** | _derived_ |');
    expect(md).toContain('| 💥 | Cross-account bucket policy | `scenarios/cross-account.yaml` | 0 | 0 | setup failed | 412 ms |');
  });

  it('details every failure with role, request and the rule of derived cases; shows setup errors and warnings', () => {
    const md = render();
    expect(md).toContain("**1. Owners manage their own protected folder › bob cannot delete alice's photo** — `scenarios/owner-protected.yaml:47`");
    expect(md).toContain('- **Role:** `arn:aws:iam::123456789012:role/amplify-photoapp-main-authRole`');
    expect(md).toContain('- **Request:** `DELETE https://media-bucket-7f3a.s3.us-east-1.amazonaws.com/protected/us-east-1:1f0e4c2a-9b7d-4e51-a3c8-5d2f6b9e0a71/photo.jpg?x-id=DeleteObject → 204`');
    expect(md).toContain('- **Derived from:** paths\\["public/\\*"\\].groupsadmin has delete — erin is in group admin');
    expect(md).toContain('> **💥 Setup failed: the scenario\'s cases did not run** (counted as one failure).');
    expect(md).toContain('> Policy has invalid resource: arn:aws:s3:::partner-bucket/*');
    expect(md).toContain('> ⚠️ **Warning:** derive: group admin has no rule for shared/\\*; its members were not probed there.');
  });

  it('shows only the failed rows (and the counts) of a big scenario', () => {
    const md = render(sampleRunSummary(), { maxTableRows: 10 });
    expect(md).toContain('_16 cases; showing the 2 that failed._');
    expect(rowsOf(md)).toHaveLength(9 + 2);
  });

  it('stays under the size budget, dropping tables and then failure details', () => {
    const summary = sampleRunSummary();
    const s = summary.scenarios[1]!;
    const failing = s.cases[2]!;
    s.cases = Array.from({ length: 3000 }, (_, i): CaseResult => ({ ...failing, index: i, title: `case ${i} ${'x'.repeat(80)}` }));
    const full = render(summary, { maxBytes: 10_000_000 });
    expect(Buffer.byteLength(full)).toBeGreaterThan(1_000_000);
    const md = render(summary);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(900_000);
    expect(md).toMatch(/_…and \d+ more failures not shown to stay within the step summary size limit/);
    expect(md.split('\n')[0]).toBe('## ❌ Storage access contract: 7 passed, 3003 failed');
  });

  it('escapes Markdown and HTML in text, and pipes in table cells', () => {
    expect(text('a|b <script> *x* _y_ [l](u) & `c`')).toBe('a\\|b &lt;script&gt; \\*x\\* \\_y\\_ \\[l\\](u) &amp; \\`c\\`');
    expect(code('a|b', true)).toBe('`a\\|b`');
    expect(code('x `y` z')).toBe('``x `y` z``');
    const summary = sampleRunSummary();
    summary.scenarios[0]!.cases[0]!.path = 'public/a|b<script>.txt';
    const md = render(summary);
    expect(md).toContain('| ✅ | guest | download | `public/a\\|b<script>.txt` |');
    expect(md).toContain('**2. Owners manage their own protected folder › carol reads "drafts &amp; notes" &lt;beta&gt;**');
  });

  it('appends to $GITHUB_STEP_SUMMARY when there is no out, else writes to the stream', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-md-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const summaryFile = path.join(dir, 'step_summary');
    await writeFile(summaryFile, 'earlier step\n');
    const paths = await new MarkdownReporter({ cwd: SAMPLE_CWD, env: { GITHUB_STEP_SUMMARY: summaryFile } }).onRunEnd(sampleRunSummary());
    expect(paths).toEqual([]);
    const content = await readFile(summaryFile, 'utf8');
    expect(content.startsWith('earlier step\n## ❌ Storage access contract')).toBe(true);

    const stream = new PassThrough();
    let out = '';
    stream.on('data', (d: Buffer) => (out += d.toString()));
    await new MarkdownReporter({ cwd: SAMPLE_CWD, env: {}, stream }).onRunEnd(sampleRunSummary());
    expect(out).toContain('## ❌ Storage access contract: 21 passed, 5 failed');

    const written = await new MarkdownReporter({ cwd: dir, out: 'ci/summary.md', env: { GITHUB_STEP_SUMMARY: summaryFile } }).onRunEnd(sampleRunSummary());
    expect(written).toEqual([path.join(dir, 'ci', 'summary.md')]);
  });
});
