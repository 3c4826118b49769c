import { readFileSync } from 'node:fs';
import type { CaseResult, RunSummary, ScenarioResult } from '../results.js';
import type { StorageOp } from '../scenario/types.js';
import {
  IDENTITY_ID, OPS, abortLine, caseLocation, countResults, finalLine, formatDuration, formatRequest, longExpected, longObserved,
  pathLabel, plural, relPath, scenarioContext, shortIdentities, timingSplit, verdict, type ScenarioContext,
} from './format.js';
import { removeStaleReport, resolveOutPath, writeReportFile } from './output.js';
import type { Reporter, ReporterOptions, ScenarioActor } from './types.js';

export interface HtmlReporterOptions extends ReporterOptions {
  /** Page title. Default "Storage access report". */
  title?: string;
}

/**
 * One self-contained HTML file (inline CSS and a few lines of inline JS, no external assets):
 * totals, failures in full, and per scenario an access matrix of actors × (path × operation)
 * showing expected against observed. To `out` (default name report.html), or ase-report.html
 * in `cwd` when there is no `out`.
 */
export class HtmlReporter implements Reporter {
  readonly name = 'html';
  private readonly options: HtmlReporterOptions;

  constructor(options: HtmlReporterOptions = {}) {
    this.options = options;
  }

  /** The previous run's file goes first: a run that stops before writing must not leave it looking current. */
  async onRunStart(): Promise<void> {
    await removeStaleReport(resolveOutPath(this.options.out ?? 'ase-report.html', this.options.cwd ?? process.cwd(), { defaultName: 'report.html', extensions: ['.html', '.htm'] }));
  }

  async onRunEnd(summary: RunSummary): Promise<string[]> {
    const cwd = this.options.cwd ?? process.cwd();
    const html = renderHtml(summary, { cwd, title: this.options.title });
    const file = resolveOutPath(this.options.out ?? 'ase-report.html', cwd, {
      defaultName: 'report.html',
      extensions: ['.html', '.htm'],
    });
    return [await writeReportFile(file!, html)];
  }
}

export interface HtmlRenderOptions {
  cwd: string;
  title?: string | undefined;
}

