/**
 * The HTML reporter: view.ts's model rendered with html-template.ts (escaping by default). About
 * 400 lines because the page's sections (overview, failure cards, matrices, cells) read best
 * together; the stylesheet and script are asset files.
 */
import { readFileSync } from 'node:fs';
import type { CaseResult, RunSummary } from '../results.js';
import type { StorageOp } from '../scenario/types.js';
import {
  corsExplanation,
  IDENTITY_ID, OPS, abortLine, caseLocation, countResults, finalLine, formatDuration, formatRequest, longExpected, longObserved,
  pathLabel, plural, relPath, shortIdentities, timingSplit, verdict, type ScenarioContext,
} from './format.js';
import { runView, type FailureView, type RunView, type ScenarioView } from './view.js';
import { attrLines, escapeHtml, html, trusted, type Html } from './html-template.js';
import { removeStaleReport, resolveOutPath, writeReportFile } from './output.js';
import type { Reporter, ReporterOptions, ScenarioActor } from './types.js';

export interface HtmlReporterOptions extends ReporterOptions {
  /** Page title. Default "Storage access report". */
  title?: string;
}

/**
 * One self-contained HTML file (its CSS and JS from assets/, inlined; no external assets):
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
export const esc = escapeHtml;

interface Column {
  bucket: string;
  path: string;
  ops: StorageOp[];
}

/** A failed case, with its card's anchor and, once its matrix is drawn, its cell's. */
interface FailureCard extends FailureView {
  id: string;
  cellId: string | undefined;
}

