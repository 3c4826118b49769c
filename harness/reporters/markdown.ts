import type { CaseResult, RunSummary, ScenarioResult } from '../results.js';
import {
  abortLine, actorLabel, caseLocation, corsExplanation, countResults, finalLine, formatDuration, formatRequest, longExpected, longObserved,
  pathLabel, plural, relPath, shortIdentities, tableOutcomes, timingSplit, type ScenarioContext,
} from './format.js';
import { runView, type RunView, type ScenarioView } from './view.js';
import { removeStaleReport, resolveOutPath, writeReportFile, writeToStream } from './output.js';
import type { Reporter, ReporterOptions } from './types.js';

export interface MarkdownReporterOptions extends ReporterOptions {
  /** Scenarios with more cases than this show only their failed cases and counts. Default 50. */
  maxTableRows?: number;
  /** Size budget in bytes; GitHub rejects step summaries over 1 MiB. Default 900 000. */
  maxBytes?: number;
  /** Environment to read GITHUB_STEP_SUMMARY from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A GitHub-flavoured Markdown summary, made for `$GITHUB_STEP_SUMMARY`: a totals line, an
 * overview, a compact table per scenario (failures only for big ones), warnings, setup errors
 * and every failure in detail, kept under `maxBytes`.
 *
 * Goes to `out` (default name summary.md); without `out`, appended to $GITHUB_STEP_SUMMARY when
 * that is set (the step summary is not reported as a written file); else to the stream.
 */
export class MarkdownReporter implements Reporter {
  readonly name = 'markdown';
  private readonly options: MarkdownReporterOptions;

  constructor(options: MarkdownReporterOptions = {}) {
    this.options = options;
  }

  /** The previous run's file goes first: a run that stops before writing must not leave it looking current. */
  async onRunStart(): Promise<void> {
    await removeStaleReport(resolveOutPath(this.options.out, this.options.cwd ?? process.cwd(), { defaultName: 'summary.md', extensions: ['.md', '.markdown'] }));
  }

