import type { CaseResult, RunSummary, ScenarioResult } from '../results.js';
import {
  abortLine, actorLabel, caseLocation, countResults, createColors, displayWidth, finalLine, formatDuration, formatRequest,
  isCI, longExpected, longObserved, timingSplit, pathLabel, plural, relPath, scenarioKey, shortIdentities,
  shouldUseColor, tableOutcomes, stripAnsi, truncateMiddle, type Colors, type ScenarioContext, type TtyLike,
} from './format.js';
import type { Reporter, ReporterOptions, RunStartInfo, ScenarioStartInfo } from './types.js';
import { runView, type ScenarioView } from './view.js';

export interface PrettyReporterOptions extends ReporterOptions {
  /**
   * Rewrite the progress line in place while cases run. Default: when the stream is a TTY and
   * CI is not set; otherwise progress is written as plain, complete lines.
   */
  live?: boolean;
  /** Terminal width for tables; default the stream's `columns` on a TTY, else unlimited. */
  columns?: number;
}

const MARKS_PER_LINE = 60;

interface Progress {
  name: string;
  total: number;
  done: number;
  passed: number;
  failed: number;
  /** One mark per finished case, coloured. */
  marks: string[];
  /** Marks already written as plain lines (non-live mode). */
  flushed: number;
}

/**
 * The console reporter. While running: one line per scenario start, a mark per case (`·`
 * passed, `✗` failed) and one line per scenario end; scenarios may run concurrently, so every
 * line names its scenario or is written as one block. On a TTY outside CI the running
 * scenarios are shown as live lines instead. At the end: a table per scenario, warnings, every
 * setup error and failure in full, a summary line, and last, exactly `N passed, N failed`.
 */
export class PrettyReporter implements Reporter {
  readonly name = 'pretty';
  private readonly stream: NodeJS.WritableStream;
  private readonly cwd: string;
  private readonly c: Colors;
  private readonly live: boolean;
  private readonly columns: number | undefined;
  private readonly files: string[] = [];
  /** Running scenarios, in start order. */
  private readonly active = new Map<string, Progress>();
  /** Lines currently drawn in the live area (live mode). */
  private liveLines = 0;

  constructor(options: PrettyReporterOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.cwd = options.cwd ?? process.cwd();
    const tty = this.stream as TtyLike;
    this.c = createColors(shouldUseColor(this.stream, process.env, options.color));
    this.live = options.live ?? (tty.isTTY === true && !isCI(process.env));
    this.columns = options.columns ?? (tty.isTTY === true && tty.columns ? tty.columns : undefined);
  }

  onRunStart(info: RunStartInfo): void {
    this.print(`${this.c.dim(`Running ${plural(info.files.length, 'scenario file')}`)}\n`);
  }

  onScenarioStart(info: ScenarioStartInfo): void {
    const key = scenarioKey(info);
    this.active.set(key, { name: info.name, total: info.caseCount, done: 0, passed: 0, failed: 0, marks: [], flushed: 0 });
    const where = `${relPath(info.file, this.cwd)} · ${plural(info.caseCount, 'case')}`;
    if (this.live) this.print('');
    else this.print(`${this.c.cyan('▶')} ${this.c.bold(safe(info.name))}  ${this.c.dim(safe(where))}\n`);
  }

  onCaseResult(r: CaseResult): void {
    const p = this.progressOf(r.file, r.scenario);
    p.done++;
    if (r.status === 'pass') p.passed++;
    else p.failed++;
    p.marks.push(r.status === 'pass' ? this.c.green('·') : this.c.red('✗'));
    if (this.live) {
      this.print('');
    } else if (p.marks.length - p.flushed >= MARKS_PER_LINE) {
      const counter = `${p.done}${p.total ? `/${p.total}` : ''}`;
      this.print(`  ${p.marks.slice(p.flushed).join('')}  ${this.c.dim(`${safe(p.name)} ${counter}`)}\n`);
      p.flushed = p.marks.length;
    }
  }

