import type { Expectation, Outcome, StorageOp } from './scenario/types.js';

/** What the client returned for one case, classified. */
export interface Observed {
  outcome: Outcome;
  /** StorageError / AuthError name when the client threw. */
  errorName?: string;
  message?: string;
  /** Text a download (or a fetched getUrl) returned. */
  body?: string;
  /** Keys a list returned. */
  keys?: string[];
}

/** The HTTP request to S3 whose answer decided the case (the last one the client made). */
export interface DecidingRequest {
  method: string;
  url: string;
  status: number;
  /** S3 error code from the response body, e.g. AccessDenied. */
  code?: string;
}

export interface CaseResult {
  scenario: string;
  file: string;
  index: number;
  /** Label: the case's name, or a generated `actor op path`. */
  title: string;
  actor: string;
  op: StorageOp;
  bucket: string;
  /** With placeholders resolved. */
  path: string;
  from?: string;
  expected: Expectation;
  observed: Observed;
  status: 'pass' | 'fail';
  /** Why it failed, one line each. */
  reasons: string[];
  durationMs: number;
  /** The IAM role whose credentials the actor held (ARN), when known. */
  role?: string;
  decidingRequest?: DecidingRequest;
  line: number;
  derived?: { rule: string; note?: string };
}

export interface ScenarioResult {
  name: string;
  file: string;
  cases: CaseResult[];
  durationMs: number;
  /** Set when the scenario could not be set up; its cases then did not run. */
  error?: string;
  /** Policy compiler warnings and similar notes. */
  warnings: string[];
}

export interface RunSummary {
  scenarios: ScenarioResult[];
  passed: number;
  failed: number;
  /** Scenarios that failed to set up count as failed once each. */
  errored: number;
  durationMs: number;
  startedAt: string;
}
