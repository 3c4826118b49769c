import type { CaseResult, RunSummary, ScenarioResult } from '../results.js';
import {
  abortLine, actorLabel, caseLocation, corsExplanation, countResults, formatRequest, longExpected, longObserved, oneLine, pathLabel,
  relPath, scenarioContext, type ScenarioContext,
} from './format.js';
import { removeStaleReport, resolveOutPath, writeReportFile, writeToStream } from './output.js';
import type { Reporter, ReporterOptions } from './types.js';

export type JunitReporterOptions = ReporterOptions;

/**
 * JUnit XML in the common Ant/Jenkins form (the one GitHub test-report actions, GitLab and
 * Jenkins read): <testsuites> → one <testsuite> per scenario → one <testcase> per case, with
 * classname = scenario name, name = case title, file and line for annotations, time in seconds.
 * A scenario that failed to set up gets one <testcase name="(setup)"> carrying an <error>.
 * To `out` (default name junit.xml), or to the stream when there is no `out`.
 */
export class JunitReporter implements Reporter {
  readonly name = 'junit';
  private readonly options: JunitReporterOptions;

  constructor(options: JunitReporterOptions = {}) {
    this.options = options;
  }

  /** The previous run's file goes first: a run that stops before writing must not leave it looking current. */
  async onRunStart(): Promise<void> {
    await removeStaleReport(resolveOutPath(this.options.out, this.options.cwd ?? process.cwd(), { defaultName: 'junit.xml', extensions: ['.xml'] }));
  }

  async onRunEnd(summary: RunSummary): Promise<string[]> {
    const cwd = this.options.cwd ?? process.cwd();
    const xml = renderJunit(summary, { cwd });
    const file = resolveOutPath(this.options.out, cwd, { defaultName: 'junit.xml', extensions: ['.xml'] });
    if (file === undefined) {
      await writeToStream(this.options.stream ?? process.stdout, xml);
      return [];
    }
    return [await writeReportFile(file, xml)];
  }
}

export interface JunitRenderOptions {
  cwd: string;
}