  onScenarioEnd(s: ScenarioResult): void {
    const key = scenarioKey(s);
    const p = this.active.get(key);
    this.active.delete(key);
    const c = this.c;
    let block = '';
    if (!this.live && p && p.marks.length > p.flushed) block += `  ${p.marks.slice(p.flushed).join('')}\n`;
    const time = c.dim(`· ${formatDuration(s.durationMs)}`);
    const name = c.bold(safe(s.name));
    if (s.error !== undefined) {
      block += `${c.red('✗')} ${name}  ${c.red('setup failed:')} ${firstLine(s.error)} ${time}\n`;
    } else {
      const failed = s.cases.filter((x) => x.status === 'fail').length;
      const passed = s.cases.length - failed;
      const stats = failed > 0 ? `${c.red(`${failed} failed`)}, ${passed} passed` : c.green(`${plural(passed, 'case')} passed`);
      const warn = s.warnings.length > 0 ? ` ${c.yellow(`· ${plural(s.warnings.length, 'warning')}`)}` : '';
      block += `${failed > 0 ? c.red('✗') : c.green('✓')} ${name}  ${stats} ${time}${warn}\n`;
    }
    this.print(block);
  }

  onFilesWritten(paths: string[]): void {
    for (const p of paths) if (!this.files.includes(p)) this.files.push(p);
  }

  onRunEnd(summary: RunSummary): void {
    this.active.clear();
    this.print(
      renderPretty(summary, {
        cwd: this.cwd,
        colors: this.c,
        columns: this.columns,
        files: this.files,
      }),
    );
  }

  private progressOf(file: string, name: string): Progress {
    const key = scenarioKey({ file, name });
    let p = this.active.get(key);
    if (!p) this.active.set(key, (p = { name, total: 0, done: 0, passed: 0, failed: 0, marks: [], flushed: 0 }));
    return p;
  }

  /**
   * Writes permanent text. In live mode, the live area (one line per running scenario) is
   * erased first and drawn again below the text.
   */
  private print(text: string): void {
    if (!this.live) {
      if (text) this.stream.write(text);
      return;
    }
    let out = this.liveLines > 0 ? `\x1b[${this.liveLines}A\r\x1b[0J` : '';
    out += text;
    const lines = [...this.active.values()].map((p) => this.liveLine(p));
    out += lines.map((l) => `${l}\n`).join('');
    this.liveLines = lines.length;
    if (out) this.stream.write(out);
  }

  private liveLine(p: Progress): string {
    const width = (this.columns ?? 100) - 1;
    const name = truncateMiddle(safe(p.name), Math.max(12, Math.min(50, width - 30)));
    const counter = `${p.done}${p.total ? `/${p.total}` : ''}`;
    const room = width - displayWidth(name) - displayWidth(counter) - 8;
    const marks = room > 0 ? p.marks.slice(-room).join('') : '';
    return `${this.c.cyan('▶')} ${name}  ${marks}  ${this.c.dim(counter)}`;
  }
}

export interface PrettyRenderOptions {
  cwd: string;
  colors?: Colors;
  /** Fit tables to this width (paths are shortened in the middle). */
  columns?: number | undefined;
  /** Report files written by other reporters, named in the summary line. */
  files?: string[];
}

/** The end-of-run report as text; the last line is exactly `N passed, N failed`. */
export function renderPretty(summary: RunSummary, opts: PrettyRenderOptions): string {
  const c = opts.colors ?? createColors(false);
  const out: string[] = [];
  const view = runView(summary);
  for (const s of view.scenarios) out.push('', ...renderScenario(s, opts, c));

  const { setupErrors, failures } = view;
  if (setupErrors.length + failures.length > 0) {
    out.push('', c.red(c.bold(`Failures (${setupErrors.length + failures.length})`)));
    for (const s of setupErrors) out.push('', ...renderSetupError(s.result, opts.cwd, c));
    for (const f of failures) out.push('', ...renderFailure(f.result, f.n, f.scenario.ctx, opts.cwd, c));
  }

  const n = countResults(summary);
  const parts = [
    `Ran ${plural(n.scenarios, 'scenario')}${n.setupErrors ? ` (${n.setupErrors} could not be set up)` : ''}`,
    `${plural(n.cases, 'case')} in ${formatDuration(summary.durationMs)}`,
  ];
  let line = parts.join(', ');
  if (n.warnings > 0) line += ` · ${plural(n.warnings, 'warning')}`;
  const files = (opts.files ?? []).map((f) => relPath(f, opts.cwd));
  if (files.length > 0) line += ` · reports: ${files.map(safe).join(', ')}`;
  out.push('', c.dim(line));
  const aborted = abortLine(summary);
  if (aborted) out.push(c.red(c.bold(aborted)));
  // Plain, uncoloured: scripts and people grep for it.
  out.push(finalLine(summary));
  return `${out.join('\n')}\n`;
}

