import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HtmlReporter, renderHtml } from './html.js';
import { SAMPLE_CWD, sampleRunSummary } from './sample.js';

function render(summary = sampleRunSummary({ facts: true })): string {
  return renderHtml(summary, { cwd: SAMPLE_CWD });
}

/** The attributes of every matrix cell of scenario section `n` (1-based). */
function cells(html: string, n: number): Array<Record<string, string>> {
  const start = html.indexOf(`<section class="card scenario`, html.indexOf(`id="s${n}"`) - 60);
  const section = html.slice(start, html.indexOf('</section>', start));
  return [...section.matchAll(/<td ([^>]*)>/g)].map((m) => {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    return attrs;
  });
}

describe('html reporter', () => {
  it('is one self-contained document: inline CSS and JS, no external assets', () => {
    const html = render();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<link\b|<script\s+src|<img\b|@import|url\(|https?:\/\/(?!media-bucket|archive-bucket)/i);
    // Only one script element, the inline one.
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('has one cell per (actor, path, operation) with the right classes', () => {
    const html = render();
    const owners = cells(html, 1);
    // Actors guest, alice, bob, carol × columns: readme(download,getUrl) guest(upload) photo(download,upload,remove)
    // folder(list) copy(copy) notes(download) = 9 columns.
    expect(owners).toHaveLength(4 * 9);
    const keys = owners.map((c) => `${c['data-actor']}|${c['data-path']}|${c['data-op']}`);
    expect(new Set(keys).size).toBe(keys.length);
    const photo = 'protected/us-east-1:1f0e4c2a-9b7d-4e51-a3c8-5d2f6b9e0a71/photo.jpg';
    const find = (actor: string, p: string, op: string) => owners.find((c) => c['data-actor'] === actor && c['data-path'] === p && c['data-op'] === op)!;
    // `first` marks the first operation column of a path group.
    expect(find('bob', photo, 'remove').class).toBe('cell fail');
    expect(find('bob', photo, 'download').class).toBe('cell pass first');
    expect(find('alice', photo, 'upload').class).toBe('cell pass');
    expect(find('guest', photo, 'remove').class).toBe('cell none');
    expect(find('carol', 'drafts/notes &amp; ideas.txt', 'download').class).toBe('cell fail first');
    expect(find('guest', 'public/readme.txt', 'getUrl').class).toBe('cell pass');

    const drift = cells(html, 2);
    // guest, dana, erin, frank × reports(download) probe(download,upload,remove) folder(list) shared(download,upload).
    expect(drift).toHaveLength(4 * 7);
    expect(drift.filter((c) => c.class!.split(' ').includes('fail'))).toHaveLength(2);
    expect(drift.filter((c) => c.class!.split(' ').includes('derived'))).toHaveLength(15);
    // The setup error scenario has no matrix.
    expect(cells(html, 3)).toHaveLength(0);
  });

  it('says expected vs observed in each cell, with an icon, and a failure links to its card', () => {
    const html = render();
    expect(html).toContain('<span class="ico" aria-hidden="true">✓</span><span class="txt">allow</span>');
    expect(html).toContain('<span class="ico" aria-hidden="true">✓</span><span class="txt">deny</span>');
    expect(html).toMatch(/<a class="res fail" href="#f1" title="[^"]*"><span class="ico" aria-hidden="true">✗<\/span><span class="txt"><span class="exp-s">expected deny,<\/span> <b>got allow<\/b><\/span><\/a>/);
    expect(html).toContain('<b>allow, content differs</b>');
    expect(html).toContain('<article class="failure" id="f1">');
    expect(html).toContain('<a href="#c1-3-3-remove">show in matrix</a>');
    expect(html).toContain('id="c1-3-3-remove"');
  });

  it('puts role, deciding request and reasons in the cell title and the failure card', () => {
    const html = render();
    const title = /<a class="res fail" href="#f1" title="([^"]*)"/.exec(html)![1]!;
    expect(title).toContain('Role: arn:aws:iam::123456789012:role/amplify-photoapp-main-authRole&#10;');
    expect(title).toContain('Request: DELETE https://media-bucket-7f3a.s3.us-east-1.amazonaws.com/protected/');
    expect(title).toContain('Why: expected the request to be denied');
    const card = html.slice(html.indexOf('id="f1"'), html.indexOf('id="f2"'));
    expect(card).toContain('<code>arn:aws:iam::123456789012:role/amplify-photoapp-main-authRole</code>');
    expect(card).toContain('→ 204</code>');
    const derivedCard = html.slice(html.indexOf('id="f4"'), html.indexOf('</section>', html.indexOf('id="f4"')));
    expect(derivedCard).toContain('◆</span> Derived</span>');
    expect(derivedCard).toContain('<code>paths[&quot;public/*&quot;].groupsadmin has delete</code>');
  });

  it('shows actors with their groups, totals, warnings and the setup error', () => {
    const html = render();
    expect(html).toContain('<span class="actor-name">carol</span><span class="chips"><span class="chip group">editors</span></span>');
    expect(html).toContain('<span class="actor-name">guest</span><span class="chips"><span class="chip muted">unauthenticated</span></span>');
    expect(html).toContain('<div class="stat-value">21</div><div class="stat-label">Passed</div>');
    expect(html).toContain('<div class="stat-value">4</div><div class="stat-label">Failed</div>');
    expect(html).toContain('<div class="stat-value">1</div><div class="stat-label">Setup errors</div>');
    expect(html).toContain('<li>derive: group admin has no rule for shared/*; its members were not probed there.</li>');
    expect(html).toContain('This scenario could not be set up, so none of its cases ran.');
    expect(html).toContain('Policy has invalid resource: arn:aws:s3:::partner-bucket/*');
    expect(html).toContain('<code>21 passed, 5 failed</code>');
    // The non-default bucket is labelled.
    expect(html).toContain('<span class="chip bucket">archive</span>');
  });

  it('escapes user text everywhere, e.g. script injection in a path, a title and an error', () => {
    const summary = sampleRunSummary({ facts: true });
    const c = summary.scenarios[0]!.cases[4]!;
    c.path = 'public/<script>alert(1)</script>.txt';
    c.title = '<img src=x onerror=alert(2)>';
    c.reasons = ['"quoted" & <b>bold</b>'];
    summary.scenarios[2]!.error = '</pre><script>alert(3)</script>';
    summary.scenarios[0]!.name = 'Owners <script>alert(4)</script>';
    const html = render(summary);
    expect(html).not.toMatch(/<script>alert|<img src=x|<b>bold/);
    expect(html).toContain('public/&lt;script&gt;alert(1)&lt;/script&gt;.txt');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('infers the rows from the cases when the result has no actors (an older results.json)', () => {
    const html = renderHtml(sampleRunSummary(), { cwd: SAMPLE_CWD });
    const owners = cells(html, 1);
    expect(owners).toHaveLength(4 * 9);
    expect([...new Set(owners.map((c) => c['data-actor']))]).toEqual(['guest', 'alice', 'bob', 'carol']);
  });

  it('inlines its stylesheet and script from the asset files, so the page is one self-contained file', async () => {
    const html = render();
    const css = await readFile(new URL('./assets/report.css', import.meta.url), 'utf8');
    const js = await readFile(new URL('./assets/report.js', import.meta.url), 'utf8');
    expect(html).toContain(`<style>\n${css}</style>`);
    expect(html).toContain(`<script>\n${js}</script>`);
    expect(html).not.toMatch(/<link |<script src=/);
  });

  it('writes report.html into the out directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-html-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const paths = await new HtmlReporter({ out: dir, cwd: SAMPLE_CWD }).onRunEnd(sampleRunSummary());
    expect(paths).toEqual([path.join(dir, 'report.html')]);
    expect(await readFile(paths[0]!, 'utf8')).toContain('Storage access report');
  });
});