export function renderJunit(summary: RunSummary, opts: JunitRenderOptions): string {
  const totals = countResults(summary);
  const aborted = abortLine(summary);
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites${attrs({
      name: 'ase test',
      tests: totals.cases + totals.setupErrors + (aborted ? 1 : 0),
      failures: totals.failedCases,
      errors: totals.setupErrors + (aborted ? 1 : 0),
      skipped: 0,
      time: seconds(summary.durationMs),
      timestamp: xmlTimestamp(summary.startedAt),
    })}>`,
  );
  for (const s of summary.scenarios) lines.push(...renderSuite(s, summary, opts));
  if (aborted) {
    // CI dashboards show errors, not attributes: the abort is one errored test of its own.
    const kind = summary.aborted?.kind === 'infrastructure' ? 'aborted' : 'interrupted';
    lines.push(
      `  <testsuite${attrs({ name: `ase test (${kind})`, tests: 1, failures: 0, errors: 1, skipped: 0, time: 0 })}>`,
      `    <testcase${attrs({ name: `the run was ${kind}`, classname: 'ase', time: 0 })}>`,
      `      <error${attrs({ message: aborted, type: kind })}/>`,
      '    </testcase>',
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function renderSuite(s: ScenarioResult, summary: RunSummary, opts: JunitRenderOptions): string[] {
  const ctx = scenarioContext(s);
  const file = relPath(s.file, opts.cwd);
  const failures = s.cases.filter((c) => c.status === 'fail').length;
  const errors = s.error !== undefined ? 1 : 0;
  const out: string[] = [];
  out.push(
    `  <testsuite${attrs({
      name: s.name,
      file,
      tests: s.cases.length + errors,
      failures,
      errors,
      skipped: 0,
      time: seconds(s.durationMs),
      timestamp: xmlTimestamp(summary.startedAt),
    })}>`,
  );
  const timing = s.timing ? ([['setup', s.timing.setupMs], ['sign-in', s.timing.signInMs], ['cases', s.timing.casesMs], ['clean-up', s.timing.teardownMs]] as const) : [];
  if (s.warnings.length > 0 || timing.length > 0) {
    out.push('    <properties>');
    for (const w of s.warnings) out.push(`      <property${attrs({ name: 'warning', value: w })}/>`);
    for (const [what, ms] of timing) out.push(`      <property${attrs({ name: `time.${what}`, value: seconds(ms) })}/>`);
    out.push('    </properties>');
  }
  if (s.error !== undefined) {
    out.push(`    <testcase${attrs({ classname: s.name, name: '(setup)', file, time: '0.000' })}>`);
    out.push(
      `      <error${attrs({ message: `Scenario could not be set up: ${firstLine(s.error)}`, type: 'SetupError' })}>${text(
        `${s.name} (${file}) could not be set up; its cases did not run.\n\n${s.error}`,
      )}</error>`,
    );
    out.push('    </testcase>');
  }
  const names = uniqueNames(s.cases);
  s.cases.forEach((c, i) => {
    const a: Record<string, string | number | undefined> = {
      classname: s.name,
      name: names[i],
      file: relPath(c.file || s.file, opts.cwd),
      line: c.line > 0 ? c.line : undefined,
      time: seconds(c.durationMs),
    };
    // A case the browser was refused for CORS says why even when it passed (it expected the refusal).
    const cors = corsExplanation(c).map((l) => `CORS ${l.label}: ${l.text}`);
    if (c.status === 'pass' && cors.length === 0) {
      out.push(`    <testcase${attrs(a)}/>`);
      return;
    }
    out.push(`    <testcase${attrs(a)}>`);
    if (c.status === 'fail') {
      out.push(
        `      <failure${attrs({ message: failureMessage(c), type: failureType(c) })}>${text(failureDetails(c, ctx, opts.cwd))}</failure>`,
      );
    }
    if (cors.length > 0) out.push(`      <system-out>${text(cors.join('\n'))}</system-out>`);
    out.push('    </testcase>');
  });
  if (s.warnings.length > 0) {
    out.push(`    <system-out>${text(s.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-out>`);
  }
  out.push('  </testsuite>');
  return out;
}

/** Titles repeat (generated ones are `actor op path`); parsers key cases by name, so number repeats. */
function uniqueNames(cases: CaseResult[]): string[] {
  const total = new Map<string, number>();
  for (const c of cases) total.set(c.title, (total.get(c.title) ?? 0) + 1);
  const seen = new Map<string, number>();
  return cases.map((c) => {
    if ((total.get(c.title) ?? 0) < 2) return c.title;
    const n = (seen.get(c.title) ?? 0) + 1;
    seen.set(c.title, n);
    return `${c.title} (${n})`;
  });
}

function failureType(c: CaseResult): string {
  return c.expected.outcome !== c.observed.outcome ? 'OutcomeMismatch' : 'ResultMismatch';
}

function failureMessage(c: CaseResult): string {
  const head = c.expected.outcome !== c.observed.outcome
    ? `expected ${c.expected.outcome}, got ${c.observed.outcome}${c.observed.errorName ? ` (${c.observed.errorName})` : ''}`
    : oneLine(c.reasons[0] ?? `expected ${longExpected(c.expected)}, got ${longObserved(c.observed)}`);
  return c.decidingRequest ? `${head} — ${formatRequest(c.decidingRequest)}` : head;
}

function failureDetails(c: CaseResult, ctx: ScenarioContext, cwd: string): string {
  const groups = ctx.groupsOf(c.actor);
  const rows: Array<[string, string | undefined]> = [
    ['case', c.title],
    ['at', caseLocation(c, cwd)],
    ['actor', actorLabel({ name: c.actor, groups })],
    ['operation', `${c.op} ${pathLabel(c)}${ctx.showBucket(c.bucket) ? ` (bucket ${c.bucket})` : ''}`],
    ['expected', longExpected(c.expected)],
    ['observed', longObserved(c.observed)],
    ['role', c.role],
    ['request', c.decidingRequest ? formatRequest(c.decidingRequest) : undefined],
  ];
  const lines = rows.filter((r): r is [string, string] => r[1] !== undefined).map(([k, v]) => `${k.padEnd(9)} ${v}`);
  for (const [i, r] of c.reasons.entries()) lines.push(`${(i === 0 ? 'why' : '').padEnd(9)} ${r}`);
  if (c.derived) {
    lines.push(`${'derived'.padEnd(9)} ${c.derived.rule}`);
    if (c.derived.note) lines.push(`${''.padEnd(9)} ${c.derived.note}`);
  }
  return lines.join('\n');
}

function firstLine(s: string): string {
  return s.split(/\r?\n/, 1)[0] ?? '';
}

function seconds(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);
}

/** `2025-05-01T10:00:00` (the JUnit schema's timestamp has no zone or fraction; the run's is UTC). */
function xmlTimestamp(iso: string): string | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 19);
}

// Characters XML 1.0 forbids even when escaped (most C0 controls, lone surrogates, U+FFFE/F).
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text content. */
export function text(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (quotes, and whitespace parsers would otherwise normalise). */
export function attr(s: string): string {
  return text(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(a: Record<string, string | number | undefined>): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out += ` ${k}="${attr(String(v))}"`;
  return out;
}