function renderScenario({ result: s, ctx, cors }: ScenarioView, opts: PrettyRenderOptions, c: Colors): string[] {
  const failed = s.cases.filter((x) => x.status === 'fail').length;
  const bad = failed > 0 || s.error !== undefined;
  const icon = bad ? c.red('✗') : c.green('✓');
  const lines = [`${icon} ${c.bold(safe(s.name))}  ${c.dim(safe(relPath(s.file, opts.cwd)))}`];
  if (s.error !== undefined) {
    lines.push(`  ${c.red(c.bold('SETUP FAILED'))} ${c.red('— none of its cases ran; the error is under Failures below')}`);
  } else {
    const stats = failed > 0 ? `${c.red(`${failed} failed`)}, ${s.cases.length - failed} passed` : c.green('all passed');
    lines.push(`  ${plural(s.cases.length, 'case')}: ${stats} ${c.dim(`· ${formatDuration(s.durationMs)}`)}`);
  }
  const split = timingSplit(s.timing);
  if (split) lines.push(`  ${c.dim(`time: ${split}`)}`);
  if (s.cases.length > 0) lines.push('', ...renderTable(s.cases, ctx, opts.columns, c));
  if (cors.length > 0) {
    lines.push('', `  ${c.yellow('CORS')} ${c.dim('(what the browser was refused, case by case)')}`);
    for (const x of cors) {
      lines.push(...indentLines(safeBlock(`line ${x.result.line}: ${x.result.title}`), '    • ', '      '));
      for (const l of x.lines) lines.push(...indentLines(safeBlock(`${l.label.padEnd(8)} ${l.text}`), '      ', '               '));
    }
  }
  if (s.warnings.length > 0) {
    lines.push('', `  ${c.yellow(`⚠ ${plural(s.warnings.length, 'warning')}`)}`);
    for (const w of s.warnings) lines.push(...indentLines(safeBlock(w), '    • ', '      '));
  }
  return lines;
}

interface Cell {
  text: string;
  color?: (s: string) => string;
  align?: 'right';
}

function renderTable(cases: CaseResult[], ctx: ScenarioContext, columns: number | undefined, c: Colors): string[] {
  const header = ['', 'actor', 'operation', 'path', 'expected', 'observed', 'time', 'line'];
  const PATH = 3;
  const TIME = 6;
  const rows: Cell[][] = cases.map((r) => {
    const fail = r.status === 'fail';
    const bucket = ctx.showBucket(r.bucket) ? ` (bucket ${r.bucket})` : '';
    const [expected, observed] = tableOutcomes(r);
    return [
      { text: fail ? '✗' : '✓', color: fail ? c.red : c.green },
      { text: safe(r.actor) },
      { text: r.op },
      { text: safe(shortIdentities(pathLabel(r))) + bucket },
      { text: safe(expected) },
      { text: safe(observed), color: fail ? (s) => c.red(c.bold(s)) : undefined },
      { text: formatDuration(r.durationMs), align: 'right', color: c.dim },
      { text: r.line > 0 ? String(r.line) : 'derived', color: c.dim },
    ];
  });
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((row) => displayWidth(row[i]!.text))));
  const gap = 2;
  const indent = 2;
  const shown = header.map(() => true);
  if (columns !== undefined) {
    const total = (): number => indent + widths.reduce((a, w, i) => a + (shown[i] ? w + gap : 0), -gap);
    // Too wide for the terminal: first drop the time column, then shorten paths in the middle.
    if (total() > columns) shown[TIME] = false;
    if (total() > columns) widths[PATH] = Math.max(16, widths[PATH]! - (total() - columns));
  }
  const fmt = (cells: Cell[]): string => {
    const parts: string[] = [];
    cells.forEach((cell, i) => {
      if (!shown[i]) return;
      const w = widths[i]!;
      const t = displayWidth(cell.text) > w ? truncateMiddle(cell.text, w) : cell.text;
      const pad = ' '.repeat(Math.max(0, w - displayWidth(t)));
      const colored = cell.color ? cell.color(t) : t;
      parts.push(cell.align === 'right' ? pad + colored : colored + pad);
    });
    return (' '.repeat(indent) + parts.join(' '.repeat(gap))).trimEnd();
  };
  const head = fmt(header.map((h, i) => ({ text: h, align: i === TIME ? 'right' as const : undefined })));
  return [c.dim(stripAnsi(head)), ...rows.map(fmt)];
}

