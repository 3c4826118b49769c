import type { CaseResult, RunSummary, ScenarioActor, ScenarioResult } from '../results.js';

export type { ScenarioActor } from '../results.js';

/**
 * Reporters observe a run; the runner decides. Every hook is optional and may be async.
 * The runner sends events through one multiplexer (`multiplexReporters` in ./index.ts), which
 * awaits each reporter in turn and isolates their failures.
 *
 * Order of events:
 *   onRunStart → (onScenarioStart → onCaseResult* → onScenarioEnd)* → onFilesWritten? → onRunEnd
 *
 * A reporter must be able to produce its whole output from `onRunEnd(summary)` alone, so a
 * saved RunSummary can be re-rendered; the other hooks are for progress and extra context.
 */
export interface Reporter {
  /** Used in error messages ("reporter html failed in onRunEnd: …"). */
  readonly name?: string;
  onRunStart?(info: RunStartInfo): void | Promise<void>;
  onScenarioStart?(info: ScenarioStartInfo): void | Promise<void>;
  onCaseResult?(result: CaseResult): void | Promise<void>;
  onScenarioEnd?(result: ScenarioResult): void | Promise<void>;
  /**
   * Files that the other reporters wrote (absolute paths). The multiplexer calls this on the
   * reporters that define it after every other reporter's `onRunEnd`, and before their own
   * `onRunEnd`, so a console reporter can name the reports in its last lines.
   */
  onFilesWritten?(paths: string[]): void | Promise<void>;
  /** Returns the paths of the files it wrote, if any. */
  onRunEnd?(summary: RunSummary): Promise<string[] | void> | string[] | void;
}

export interface RunStartInfo {
  /** Scenario files about to run. */
  files: string[];
  /** ISO 8601 timestamp. */
  startedAt: string;
}

/** For progress only: what a report shows about a scenario travels in its {@link ScenarioResult}. */
export interface ScenarioStartInfo {
  name: string;
  file: string;
  caseCount: number;
}

/** Options shared by the built-in reporters. */
export interface ReporterOptions {
  /**
   * Where file-writing reporters write. A directory (existing, ending in a slash, or without
   * a file extension) receives the reporter's default file name (results.json, junit.xml,
   * report.html, summary.md). A file path with the reporter's extension is used as is; a file
   * path with another extension (e.g. `--out report.html` given to the json reporter too)
   * means its directory. Relative to `cwd`.
   */
  out?: string;
  /** Console output (pretty), and json/junit/markdown output when there is no `out`. Default process.stdout. */
  stream?: NodeJS.WritableStream;
  /** Force colour on or off; by default: TTY, NO_COLOR and FORCE_COLOR decide. */
  color?: boolean;
  /** Base for relative paths, in output and for `out`. Default process.cwd(). */
  cwd?: string;
}
