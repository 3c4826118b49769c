import type { CaseResult, RunSummary, ScenarioResult } from '../results.js';
import { HtmlReporter, type HtmlReporterOptions } from './html.js';
import { JsonReporter, type JsonReporterOptions } from './json.js';
import { JunitReporter, type JunitReporterOptions } from './junit.js';
import { MarkdownReporter, type MarkdownReporterOptions } from './markdown.js';
import { PrettyReporter, type PrettyReporterOptions } from './pretty.js';
import type { Reporter, ReporterOptions, RunStartInfo, ScenarioStartInfo } from './types.js';

export type * from './types.js';
export { countResults, finalLine } from './format.js';
export { HtmlReporter, JsonReporter, JunitReporter, MarkdownReporter, PrettyReporter };
export type { HtmlReporterOptions, JsonReporterOptions, JunitReporterOptions, MarkdownReporterOptions, PrettyReporterOptions };

/** Options each built-in reporter takes. */
export interface ReporterOptionsMap {
  pretty: PrettyReporterOptions;
  json: JsonReporterOptions;
  junit: JunitReporterOptions;
  html: HtmlReporterOptions;
  markdown: MarkdownReporterOptions;
}

/** The built-in reporters by name; the first is the default. */
export const reporters = {
  pretty: (options: PrettyReporterOptions) => new PrettyReporter(options),
  json: (options: JsonReporterOptions) => new JsonReporter(options),
  junit: (options: JunitReporterOptions) => new JunitReporter(options),
  html: (options: HtmlReporterOptions) => new HtmlReporter(options),
  markdown: (options: MarkdownReporterOptions) => new MarkdownReporter(options),
} as const satisfies { [K in keyof ReporterOptionsMap]: (options: ReporterOptionsMap[K]) => Reporter };

export type ReporterName = keyof typeof reporters;
export const reporterNames = Object.keys(reporters) as ReporterName[];
export const DEFAULT_REPORTER: ReporterName = 'pretty';

export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(reporters, name);
}

/** A reporter by name, a name with its options, or a Reporter object. */
export type ReporterSpec =
  | string
  | { [K in ReporterName]: [K, ReporterOptionsMap[K]] }[ReporterName]
  | [string, ReporterOptions]
  | Reporter;

/** Names people reach for, and the reporter they mean. */
const ALIASES: Record<string, ReporterName> = {
  console: 'pretty', default: 'pretty', spec: 'pretty', text: 'pretty', list: 'pretty', dot: 'pretty',
  xml: 'junit', 'junit-xml': 'junit', junitxml: 'junit',
  md: 'markdown', gfm: 'markdown', github: 'markdown', summary: 'markdown',
  htm: 'html', web: 'html',
};

export class UnknownReporterError extends Error {
  override readonly name = 'UnknownReporterError';
  constructor(readonly reporter: string) {
    const valid = reporterNames.map((n) => (n === DEFAULT_REPORTER ? `${n} (default)` : n)).join(', ');
    const guess = suggestReporter(reporter);
    super(`unknown reporter '${reporter}'. Valid reporters: ${valid}.${guess ? ` Did you mean '${guess}'?` : ''}`);
  }
}