  async onRunEnd(summary: RunSummary): Promise<string[]> {
    const cwd = this.options.cwd ?? process.cwd();
    const md = renderMarkdown(summary, {
      cwd,
      maxTableRows: this.options.maxTableRows,
      maxBytes: this.options.maxBytes,
    });
    const file = resolveOutPath(this.options.out, cwd, { defaultName: 'summary.md', extensions: ['.md', '.markdown'] });
    if (file !== undefined) return [await writeReportFile(file, md)];
    const stepSummary = (this.options.env ?? process.env).GITHUB_STEP_SUMMARY;
    if (stepSummary) {
      await writeReportFile(stepSummary, md, 'append');
      return [];
    }
    await writeToStream(this.options.stream ?? process.stdout, md);
    return [];
  }
}

export interface MarkdownRenderOptions {
  cwd: string;
  maxTableRows?: number | undefined;
  maxBytes?: number | undefined;
}

/** Row limit for a full table; 0 = failed rows only everywhere; -1 = no tables. */
type TableLevel = number;

export function renderMarkdown(summary: RunSummary, opts: MarkdownRenderOptions): string {
  const maxBytes = opts.maxBytes ?? 900_000;
  const view = runView(summary);
  const head = renderHead(summary, view, opts).join('\n');
  const { failures } = view;
  const blocks = failures.map((f) => ['', ...renderFailure(f.result, f.n, f.scenario.ctx, opts.cwd)].join('\n'));
  const failuresHead = failures.length > 0 ? `\n\n### Failures (${failures.length})` : '';
  const bytes = (x: string): number => Buffer.byteLength(x);
  const blockBytes = blocks.reduce((n, b) => n + bytes(b) + 1, 0);

  // Degrade step by step: full tables for small scenarios, failed rows only, no tables; then fewer failure details.
  let body = '';
  for (const level of [opts.maxTableRows ?? 50, 0, -1] as TableLevel[]) {
    body = head + view.scenarios.map((s) => `\n\n${renderScenario(s, opts, level).join('\n')}`).join('');
    if (bytes(body) + bytes(failuresHead) + blockBytes + 1 <= maxBytes) return `${body}${failuresHead}${blocks.map((b) => `\n${b}`).join('')}\n`;
  }
  let out = body + failuresHead;
  let size = bytes(out);
  const note = (hidden: number): string =>
    `\n\n_…and ${plural(hidden, 'more failure')} not shown to stay within the step summary size limit; see the JUnit or HTML report._`;
  const reserve = bytes(note(failures.length)) + 1;
  let shown = 0;
  for (const b of blocks) {
    const n = bytes(b) + 1;
    if (size + n + reserve > maxBytes) break;
    out += `\n${b}`;
    size += n;
    shown++;
  }
  if (shown < blocks.length) out += note(blocks.length - shown);
  return `${out}\n`;
}

const ICON: Record<ScenarioView['state'], string> = { pass: '✅', fail: '❌', error: '💥' };

function renderHead(summary: RunSummary, view: RunView, opts: MarkdownRenderOptions): string[] {
  const n = countResults(summary);
  const ok = n.failed === 0;
  const out: string[] = [];
  const aborted = abortLine(summary);
  out.push(`## ${aborted ? '⚠️' : ok ? '✅' : '❌'} Storage access contract${aborted ? (summary.aborted?.kind === 'infrastructure' ? ' (ABORTED)' : ' (INTERRUPTED)') : ''}: ${finalLine(summary)}`, '');
  if (aborted) out.push(`> **${text(aborted)}**`, '');
  const facts = [
    plural(n.scenarios, 'scenario'),
    plural(n.cases, 'case'),
    formatDuration(summary.durationMs),
  ];
  if (n.setupErrors) facts.push(`**${plural(n.setupErrors, 'setup error')}**`);
  if (n.warnings) facts.push(plural(n.warnings, 'warning'));
  if (summary.startedAt) facts.push(`started ${text(summary.startedAt)}`);
  out.push(facts.join(' · '), '');

  // Overview.
  out.push('| | Scenario | File | Cases | Passed | Failed | Time |', '|:-:|---|---|--:|--:|--:|--:|');
  for (const { result: s, state, passed, failed } of view.scenarios) {
    const failCell = state === 'error' ? 'setup failed' : String(failed);
    out.push(
      `| ${ICON[state]} | ${cell(s.name)} | ${code(relPath(s.file, opts.cwd), true)} | ${s.cases.length} | ${passed} | ${failCell} | ${formatDuration(s.durationMs)} |`,
    );
  }
  return out;
}

function renderScenario(view: ScenarioView, opts: MarkdownRenderOptions, level: TableLevel): string[] {
  const { result: s, ctx } = view;
  const failed = s.cases.filter((c) => c.status === 'fail');
  const out = [`### ${ICON[view.state]} ${text(s.name)}`, ''];
  const stats = [code(relPath(s.file, opts.cwd)), plural(s.cases.length, 'case')];
  if (s.error === undefined) stats.push(`${s.cases.length - failed.length} passed`, `${failed.length} failed`);
  stats.push(formatDuration(s.durationMs));
  out.push(stats.join(' · '));
  const split = timingSplit(s.timing);
  if (split) out.push('', `Time: ${split}`);
  if (s.error !== undefined) {
    out.push('', '> **💥 Setup failed: the scenario\'s cases did not run** (counted as one failure).', '>');
    out.push(...fenced(s.error).map((l) => `> ${l}`));
  }
  for (const w of s.warnings) out.push('', `> ⚠️ **Warning:** ${text(w)}`);
  if (view.cors.length > 0) {
    out.push('', '**CORS** (what the browser was refused, case by case):', '');
    for (const x of view.cors) {
      out.push(`- line ${x.result.line}: ${text(x.result.title)} (${x.result.status === 'pass' ? 'passed' : 'failed'})`);
      for (const l of x.lines) out.push(`  - **${l.label}:** ${text(l.text)}`);
    }
  }
  if (s.cases.length === 0 || level < 0) return out;

  const full = s.cases.length <= level;
  const rows = full ? s.cases : failed;
  if (!full) {
    out.push('', failed.length > 0
      ? `_${plural(s.cases.length, 'case')}; showing the ${failed.length} that failed._`
      : `_All ${plural(s.cases.length, 'case')} passed (table omitted)._`);
  }
  if (rows.length === 0) return out;
  out.push('', '| | Actor | Operation | Path | Expected | Observed | Line |', '|:-:|---|---|---|---|---|--:|');
  for (const c of rows) {
    const bucket = ctx.showBucket(c.bucket) ? ` (bucket ${code(c.bucket, true)})` : '';
    const [expected, observed] = tableOutcomes(c);
    out.push(
      `| ${c.status === 'pass' ? '✅' : '❌'} | ${cell(c.actor)} | ${c.op} | ${code(shortIdentities(pathLabel(c)), true)}${bucket} | ${cell(expected)} | ${c.status === 'fail' ? `**${cell(observed)}**` : cell(observed)} | ${c.line > 0 ? c.line : '_derived_'} |`,
    );
  }
  return out;
}

function renderFailure(f: CaseResult, n: number, ctx: ScenarioContext, cwd: string): string[] {
  const bucket = ctx.showBucket(f.bucket) ? ` (bucket ${code(f.bucket)})` : '';
  const out = [`**${n}. ${text(f.scenario)} › ${text(f.title)}** — ${code(caseLocation(f, cwd))}`, ''];
  out.push(`- **Actor:** ${text(actorLabel({ name: f.actor, groups: ctx.groupsOf(f.actor) }))}`);
  out.push(`- **Operation:** ${f.op} ${code(pathLabel(f))}${bucket}`);
  out.push(`- **Expected:** ${text(longExpected(f.expected))}`);
  out.push(`- **Observed:** ${text(longObserved(f.observed))}`);
  if (f.role) out.push(`- **Role:** ${code(f.role)}`);
  if (f.decidingRequest) out.push(`- **Request:** ${code(formatRequest(f.decidingRequest))}`);
  for (const r of f.reasons) out.push(`- **Why:** ${text(r)}`);
  for (const l of corsExplanation(f)) out.push(`- **CORS ${l.label}:** ${text(l.text)}`);
  if (f.derived) {
    out.push(`- **Derived from:** ${text(f.derived.rule)}${f.derived.note ? ` — ${text(f.derived.note)}` : ''}`);
  }
  return out;
}

/** Plain text for Markdown: no formatting, no HTML, one line. */
export function text(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1');
}

/** Text inside a table cell (same escaping; `|` is already escaped). */
function cell(s: string): string {
  return text(s);
}

/** An inline code span that survives any backticks in `s`; `|` escaped when inside a table. */
export function code(s: string, inTable = false): string {
  const flat = s.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  const body = inTable ? flat.replace(/\|/g, '\\|') : flat;
  return `${fence}${pad}${body}${pad}${fence}`;
}

function fenced(s: string): string[] {
  const longest = Math.max(2, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, ...s.split(/\r?\n/), fence];
}