/** Escapes text for HTML content and attribute values. */
export function esc(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An attribute value that keeps its line breaks (for title tooltips). */
function escAttrLines(s: string): string {
  return esc(s).replace(/\r?\n/g, '&#10;');
}

interface Column {
  bucket: string;
  path: string;
  ops: StorageOp[];
}

interface Failure {
  id: string;
  result: CaseResult;
  ctx: ScenarioContext;
  cellId: string | undefined;
}

export function renderHtml(summary: RunSummary, opts: HtmlRenderOptions): string {
  const title = opts.title ?? 'Storage access report';
  const n = countResults(summary);
  const contexts = summary.scenarios.map((s) => scenarioContext(s));

  // Number failures first, so cells can link to their card.
  const failures: Failure[] = [];
  const failureIds = new Map<CaseResult, Failure>();
  summary.scenarios.forEach((s, si) => {
    for (const r of s.cases) {
      if (r.status !== 'fail') continue;
      const f: Failure = { id: `f${failures.length + 1}`, result: r, ctx: contexts[si]!, cellId: undefined };
      failures.push(f);
      failureIds.set(r, f);
    }
  });

  const scenarioHtml = summary.scenarios.map((s, si) => renderScenario(s, si, contexts[si]!, opts.cwd, failureIds)).join('\n');
  const aborted = abortLine(summary);
  const ok = n.failed === 0 && !aborted;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="amplify-storage-emulator">
<title>${esc(`${aborted ? (summary.aborted?.kind === 'infrastructure' ? '⚠ ABORTED' : '⚠ INTERRUPTED') : ok ? '✓' : '✗'} ${title} — ${finalLine(summary)}`)}</title>
<style>
${pageAssets().css}</style>
</head>
<body>
<header class="page-head">
  <div class="wrap">
    <div class="eyebrow">amplify-storage-emulator · <code>ase test</code></div>
    <div class="head-row">
      <h1>${esc(title)}</h1>
      ${aborted ? `<span class="status fail" role="alert"><span aria-hidden="true">⚠</span> ${esc(summary.aborted?.kind === 'infrastructure' ? 'Aborted' : 'Interrupted')}: incomplete</span>` : statusPill(n)}
    </div>
    ${aborted ? `<p class="aborted" role="alert">${esc(aborted)}</p>` : ''}
    <p class="meta">Started ${esc(formatStart(summary.startedAt))} · ran for ${esc(formatDuration(summary.durationMs))} · ${esc(plural(n.scenarios, 'scenario'))} · ${esc(plural(n.cases, 'case'))}</p>
    <div class="stats">
      ${stat('Passed', n.passed, n.passed > 0 ? 'pass' : '')}
      ${stat('Failed', n.failedCases, n.failedCases > 0 ? 'fail' : '')}
      ${stat('Setup errors', n.setupErrors, n.setupErrors > 0 ? 'fail' : '')}
      ${stat('Warnings', n.warnings, n.warnings > 0 ? 'warn' : '')}
      ${stat('Run time', formatDuration(summary.durationMs), '')}
    </div>
  </div>
</header>
<main class="wrap">
${renderOverview(summary, contexts, opts.cwd)}
${renderFailures(summary, failures, opts.cwd)}
${scenarioHtml}
<footer class="foot">
  ${aborted ? `<p class="final"><code>${esc(aborted)}</code></p>` : ''}
  <p class="final"><code>${esc(finalLine(summary))}</code></p>
</footer>
</main>
<script>
${pageAssets().js}</script>
</body>
</html>
`;
}

function statusPill(n: ReturnType<typeof countResults>): string {
  if (n.failed > 0) {
    return `<a class="status fail" href="#failures"><span aria-hidden="true">✗</span> ${esc(plural(n.failed, 'failure'))}</a>`;
  }
  if (n.cases === 0) return '<span class="status none">No cases ran</span>';
  return '<span class="status pass"><span aria-hidden="true">✓</span> All cases passed</span>';
}

function stat(label: string, value: number | string, tone: string): string {
  return `<div class="stat ${tone}"><div class="stat-value">${esc(value)}</div><div class="stat-label">${esc(label)}</div></div>`;
}

function formatStart(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function renderOverview(summary: RunSummary, contexts: ScenarioContext[], cwd: string): string {
  const rows = summary.scenarios.map((s, si) => {
    const failed = s.cases.filter((c) => c.status === 'fail').length;
    const state = s.error !== undefined ? 'error' : failed > 0 ? 'fail' : 'pass';
    const badge = state === 'error' ? badgeHtml('fail', '✗', 'Setup failed') : state === 'fail' ? badgeHtml('fail', '✗', `${failed} failed`) : badgeHtml('pass', '✓', 'Passed');
    const derived = s.cases.filter((c) => c.derived).length;
    return `<tr class="${state === 'pass' ? 'ok' : 'bad'}">
      <td>${badge}</td>
      <td><a href="#s${si + 1}">${esc(s.name)}</a></td>
      <td><code>${esc(relPath(s.file, cwd))}</code></td>
      <td class="num">${s.cases.length}${derived ? ` <span class="muted">(${derived} derived)</span>` : ''}</td>
      <td class="num">${esc(contexts[si]!.actors.length)}</td>
      <td class="num">${s.warnings.length || '<span class="muted">–</span>'}</td>
      <td class="num"${timingSplit(s.timing) ? ` title="${esc(timingSplit(s.timing)!)}"` : ''}>${esc(formatDuration(s.durationMs))}</td>
    </tr>`;
  });
  return `<section class="card" aria-labelledby="overview-h">
  <div class="card-head"><h2 id="overview-h">Scenarios</h2>
    <label class="toggle"><input type="checkbox" id="only-failures"> Show only failures</label></div>
  <div class="table-scroll"><table class="overview">
    <thead><tr><th>Status</th><th>Scenario</th><th>File</th><th class="num">Cases</th><th class="num">Actors</th><th class="num">Warnings</th><th class="num">Time</th></tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table></div>
  <div class="legend-row"><span class="legend-title">Reading the matrices</span>${LEGEND}</div>
</section>`;
}

function badgeHtml(tone: 'pass' | 'fail' | 'warn' | 'muted', icon: string, label: string): string {
  return `<span class="badge ${tone}"><span aria-hidden="true">${icon}</span> ${esc(label)}</span>`;
}

function renderFailures(summary: RunSummary, failures: Failure[], cwd: string): string {
  const errored = summary.scenarios.map((s, si) => [s, si] as const).filter(([s]) => s.error !== undefined);
  if (failures.length + errored.length === 0) return '';
  const setup = errored.map(([s, si]) => `<article class="failure setup" id="setup${si + 1}">
    <header>${badgeHtml('fail', '✗', 'Setup failed')}<h3>${esc(s.name)}</h3></header>
    <p class="where"><code>${esc(relPath(s.file, cwd))}</code> · <a href="#s${si + 1}">scenario</a> · none of its cases ran; counted as one failure</p>
    <pre class="error-text">${esc(s.error ?? '')}</pre>
  </article>`);
  const cards = failures.map((f) => renderFailureCard(f, cwd));
  return `<section class="card failures" id="failures" aria-labelledby="failures-h">
  <div class="card-head"><h2 id="failures-h"><span class="ico-fail" aria-hidden="true">✗</span> Failures <span class="count">${failures.length + errored.length}</span></h2></div>
  ${[...setup, ...cards].join('\n')}
</section>`;
}

function renderFailureCard(f: Failure, cwd: string): string {
  const r = f.result;
  const groups = f.ctx.groupsOf(r.actor);
  const rows: Array<[string, string]> = [
    ['Actor', `${esc(r.actor)}${groups.map((g) => ` <span class="chip">${esc(g)}</span>`).join('')}`],
    ['Operation', `<span class="op">${esc(r.op)}</span> <code>${esc(pathLabel(r))}</code>${f.ctx.showBucket(r.bucket) ? ` <span class="chip bucket">bucket ${esc(r.bucket)}</span>` : ''}`],
    ['Expected', `<span class="exp">${esc(longExpected(r.expected))}</span>`],
    ['Observed', `<span class="obs">${esc(longObserved(r.observed))}</span>`],
    ['Role', r.role ? `<code>${esc(r.role)}</code>` : '<span class="muted">not known</span>'],
    ['Request', r.decidingRequest ? `<code>${esc(formatRequest(r.decidingRequest))}</code>` : '<span class="muted">none recorded</span>'],
  ];
  if (r.reasons.length > 0) rows.push(['Why', `<ul class="reasons">${r.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`]);
  if (r.derived) {
    rows.push(['Derived from', `<code>${esc(r.derived.rule)}</code>${r.derived.note ? `<div class="note">${esc(r.derived.note)}</div>` : ''}`]);
  }
  const cellLink = f.cellId ? ` · <a href="#${f.cellId}">show in matrix</a>` : '';
  return `<article class="failure" id="${f.id}">
    <header>${badgeHtml('fail', '✗', 'Fail')}${r.derived ? ` ${badgeHtml('muted', '◆', 'Derived')}` : ''}<h3>${esc(r.title)}</h3></header>
    <p class="where"><code>${esc(caseLocation(r, cwd))}</code> · ${esc(r.scenario)}${cellLink} · ${esc(formatDuration(r.durationMs))}</p>
    <dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
  </article>`;
}

function columnsOf(cases: CaseResult[]): Column[] {
  const cols = new Map<string, Column>();
  for (const c of cases) {
    const key = `${c.bucket}\u0000${c.path}`;
    let col = cols.get(key);
    if (!col) cols.set(key, (col = { bucket: c.bucket, path: c.path, ops: [] }));
    if (!col.ops.includes(c.op)) col.ops.push(c.op);
  }
  for (const col of cols.values()) col.ops.sort((a, b) => OPS.indexOf(a) - OPS.indexOf(b));
  return [...cols.values()];
}

function renderScenario(s: ScenarioResult, si: number, ctx: ScenarioContext, cwd: string, failures: Map<CaseResult, Failure>): string {
  const failed = s.cases.filter((c) => c.status === 'fail').length;
  const state = s.error !== undefined ? 'error' : failed > 0 ? 'fail' : 'pass';
  const derived = s.cases.filter((c) => c.derived).length;
  const head = state === 'pass' ? badgeHtml('pass', '✓', 'Passed') : state === 'fail' ? badgeHtml('fail', '✗', `${failed} failed`) : badgeHtml('fail', '✗', 'Setup failed');
  const facts = [
    `<code>${esc(relPath(s.file, cwd))}</code>`,
    s.error === undefined || s.cases.length > 0 ? esc(plural(s.cases.length, 'case')) + (derived ? ` (${derived} derived)` : '') : 'cases did not run',
    s.error === undefined ? `${s.cases.length - failed} passed · ${failed} failed` : '',
    esc(formatDuration(s.durationMs)),
  ].filter(Boolean);

  let body = '';
  if (s.error !== undefined) {
    body += `<div class="callout error" role="alert"><strong><span aria-hidden="true">✗</span> This scenario could not be set up, so none of its cases ran.</strong><pre class="error-text">${esc(s.error)}</pre></div>`;
  }
  if (s.warnings.length > 0) {
    body += `<div class="callout warn"><strong><span aria-hidden="true">⚠</span> ${esc(plural(s.warnings.length, 'warning'))}</strong><ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`;
  }
  if (s.cases.length > 0) body += renderMatrix(s, si, ctx, failures);

  return `<section class="card scenario ${state === 'pass' ? 'ok' : 'bad'}" id="s${si + 1}" aria-labelledby="s${si + 1}-h">
  <div class="card-head"><h2 id="s${si + 1}-h">${esc(s.name)}</h2>${head}</div>
  <p class="meta">${facts.join(' · ')}</p>
  ${body}
</section>`;
}

function renderMatrix(s: ScenarioResult, si: number, ctx: ScenarioContext, failures: Map<CaseResult, Failure>): string {
  const cols = columnsOf(s.cases);
  const byCell = new Map<string, CaseResult[]>();
  for (const c of s.cases) {
    const k = `${c.actor}\u0000${c.bucket}\u0000${c.path}\u0000${c.op}`;
    const list = byCell.get(k) ?? [];
    list.push(c);
    byCell.set(k, list);
  }

  const top = cols.map((col) => {
    const bucket = ctx.showBucket(col.bucket) ? `<span class="chip bucket">${esc(col.bucket)}</span>` : '';
    const long = shortIdentitiesLength(col.path) > 44;
    return `<th scope="colgroup" colspan="${col.ops.length}" class="path-h${long ? ' long' : ''}" title="${esc(col.path)}${bucket ? esc(` (bucket ${col.bucket})`) : ''}">${bucket}${pathHtml(col.path, long)}</th>`;
  });
  const second = cols.flatMap((col) => col.ops.map((op, i) => `<th scope="col" class="op-h${i === 0 ? ' first' : ''}">${esc(op)}</th>`));

  const rows = ctx.actors.map((a, ai) => {
    const cells = cols.flatMap((col) => col.ops.map((op, oi) => {
      const list = byCell.get(`${a.name}\u0000${col.bucket}\u0000${col.path}\u0000${op}`) ?? [];
      const id = `c${si + 1}-${ai + 1}-${cols.indexOf(col) + 1}-${op}`;
      return renderCell(list, { actor: a.name, bucket: col.bucket, path: col.path, op, id, first: oi === 0 }, failures);
    }));
    return `<tr><th scope="row" class="actor-h">${actorHtml(a, ctx)}</th>${cells.join('')}</tr>`;
  });

  return `<div class="matrix-scroll" tabindex="0" role="region" aria-label="${esc(`Access matrix: ${s.name}`)}">
<table class="matrix">
<thead>
<tr><th scope="col" rowspan="2" class="corner">Actor <span class="muted">/ path →</span></th>${top.join('')}</tr>
<tr>${second.join('')}</tr>
</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>`;
}

interface CellInfo {
  actor: string;
  bucket: string;
  path: string;
  op: StorageOp;
  id: string;
  first: boolean;
}

function renderCell(list: CaseResult[], info: CellInfo, failures: Map<CaseResult, Failure>): string {
  const data = `data-actor="${esc(info.actor)}" data-bucket="${esc(info.bucket)}" data-path="${esc(info.path)}" data-op="${esc(info.op)}"`;
  const edge = info.first ? ' first' : '';
  if (list.length === 0) {
    return `<td class="cell none${edge}" ${data} title="${esc(`${info.actor} · ${info.op} · ${info.path}: no case`)}"><span aria-label="no case">·</span></td>`;
  }
  const fail = list.some((c) => c.status === 'fail');
  const derived = list.some((c) => c.derived);
  const entries = list.map((c) => {
    const f = failures.get(c);
    if (f) f.cellId = info.id;
    const cls = `res ${c.status}${c.derived ? ' derived' : ''}`;
    const label = cellText(c);
    const inner = `<span class="ico" aria-hidden="true">${c.status === 'pass' ? '✓' : '✗'}</span><span class="txt">${label}</span>${c.derived ? '<span class="drv" aria-label="derived case">◆</span>' : ''}`;
    const tip = escAttrLines(tooltip(c));
    return f
      ? `<a class="${cls}" href="#${f.id}" title="${tip}">${inner}</a>`
      : `<span class="${cls}" title="${tip}">${inner}</span>`;
  });
  return `<td class="cell ${fail ? 'fail' : 'pass'}${derived ? ' derived' : ''}${edge}" id="${esc(info.id)}" ${data}>${entries.join('')}</td>`;
}

/** `allow`, `deny`; on failure `expected deny, got allow`, with the observed part emphasised. */
function cellText(c: CaseResult): string {
  if (c.status === 'pass') return esc(c.expected.outcome);
  const v = verdict(c).replace(/ ✗$/, '');
  const m = /^expected (.*), got (.*)$/.exec(v);
  if (m) return `<span class="exp-s">expected ${esc(m[1]!)},</span> <b>got ${esc(m[2]!)}</b>`;
  return `<b>${esc(v)}</b>`;
}

function tooltip(c: CaseResult): string {
  const lines = [
    `${c.status === 'pass' ? '✓ PASS' : '✗ FAIL'}: ${c.title}`,
    `${c.actor} · ${c.op} ${pathLabel(c)}${c.bucket ? ` (bucket ${c.bucket})` : ''}`,
    `Expected: ${longExpected(c.expected)}`,
    `Observed: ${longObserved(c.observed)}`,
  ];
  if (c.role) lines.push(`Role: ${c.role}`);
  if (c.decidingRequest) lines.push(`Request: ${formatRequest(c.decidingRequest)}`);
  for (const r of c.reasons) lines.push(`Why: ${r}`);
  if (c.derived) lines.push(`Derived from: ${c.derived.rule}${c.derived.note ? ` — ${c.derived.note}` : ''}`);
  lines.push(c.line > 0 ? `Line ${c.line} · ${formatDuration(c.durationMs)}` : `Derived case · ${formatDuration(c.durationMs)}`);
  return lines.join('\n');
}

function actorHtml(a: ScenarioActor, ctx: ScenarioContext): string {
  const groups = ctx.groupsOf(a.name);
  let chips = '';
  if (a.name === 'guest') chips = '<span class="chip muted">unauthenticated</span>';
  else if (groups.length > 0) chips = groups.map((g) => `<span class="chip group">${esc(g)}</span>`).join('');
  else if (ctx.actorsKnown) chips = '<span class="chip muted">no group</span>';
  return `<span class="actor-name">${esc(a.name)}</span>${chips ? `<span class="chips">${chips}</span>` : ''}`;
}

function shortIdentitiesLength(p: string): number {
  return [...shortIdentities(p)].length;
}

// Identity IDs (`us-east-1:1f0e4c2a-…`) make paths long; they show shortened, in full on hover.
function pathHtml(p: string, wrap: boolean): string {
  const parts = p.split('/');
  const html = parts.map((seg) => {
    let out = '';
    let last = 0;
    for (const m of seg.matchAll(IDENTITY_ID)) {
      out += esc(seg.slice(last, m.index));
      out += `<span class="ident" title="${esc(m[0])}">${esc(`${m[1]}:${m[2]}…`)}</span>`;
      last = m.index + m[0].length;
    }
    return out + esc(seg.slice(last));
  });
  return `<code class="path">${html.join(wrap ? '/<wbr>' : '/')}</code>`;
}

const LEGEND = `<div class="legend" aria-label="Legend">
    <span class="item"><span class="res pass"><span class="ico" aria-hidden="true">✓</span><span class="txt">allow</span></span> as expected</span>
    <span class="item"><span class="res fail"><span class="ico" aria-hidden="true">✗</span><span class="txt"><b>got allow</b></span></span> not as expected (links to the failure)</span>
    <span class="item"><span class="res pass derived"><span class="ico" aria-hidden="true">✓</span><span class="txt">deny</span><span class="drv">◆</span></span> derived from the paths map</span>
    <span class="item"><span class="none-sample">·</span> no case</span>
    <span class="item muted">Hover a cell for the role, the deciding S3 request and the reasons.</span>
  </div>`;

/**
 * The page's stylesheet and script, shipped beside this module (assets/, copied into dist/ by
 * `npm run build`) and inlined, so the report stays one self-contained file. report.js measures
 * the first header row so the second one sticks right below it, and wires the failures filter.
 */
let assets: { css: string; js: string } | undefined;
function pageAssets(): { css: string; js: string } {
  assets ??= {
    css: readFileSync(new URL('./assets/report.css', import.meta.url), 'utf8'),
    js: readFileSync(new URL('./assets/report.js', import.meta.url), 'utf8'),
  };
  return assets;
}