function suggestReporter(name: string): ReporterName | undefined {
  const lower = name.trim().toLowerCase();
  if (isReporterName(lower)) return lower;
  if (ALIASES[lower]) return ALIASES[lower];
  let best: ReporterName | undefined;
  let bestDistance = 3;
  for (const n of reporterNames) {
    const d = distance(lower, n);
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** One built-in reporter. Throws UnknownReporterError for a name that is not built in. */
export function createReporter<K extends ReporterName>(name: K, options?: ReporterOptionsMap[K]): Reporter;
export function createReporter(name: string, options?: ReporterOptions): Reporter;
export function createReporter(name: string, options: ReporterOptions = {}): Reporter {
  if (!isReporterName(name)) throw new UnknownReporterError(name);
  return (reporters[name] as (o: ReporterOptions) => Reporter)(options);
}

/**
 * Builds the reporters the specs name (default: pretty) and returns them behind one
 * multiplexer, which is the one Reporter the runner talks to. `defaults` apply to every
 * built-in reporter; options given with a name override them. Every name is checked before
 * any reporter is built, so a typo fails fast with UnknownReporterError.
 */
export function createReporters(specs: readonly ReporterSpec[] = [], defaults: ReporterOptions = {}, multiplexerOptions: MultiplexerOptions = {}): ReporterMultiplexer {
  const list = specs.length > 0 ? specs : [DEFAULT_REPORTER];
  for (const spec of list) {
    const name = typeof spec === 'string' ? spec : Array.isArray(spec) ? spec[0] : undefined;
    if (name !== undefined && !isReporterName(name)) throw new UnknownReporterError(name);
  }
  const built = list.map((spec): Reporter => {
    if (typeof spec === 'string') return createReporter(spec, { ...defaults });
    if (Array.isArray(spec)) return createReporter(spec[0], { ...defaults, ...spec[1] });
    if (spec !== null && typeof spec === 'object') return spec as Reporter;
    throw new TypeError(`a reporter is a name, [name, options] or an object with reporter hooks, not ${String(spec)}`);
  });
  return new ReporterMultiplexer(built, multiplexerOptions);
}

export interface MultiplexerOptions {
  /** Where reporter failures are reported. Default process.stderr. */
  stderr?: NodeJS.WritableStream;
}

export interface ReporterFailure {
  reporter: string;
  hook: string;
  error: unknown;
}

type Hook = 'onRunStart' | 'onScenarioStart' | 'onCaseResult' | 'onScenarioEnd' | 'onFilesWritten' | 'onRunEnd';

/**
 * Sends every event to every reporter, one after another in the given order (so their output
 * does not interleave). A reporter that throws or rejects is reported once on stderr and keeps
 * receiving events; the run and the other reporters go on.
 *
 * onRunEnd runs in two phases: first the reporters without `onFilesWritten` (the file writers),
 * then the others get `onFilesWritten(all paths)` followed by their `onRunEnd` — so the console
 * reporter names the written reports and still prints the last line.
 */
export class ReporterMultiplexer implements Reporter {
  readonly name = 'multiplexer';
  readonly failures: ReporterFailure[] = [];
  private readonly stderr: NodeJS.WritableStream;
  private readonly reported = new Set<Reporter>();
  private readonly extraFiles: string[] = [];

  constructor(readonly reporters: readonly Reporter[], options: MultiplexerOptions = {}) {
    this.stderr = options.stderr ?? process.stderr;
  }

  async onRunStart(info: RunStartInfo): Promise<void> {
    await this.each('onRunStart', (r) => r.onRunStart?.(info));
  }

  async onScenarioStart(info: ScenarioStartInfo): Promise<void> {
    await this.each('onScenarioStart', (r) => r.onScenarioStart?.(info));
  }

  async onCaseResult(result: CaseResult): Promise<void> {
    await this.each('onCaseResult', (r) => r.onCaseResult?.(result));
  }

  async onScenarioEnd(result: ScenarioResult): Promise<void> {
    await this.each('onScenarioEnd', (r) => r.onScenarioEnd?.(result));
  }

  /** Files written outside the reporters (by the runner); passed on at the end of the run. */
  onFilesWritten(paths: string[]): void {
    this.extraFiles.push(...paths);
  }

  async onRunEnd(summary: RunSummary): Promise<string[]> {
    const written: string[] = [];
    const collect = (paths: string[] | void): void => {
      for (const p of paths ?? []) if (!written.includes(p)) written.push(p);
    };
    const writers = this.reporters.filter((r) => typeof r.onFilesWritten !== 'function');
    const readers = this.reporters.filter((r) => typeof r.onFilesWritten === 'function');
    for (const r of writers) collect(await this.call(r, 'onRunEnd', () => r.onRunEnd?.(summary)));
    const files = [...this.extraFiles.filter((p) => !written.includes(p)), ...written];
    for (const r of readers) await this.call(r, 'onFilesWritten', () => r.onFilesWritten?.([...files]));
    for (const r of readers) collect(await this.call(r, 'onRunEnd', () => r.onRunEnd?.(summary)));
    return written;
  }

  private async each(hook: Hook, fn: (r: Reporter) => unknown): Promise<void> {
    for (const r of this.reporters) await this.call(r, hook, () => fn(r));
  }

  private async call<T>(r: Reporter, hook: Hook, fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      this.fail(r, hook, error);
      return undefined;
    }
  }

  private fail(r: Reporter, hook: Hook, error: unknown): void {
    const name = r.name ?? r.constructor?.name ?? 'reporter';
    this.failures.push({ reporter: name, hook, error });
    if (this.reported.has(r)) return;
    this.reported.add(r);
    const message = error instanceof Error ? error.message : String(error);
    const where = error instanceof Error ? firstFrame(error) : undefined;
    try {
      this.stderr.write(
        `ase: the ${name} reporter failed in ${hook}: ${message}${where ? ` (${where})` : ''}\n` +
          `     The run goes on; its output may be missing. Further errors from it are not shown.\n`,
      );
    } catch {
      // Nowhere left to say it.
    }
  }
}

function firstFrame(e: Error): string | undefined {
  const line = e.stack?.split('\n').find((l) => /^\s+at /.test(l));
  return line?.trim().replace(/^at /, 'at ');
}

/** Wraps reporters in a multiplexer (for reporters built by hand). */
export function multiplexReporters(list: readonly Reporter[], options: MultiplexerOptions = {}): ReporterMultiplexer {
  return new ReporterMultiplexer(list, options);
}
