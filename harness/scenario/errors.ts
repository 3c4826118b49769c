import { isAbsolute, relative } from 'node:path';

/** One problem in a scenario file. */
export interface ScenarioIssue {
  /** Absolute path of the scenario file. */
  file: string;
  /** 1-based; 0 when the problem concerns the whole file (it cannot be read). */
  line: number;
  /** 1-based; 0 with line 0. */
  column: number;
  /** What is wrong; what was expected or how to fix it. */
  message: string;
}

/** A scenario file that does not follow the format; `issues` holds every problem found, in file order. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly issues: ScenarioIssue[];

  constructor(issues: ScenarioIssue[]) {
    const sorted = [...issues].sort(compareIssues);
    super(formatIssues(sorted));
    this.issues = sorted;
  }

  /**
   * The issues as a compiler prints them, one per line: `file:line:col: message`.
   * Files under `cwd` are shown relative to it.
   */
  format(cwd: string = process.cwd()): string {
    return formatIssues(this.issues, cwd);
  }
}

function compareIssues(a: ScenarioIssue, b: ScenarioIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function formatIssues(issues: ScenarioIssue[], cwd: string = process.cwd()): string {
  return issues
    .map((i) => `${displayPath(i.file, cwd)}${i.line > 0 ? `:${i.line}:${i.column}` : ''}: ${i.message}`)
    .join('\n');
}
