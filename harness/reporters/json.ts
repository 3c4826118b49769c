import type { CaseResult, RunSummary, ScenarioResult } from '../results.js';
import { removeStaleReport, resolveOutPath, writeReportFile, writeToStream } from './output.js';
import type { Reporter, ReporterOptions } from './types.js';

export type JsonReporterOptions = ReporterOptions;

/**
 * The RunSummary as JSON, keys in a fixed order (the order of ../results.ts; fields the types
 * do not know yet follow, sorted), so two runs diff cleanly. To `out` (default name
 * results.json), or to the stream when there is no `out`.
 */
export class JsonReporter implements Reporter {
  readonly name = 'json';
  private readonly options: JsonReporterOptions;

  constructor(options: JsonReporterOptions = {}) {
    this.options = options;
  }

  /** The previous run's file goes first: a run that stops before writing must not leave it looking current. */
  async onRunStart(): Promise<void> {
    await removeStaleReport(resolveOutPath(this.options.out, this.options.cwd ?? process.cwd(), { defaultName: 'results.json', extensions: ['.json'] }));
  }

  async onRunEnd(summary: RunSummary): Promise<string[]> {
    const text = renderJson(summary);
    const file = resolveOutPath(this.options.out, this.options.cwd ?? process.cwd(), {
      defaultName: 'results.json',
      extensions: ['.json'],
    });
    if (file === undefined) {
      await writeToStream(this.options.stream ?? process.stdout, text);
      return [];
    }
    return [await writeReportFile(file, text)];
  }
}

const RUN_KEYS = ['aborted', 'startedAt', 'durationMs', 'passed', 'failed', 'errored', 'shard', 'shards', 'scenarios'] as const;
const SCENARIO_KEYS = ['name', 'file', 'durationMs', 'timing', 'error', 'warnings', 'actors', 'defaultBucket', 'cases'] as const;
const CASE_KEYS = [
  'scenario', 'file', 'line', 'index', 'title', 'status', 'actor', 'op', 'bucket', 'from', 'path',
  'expected', 'observed', 'reasons', 'role', 'decidingRequest', 'derived', 'durationMs',
] as const;
const EXPECTATION_KEYS = ['outcome', 'error', 'body', 'keys', 'contains'] as const;
const OBSERVED_KEYS = ['outcome', 'errorName', 'message', 'body', 'keys'] as const;
const REQUEST_KEYS = ['method', 'url', 'status', 'code'] as const;
const DERIVED_KEYS = ['rule', 'note'] as const;

export function renderJson(summary: RunSummary): string {
  return `${JSON.stringify(orderRun(summary), null, 2)}\n`;
}

function orderRun(s: RunSummary): Record<string, unknown> {
  return ordered(s, RUN_KEYS, { scenarios: (v) => (v as ScenarioResult[]).map(orderScenario) });
}

function orderScenario(s: ScenarioResult): Record<string, unknown> {
  return ordered(s, SCENARIO_KEYS, { cases: (v) => (v as CaseResult[]).map(orderCase) });
}

function orderCase(c: CaseResult): Record<string, unknown> {
  return ordered(c, CASE_KEYS, {
    expected: (v) => ordered(v, EXPECTATION_KEYS),
    observed: (v) => ordered(v, OBSERVED_KEYS),
    decidingRequest: (v) => ordered(v, REQUEST_KEYS),
    derived: (v) => ordered(v, DERIVED_KEYS),
  });
}

type Nested = Partial<Record<string, (value: unknown) => unknown>>;

/** Known keys first in the given order, then any others sorted; undefined values left out. */
function ordered(value: unknown, keys: readonly string[], nested: Nested = {}): Record<string, unknown> {
  if (value === null || typeof value !== 'object') return value as Record<string, unknown>;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const rest = Object.keys(src).filter((k) => !keys.includes(k)).sort();
  for (const k of [...keys, ...rest]) {
    const v = src[k];
    if (v === undefined) continue;
    const f = nested[k];
    out[k] = f ? f(v) : sortDeep(v);
  }
  return out;
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v === null || typeof v !== 'object') return v;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort()) if (src[k] !== undefined) out[k] = sortDeep(src[k]);
  return out;
}