/** The page: the run's view (view.ts, shared with markdown and pretty) rendered with escaping by default (html-template.ts). */
export function renderHtml(summary: RunSummary, opts: HtmlRenderOptions): string {
  const title = opts.title ?? 'Storage access report';
  const n = countResults(summary);
  const view = runView(summary);
  // Failures are numbered before the matrices are drawn, so cells can link to their card.
  const failures: FailureCard[] = view.failures.map((f) => ({ ...f, id: `f${f.n}`, cellId: undefined }));
  const cards = new Map(failures.map((f) => [f.result, f]));

  const scenarioHtml = view.scenarios.map((s) => renderScenario(s, opts.cwd, cards));
  const aborted = abortLine(summary);
  const ok = n.failed === 0 && !aborted;
  const { css, js } = pageAssets();

  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="amplify-storage-emulator">
<title>${`${aborted ? (summary.aborted?.kind === 'infrastructure' ? '⚠ ABORTED' : '⚠ INTERRUPTED') : ok ? '✓' : '✗'} ${title} — ${finalLine(summary)}`}</title>
<style>
${trusted(css)}</style>
</head>
<body>
<header class="page-head">
  <div class="wrap">
    <div class="eyebrow">amplify-storage-emulator · <code>ase test</code></div>
    <div class="head-row">
      <h1>${title}</h1>
      ${aborted ? html`<span class="status fail" role="alert"><span aria-hidden="true">⚠</span> ${summary.aborted?.kind === 'infrastructure' ? 'Aborted' : 'Interrupted'}: incomplete</span>` : statusPill(n)}
    </div>
    ${aborted ? html`<p class="aborted" role="alert">${aborted}</p>` : ''}
    <p class="meta">Started ${formatStart(summary.startedAt)} · ran for ${formatDuration(summary.durationMs)} · ${plural(n.scenarios, 'scenario')} · ${plural(n.cases, 'case')}</p>
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
${renderOverview(view, opts.cwd)}
${renderFailures(view, failures, opts.cwd)}
${joinLines(scenarioHtml)}
<footer class="foot">
  ${aborted ? html`<p class="final"><code>${aborted}</code></p>` : ''}
  <p class="final"><code>${finalLine(summary)}</code></p>
</footer>
</main>
<script>
${trusted(js)}</script>
</body>
</html>
`.markup;
}

/** Parts one per line, as the page's source reads best. */
function joinLines(parts: Html[]): Html {
  return trusted(parts.map((p) => p.markup).join('\n'));
}

function statusPill(n: ReturnType<typeof countResults>): Html {
  if (n.failed > 0) {
    return html`<a class="status fail" href="#failures"><span aria-hidden="true">✗</span> ${plural(n.failed, 'failure')}</a>`;
  }
  if (n.cases === 0) return html`<span class="status none">No cases ran</span>`;
  return html`<span class="status pass"><span aria-hidden="true">✓</span> All cases passed</span>`;
}

function stat(label: string, value: number | string, tone: string): Html {
  return html`<div class="stat ${tone}"><div class="stat-value">${value}</div><div class="stat-label">${label}</div></div>`;
}

function formatStart(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function stateBadge(s: ScenarioView): Html {
  return s.state === 'error' ? badge('fail', '✗', 'Setup failed') : s.state === 'fail' ? badge('fail', '✗', `${s.failed} failed`) : badge('pass', '✓', 'Passed');
}

function renderOverview(view: RunView, cwd: string): Html {
  const rows = view.scenarios.map((s) => {
    const r = s.result;
    const split = timingSplit(r.timing);
    return html`<tr class="${s.state === 'pass' ? 'ok' : 'bad'}">
      <td>${stateBadge(s)}</td>
      <td><a href="#s${s.n}">${r.name}</a></td>
      <td><code>${relPath(r.file, cwd)}</code></td>
      <td class="num">${r.cases.length}${s.derived ? html` <span class="muted">(${s.derived} derived)</span>` : ''}</td>
      <td class="num">${s.ctx.actors.length}</td>
      <td class="num">${r.warnings.length || html`<span class="muted">–</span>`}</td>
      <td class="num"${split ? html` title="${split}"` : ''}>${formatDuration(r.durationMs)}</td>
    </tr>`;
  });
  return html`<section class="card" aria-labelledby="overview-h">
  <div class="card-head"><h2 id="overview-h">Scenarios</h2>
    <label class="toggle"><input type="checkbox" id="only-failures"> Show only failures</label></div>
  <div class="table-scroll"><table class="overview">
    <thead><tr><th>Status</th><th>Scenario</th><th>File</th><th class="num">Cases</th><th class="num">Actors</th><th class="num">Warnings</th><th class="num">Time</th></tr></thead>
    <tbody>${rows}</tbody>
  </table></div>
  <div class="legend-row"><span class="legend-title">Reading the matrices</span>${LEGEND}</div>
</section>`;
}

function badge(tone: 'pass' | 'fail' | 'warn' | 'muted', icon: string, label: string): Html {
  return html`<span class="badge ${tone}"><span aria-hidden="true">${icon}</span> ${label}</span>`;
}

function renderFailures(view: RunView, failures: FailureCard[], cwd: string): Html {
  if (failures.length + view.setupErrors.length === 0) return html``;
  const setup = view.setupErrors.map((s) => html`<article class="failure setup" id="setup${s.n}">
    <header>${badge('fail', '✗', 'Setup failed')}<h3>${s.result.name}</h3></header>
    <p class="where"><code>${relPath(s.result.file, cwd)}</code> · <a href="#s${s.n}">scenario</a> · none of its cases ran; counted as one failure</p>
    <pre class="error-text">${s.result.error ?? ''}</pre>
  </article>`);
  const cards = failures.map((f) => renderFailureCard(f, cwd));
  return html`<section class="card failures" id="failures" aria-labelledby="failures-h">
  <div class="card-head"><h2 id="failures-h"><span class="ico-fail" aria-hidden="true">✗</span> Failures <span class="count">${failures.length + view.setupErrors.length}</span></h2></div>
  ${joinLines([...setup, ...cards])}
</section>`;
}

function renderFailureCard(f: FailureCard, cwd: string): Html {
  const r = f.result;
  const ctx = f.scenario.ctx;
  const groups = ctx.groupsOf(r.actor);
  const rows: Array<[string, Html]> = [
    ['Actor', html`${r.actor}${groups.map((g) => html` <span class="chip">${g}</span>`)}`],
    ['Operation', html`<span class="op">${r.op}</span> <code>${pathLabel(r)}</code>${ctx.showBucket(r.bucket) ? html` <span class="chip bucket">bucket ${r.bucket}</span>` : ''}`],
    ['Expected', html`<span class="exp">${longExpected(r.expected)}</span>`],
    ['Observed', html`<span class="obs">${longObserved(r.observed)}</span>`],
    ['Role', r.role ? html`<code>${r.role}</code>` : html`<span class="muted">not known</span>`],
    ['Request', r.decidingRequest ? html`<code>${formatRequest(r.decidingRequest)}</code>` : html`<span class="muted">none recorded</span>`],
  ];
  if (r.reasons.length > 0) rows.push(['Why', html`<ul class="reasons">${r.reasons.map((x) => html`<li>${x}</li>`)}</ul>`]);
  for (const l of corsExplanation(r)) rows.push([`CORS ${l.label}`, html`${l.text}`]);
  if (r.derived) {
    rows.push(['Derived from', html`<code>${r.derived.rule}</code>${r.derived.note ? html`<div class="note">${r.derived.note}</div>` : ''}`]);
  }
  const cellLink = f.cellId ? html` · <a href="#${f.cellId}">show in matrix</a>` : '';
  return html`<article class="failure" id="${f.id}">
    <header>${badge('fail', '✗', 'Fail')}${r.derived ? html` ${badge('muted', '◆', 'Derived')}` : ''}<h3>${r.title}</h3></header>
    <p class="where"><code>${caseLocation(r, cwd)}</code> · ${r.scenario}${cellLink} · ${formatDuration(r.durationMs)}</p>
    <dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
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

function renderScenario(view: ScenarioView, cwd: string, cards: Map<CaseResult, FailureCard>): Html {
  const s = view.result;
  const id = `s${view.n}`;
  const facts = [
    html`<code>${relPath(s.file, cwd)}</code>`,
    s.error === undefined || s.cases.length > 0 ? html`${plural(s.cases.length, 'case')}${view.derived ? ` (${view.derived} derived)` : ''}` : html`cases did not run`,
    s.error === undefined ? html`${view.passed} passed · ${view.failed} failed` : undefined,
    html`${formatDuration(s.durationMs)}`,
  ].filter((f): f is Html => f !== undefined);

  const body: Html[] = [];
  if (s.error !== undefined) {
    body.push(html`<div class="callout error" role="alert"><strong><span aria-hidden="true">✗</span> This scenario could not be set up, so none of its cases ran.</strong><pre class="error-text">${s.error}</pre></div>`);
  }
  if (s.warnings.length > 0) {
    body.push(html`<div class="callout warn"><strong><span aria-hidden="true">⚠</span> ${plural(s.warnings.length, 'warning')}</strong><ul>${s.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`);
  }
  if (view.cors.length > 0) body.push(renderCors(view));
  if (s.cases.length > 0) body.push(renderMatrix(view, cards));

  return html`<section class="card scenario ${view.state === 'pass' ? 'ok' : 'bad'}" id="${id}" aria-labelledby="${id}-h">
  <div class="card-head"><h2 id="${id}-h">${s.name}</h2>${stateBadge(view)}</div>
  <p class="meta">${facts.map((f, i) => html`${i > 0 ? ' · ' : ''}${f}`)}</p>
  ${body}
</section>`;
}

/** What the browser was refused for CORS, case by case (passed cases too: they may expect the refusal). */
function renderCors(view: ScenarioView): Html {
  return html`<div class="callout cors"><strong>CORS: what the browser was refused, case by case</strong><ul>${view.cors.map((x) => html`<li>line ${x.result.line}: ${x.result.title} ${x.result.status === 'pass' ? badge('pass', '✓', 'Pass') : badge('fail', '✗', 'Fail')}<dl>${x.lines.map((l) => html`<dt>${l.label}</dt><dd>${l.text}</dd>`)}</dl></li>`)}</ul></div>`;
}

function renderMatrix(view: ScenarioView, cards: Map<CaseResult, FailureCard>): Html {
  const { result: s, ctx } = view;
  const cols = columnsOf(s.cases);
  const byCell = new Map<string, CaseResult[]>();
  for (const c of s.cases) {
    const k = `${c.actor}\u0000${c.bucket}\u0000${c.path}\u0000${c.op}`;
    const list = byCell.get(k) ?? [];
    list.push(c);
    byCell.set(k, list);
  }

  const top = cols.map((col) => {
    const showBucket = ctx.showBucket(col.bucket);
    const long = shortIdentitiesLength(col.path) > 44;
    return html`<th scope="colgroup" colspan="${col.ops.length}" class="path-h${long ? ' long' : ''}" title="${col.path}${showBucket ? ` (bucket ${col.bucket})` : ''}">${showBucket ? html`<span class="chip bucket">${col.bucket}</span>` : ''}${pathHtml(col.path, long)}</th>`;
  });
  const second = cols.flatMap((col) => col.ops.map((op, i) => html`<th scope="col" class="op-h${i === 0 ? ' first' : ''}">${op}</th>`));

  const rows = ctx.actors.map((a, ai) => {
    const cells = cols.flatMap((col) => col.ops.map((op, oi) => {
      const list = byCell.get(`${a.name}\u0000${col.bucket}\u0000${col.path}\u0000${op}`) ?? [];
      const id = `c${view.n}-${ai + 1}-${cols.indexOf(col) + 1}-${op}`;
      return renderCell(list, { actor: a.name, bucket: col.bucket, path: col.path, op, id, first: oi === 0 }, cards);
    }));
    return html`<tr><th scope="row" class="actor-h">${actorHtml(a, ctx)}</th>${cells}</tr>`;
  });

  return html`<div class="matrix-scroll" tabindex="0" role="region" aria-label="${`Access matrix: ${s.name}`}">
<table class="matrix">
<thead>
<tr><th scope="col" rowspan="2" class="corner">Actor <span class="muted">/ path →</span></th>${top}</tr>
<tr>${second}</tr>
</thead>
<tbody>
${joinLines(rows)}
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

function renderCell(list: CaseResult[], info: CellInfo, cards: Map<CaseResult, FailureCard>): Html {
  const data = html`data-actor="${info.actor}" data-bucket="${info.bucket}" data-path="${info.path}" data-op="${info.op}"`;
  const edge = info.first ? ' first' : '';
  if (list.length === 0) {
    return html`<td class="cell none${edge}" ${data} title="${`${info.actor} · ${info.op} · ${info.path}: no case`}"><span aria-label="no case">·</span></td>`;
  }
  const fail = list.some((c) => c.status === 'fail');
  const derived = list.some((c) => c.derived);
  const entries = list.map((c) => {
    const card = cards.get(c);
    if (card) card.cellId = info.id;
    const cls = `res ${c.status}${c.derived ? ' derived' : ''}`;
    const inner = html`<span class="ico" aria-hidden="true">${c.status === 'pass' ? '✓' : '✗'}</span><span class="txt">${cellText(c)}</span>${c.derived ? html`<span class="drv" aria-label="derived case">◆</span>` : ''}`;
    const tip = attrLines(tooltip(c));
    return card
      ? html`<a class="${cls}" href="#${card.id}" title="${tip}">${inner}</a>`
      : html`<span class="${cls}" title="${tip}">${inner}</span>`;
  });
  return html`<td class="cell ${fail ? 'fail' : 'pass'}${derived ? ' derived' : ''}${edge}" id="${info.id}" ${data}>${entries}</td>`;
}

/** `allow`, `deny`; on failure `expected deny, got allow`, with the observed part emphasised. */
function cellText(c: CaseResult): Html {
  if (c.status === 'pass') return html`${c.expected.outcome}`;
  const v = verdict(c).replace(/ ✗$/, '');
  const m = /^expected (.*), got (.*)$/.exec(v);
  if (m) return html`<span class="exp-s">expected ${m[1]!},</span> <b>got ${m[2]!}</b>`;
  return html`<b>${v}</b>`;
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

function actorHtml(a: ScenarioActor, ctx: ScenarioContext): Html {
  const groups = ctx.groupsOf(a.name);
  let chips: Html | Html[] | undefined;
  if (a.name === 'guest') chips = html`<span class="chip muted">unauthenticated</span>`;
  else if (groups.length > 0) chips = groups.map((g) => html`<span class="chip group">${g}</span>`);
  else if (ctx.actorsKnown) chips = html`<span class="chip muted">no group</span>`;
  return html`<span class="actor-name">${a.name}</span>${chips ? html`<span class="chips">${chips}</span>` : ''}`;
}

function shortIdentitiesLength(p: string): number {
  return [...shortIdentities(p)].length;
}

// Identity IDs (`us-east-1:1f0e4c2a-…`) make paths long; they show shortened, in full on hover.
function pathHtml(p: string, wrap: boolean): Html {
  const segments = p.split('/').map((seg) => {
    const parts: Html[] = [];
    let last = 0;
    for (const m of seg.matchAll(IDENTITY_ID)) {
      parts.push(html`${seg.slice(last, m.index)}<span class="ident" title="${m[0]}">${`${m[1]}:${m[2]}…`}</span>`);
      last = m.index + m[0].length;
    }
    return html`${parts}${seg.slice(last)}`;
  });
  return html`<code class="path">${segments.map((seg, i) => html`${i > 0 ? (wrap ? html`/<wbr>` : '/') : ''}${seg}`)}</code>`;
}

const LEGEND = html`<div class="legend" aria-label="Legend">
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
