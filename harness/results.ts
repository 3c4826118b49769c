import type { Expectation, Outcome, StorageOp } from './scenario/types.js';
import type { CorsRefusal } from '../emulator/front-door/s3.js';

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

/** A CORS request the stack's front door refused, as S3 would have (browser client only): the front door's own record. */
export type CorsFinding = CorsRefusal;

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
  /** Browser client: the CORS requests refused while the case ran (the first one is in observed.message). */
  cors?: CorsFinding[];
  /** Browser client: what Chromium itself logged about CORS while the case ran (as DevTools shows it), once each. */
  browserMessages?: string[];
  /** Which client ran the case (absent: node). */
  client?: 'node' | 'browser';
  line: number;
  derived?: { rule: string; note?: string };
}

/** Someone a scenario lets act: `guest` or a user from `auth.users`. */
export interface ScenarioActor {
  name: string;
  /** Cognito groups the user is in (empty for guest and for users in no group). */
  groups: string[];
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
  /**
   * Who may act in the scenario (guest first), with their groups: reports show them. The runner
   * always sets it; absent in results written by older versions, when reports infer the actors
   * from the cases.
   */
  actors?: ScenarioActor[];
  /** Friendly name of the scenario's default bucket (reports name only the other buckets). Set like `actors`. */
  defaultBucket?: string;
  /** Where the scenario's time went (see {@link ScenarioTiming}). */
  timing?: ScenarioTiming;
  /** Which client ran it (absent: node). */
  client?: 'node' | 'browser';
}

/**
 * Where a scenario's wall time went, in ms. Sign-ins start as soon as the app is loaded and run
 * while the objects are written, so `setupMs` and `signInMs` overlap: `setupMs` is loading the
 * app (pools, policies, buckets) and writing objects, `signInMs` is from the first sign-in
 * starting to the last one done; the cases start once both are done.
 */
export interface ScenarioTiming {
  setupMs: number;
  signInMs: number;
  /** Users signed in (one sign-in per user, reused by all of their cases). */
  signIns: number;
  /**
   * Users who did not sign in because their session from the scenario's previous run was kept
   * (`ase test --watch` with the scenario's auth unchanged).
   */
  sessionsKept?: number;
  casesMs: number;
  /** Unloading the app and emptying its buckets. */
  teardownMs: number;
}

/** Which slice of a sharded run this was (`ase test --shard index/count`). */
export interface RunShard {
  index: number;
  count: number;
}

/**
 * Why a run stopped before its end. `infrastructure`: the stack broke (MinIO died), so no result
 * after that moment says anything about the policies; `interrupted`: SIGINT/SIGTERM.
 */
export interface RunAbort {
  kind: 'infrastructure' | 'interrupted';
  /** One line: what happened, e.g. "MinIO (pid 4711) died: killed by SIGKILL". */
  reason: string;
  /** Planned cases that did not run (or whose result was discarded). */
  notRun: number;
}

export interface RunSummary {
  /** Set when the run was stopped early; the scenarios then hold only what ran before. */
  aborted?: RunAbort;
  scenarios: ScenarioResult[];
  passed: number;
  failed: number;
  /** Scenarios that failed to set up count as failed once each. */
  errored: number;
  durationMs: number;
  startedAt: string;
  /** Set when the run was one shard of a sharded run. */
  shard?: RunShard;
  /** Set on a merged report (`ase merge-reports`): the shards it joins, in order. */
  shards?: RunShard[];
}