function renderFailure(f: CaseResult, n: number, ctx: ScenarioContext, cwd: string, c: Colors): string[] {
  const lines = [`${c.red(`${n})`)} ${c.bold(safe(`${f.scenario} › ${f.title}`))}`];
  lines.push(`   ${c.dim('at')} ${c.cyan(safe(caseLocation(f, cwd)))}`);
  const bucket = ctx.showBucket(f.bucket) ? ` (bucket ${f.bucket})` : '';
  const rows: Array<[string, string | undefined, ((s: string) => string)?]> = [
    ['actor', actorLabel({ name: f.actor, groups: ctx.groupsOf(f.actor) })],
    ['operation', `${f.op} ${pathLabel(f)}${bucket}`],
    ['expected', longExpected(f.expected), c.green],
    ['observed', longObserved(f.observed), c.red],
    ['role', f.role ?? '(not known)'],
    ['request', f.decidingRequest ? formatRequest(f.decidingRequest) : '(none recorded)'],
  ];
  for (const [k, v, color] of rows) if (v !== undefined) lines.push(`   ${c.dim(k.padEnd(9))} ${color ? color(safe(v)) : safe(v)}`);
  f.reasons.forEach((r, i) => lines.push(...indentLines(safeBlock(r), `   ${c.dim((i === 0 ? 'why' : '').padEnd(9))} `, `   ${' '.repeat(10)}`)));
  if (f.derived) {
    lines.push(`   ${c.dim('rule'.padEnd(9))} ${safe(f.derived.rule)} ${c.dim('(derived case)')}`);
    if (f.derived.note) lines.push(...indentLines(safeBlock(f.derived.note), `   ${c.dim('note'.padEnd(9))} `, `   ${' '.repeat(10)}`));
  }
  return lines;
}

function renderSetupError(s: ScenarioResult, cwd: string, c: Colors): string[] {
  const lines = [`${c.inverse(c.red(c.bold(' SETUP FAILED ')))} ${c.bold(safe(s.name))}`];
  lines.push(`   ${c.dim('at')} ${c.cyan(safe(relPath(s.file, cwd)))}`);
  lines.push(...indentLines(safeBlock(s.error ?? ''), '   ', '   ').map((l) => c.red(l)));
  lines.push(`   ${c.dim('None of its cases ran; this counts as one failure.')}`);
  return lines;
}

function indentLines(lines: string[], first: string, rest: string): string[] {
  return lines.map((l, i) => `${i === 0 ? first : rest}${l}`.trimEnd());
}

/** The first line of a message; `…` says there is more (shown under Failures). */
function firstLine(s: string): string {
  const lines = s.trim().split(/\r?\n/);
  const first = safe(lines[0] ?? '');
  return lines.length > 1 ? `${first.replace(/:$/, '')} …` : first;
}

/**
 * Makes user text safe for a terminal: control characters (escape sequences in a path or a
 * message could rewrite the screen) are shown as \x1b etc.
 */
export function safe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => (ch === '\t' ? '  ' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Multi-line text as safe lines. */
function safeBlock(s: string): string[] {
  return s.split(/\r?\n/).map(safe);
}
