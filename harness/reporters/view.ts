/**
 * The run as the human-facing reports group it (html, markdown, pretty): each scenario with its
 * context and state, and the failed cases numbered once across the run, so "failure 3" is the
 * same case in every report. Reporters render this; none regroups the results itself.
 */
import type { CaseResult, RunSummary, ScenarioResult } from '../results.js';
import { corsExplanation, scenarioContext, type ScenarioContext } from './format.js';

export interface ScenarioView {
  result: ScenarioResult;
  ctx: ScenarioContext;
  /** 1-based position in the run (anchors such as `#s2`). */
  n: number;
  /** `error`: could not be set up, none of its cases ran. */
  state: 'pass' | 'fail' | 'error';
  passed: number;
  failed: number;
  /** Cases written by `derive`. */
  derived: number;
  /** Cases the browser was refused for CORS (passed or failed), with the explanation every report gives. */
  cors: CorsView[];
}

export interface CorsView {
  result: CaseResult;
  lines: ReturnType<typeof corsExplanation>;
}

export interface FailureView {
  /** 1-based across the run, in scenario then case order. */
  n: number;
  scenario: ScenarioView;
  result: CaseResult;
}

export interface RunView {
  scenarios: ScenarioView[];
  failures: FailureView[];
  /** Scenarios that could not be set up (each counts as one failure). */
  setupErrors: ScenarioView[];
}

export function runView(summary: RunSummary): RunView {
  const scenarios = summary.scenarios.map((s, i): ScenarioView => {
    const failed = s.cases.filter((c) => c.status === 'fail').length;
    return {
      result: s,
      ctx: scenarioContext(s),
      n: i + 1,
      state: s.error !== undefined ? 'error' : failed > 0 ? 'fail' : 'pass',
      passed: s.cases.length - failed,
      failed,
      derived: s.cases.filter((c) => c.derived).length,
      cors: s.cases.map((result) => ({ result, lines: corsExplanation(result) })).filter((c) => c.lines.length > 0),
    };
  });
  const failures = scenarios.flatMap((scenario) => scenario.result.cases.filter((c) => c.status === 'fail').map((result) => ({ scenario, result })))
    .map((f, i): FailureView => ({ n: i + 1, ...f }));
  return { scenarios, failures, setupErrors: scenarios.filter((s) => s.state === 'error') };
}
