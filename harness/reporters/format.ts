/**
 * Wording and small formatting helpers shared by the reporters, so every report says the same
 * thing the same way.
 */
import path from 'node:path';
import { stripVTControlCharacters, styleText } from 'node:util';
import type { CaseResult, CorsFinding, DecidingRequest, RunSummary, ScenarioResult, ScenarioTiming } from '../results.js';
import type { Expectation, StorageOp } from '../scenario/types.js';
import type { ScenarioActor } from './types.js';

type Observed = CaseResult['observed'];

/** Operations in the order reports show them. */
export const OPS: readonly StorageOp[] = ['download', 'getUrl', 'getProperties', 'list', 'upload', 'copy', 'remove'];

export interface Counts {
  /** Cases that passed. */
  passed: number;
  /** Cases that failed plus scenarios that failed to set up (one each). */
  failed: number;
  failedCases: number;
  setupErrors: number;
  cases: number;
  scenarios: number;
  warnings: number;
}

/**
 * Counts from the scenarios themselves (not the summary's totals), so every reporter agrees
 * and a setup error counts exactly once, as one failure.
 */
export function countResults(summary: Pick<RunSummary, 'scenarios'>): Counts {
  const c: Counts = { passed: 0, failed: 0, failedCases: 0, setupErrors: 0, cases: 0, scenarios: 0, warnings: 0 };
  for (const s of summary.scenarios) {
    c.scenarios++;
    c.warnings += s.warnings.length;
    if (s.error !== undefined) c.setupErrors++;
    for (const r of s.cases) {
      c.cases++;
      if (r.status === 'pass') c.passed++;
      else c.failedCases++;
    }
  }
  c.failed = c.failedCases + c.setupErrors;
  return c;
}

/** The exact last line of a run: `N passed, N failed`. */
export function finalLine(summary: Pick<RunSummary, 'scenarios'>): string {
  const c = countResults(summary);
  return `${c.passed} passed, ${c.failed} failed`;
}

/**
 * For a run stopped early, one line saying so, e.g. `ABORTED: MinIO (pid 4711) died: killed by
 * SIGKILL; 1804 cases did not run. These results are incomplete.` Undefined for a complete run.
 */
export function abortLine(summary: Pick<RunSummary, 'aborted'>): string | undefined {
  const a = summary.aborted;
  if (!a) return undefined;
  const label = a.kind === 'infrastructure' ? 'ABORTED' : 'INTERRUPTED';
  return `${label}: ${a.reason}; ${plural(a.notRun, 'case')} did not run. These results are incomplete.`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `scenarios/a.yaml` for a file under cwd; the absolute path otherwise. Always forward slashes. */
export function relPath(file: string, cwd: string): string {
  if (!file) return file;
  if (!path.isAbsolute(file)) return toSlash(file);
  const rel = path.relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return toSlash(file);
  return toSlash(rel);
}

function toSlash(p: string): string {
  return p.split(path.sep).join('/');
}

/** 12 ms, 1.24 s, 2m 03s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m ${String(s).padStart(2, '0')}s`;
}

/** `scenarios/a.yaml:42`, or `scenarios/a.yaml (derived)` for a derived case (line 0). */
export function caseLocation(c: Pick<CaseResult, 'file' | 'line' | 'derived'>, cwd: string): string {
  const file = relPath(c.file, cwd);
  return c.line > 0 ? `${file}:${c.line}` : `${file} (derived)`;
}

/** `allow`, `deny`, `error NoSuchKey`. */
export function shortExpected(e: Expectation): string {
  return e.error ? `${e.outcome} ${e.error}` : e.outcome;
}

/** `allow`, `deny (AccessDenied)`. */
export function shortObserved(o: Observed): string {
  return o.errorName ? `${o.outcome} (${o.errorName})` : o.outcome;
}

const MAX_TEXT = 200;
const MAX_KEYS = 20;

export function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function keyList(keys: string[]): string {
  const shown = keys.slice(0, MAX_KEYS).join(', ');
  return keys.length > MAX_KEYS ? `${shown}, … (${keys.length} keys)` : `[${shown}]`;
}

/** Every part of an expectation, one line: `allow, body "hello", keys [a, b]`. */
export function longExpected(e: Expectation): string {
  const parts = [shortExpected(e)];
  if (e.body !== undefined) parts.push(`body ${JSON.stringify(clip(e.body))}`);
  if (e.keys !== undefined) parts.push(`keys ${keyList(e.keys)}`);
  if (e.contains !== undefined) parts.push(`containing ${keyList(e.contains)}`);
  return parts.join(', ');
}

/** Every part of what was observed, one line: `error (NetworkError: socket hang up)`. */
export function longObserved(o: Observed, withMessage = true): string {
  let head: string = o.outcome;
  if (!withMessage) head = shortObserved(o);
  else if (o.errorName && o.message && !sameWords(o.message, o.errorName)) head += ` (${o.errorName}: ${clip(oneLine(o.message))})`;
  else if (o.errorName) head += ` (${o.errorName})`;
  else if (o.message) head += ` (${clip(oneLine(o.message))})`;
  const parts = [head];
  if (o.body !== undefined) parts.push(`body ${JSON.stringify(clip(o.body))}`);
  if (o.keys !== undefined) parts.push(`keys ${keyList(o.keys)}`);
  return parts.join(', ');
}

/** `Access Denied.` says nothing `AccessDenied` does not. */
function sameWords(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return norm(a) === norm(b);
}

export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/**
 * The URL without signing parameters (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token…):
 * they are long, change every run and should not end up in CI logs.
 */
export function displayUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const drop = [...u.searchParams.keys()].filter((k) => /^x-amz-/i.test(k));
  if (drop.length === 0) return url;
  for (const k of drop) u.searchParams.delete(k);
  return u.toString();
}

/** `GET https://bucket.s3.us-east-1.amazonaws.com/key → 403 AccessDenied`. */
export function formatRequest(r: DecidingRequest): string {
  return `${r.method.toUpperCase()} ${displayUrl(r.url)} → ${r.status}${r.code ? ` ${r.code}` : ''}`;
}

/** `alice (admin, editors)`, `bob`, `guest`. */
export function actorLabel(a: ScenarioActor): string {
  return a.groups.length > 0 ? `${a.name} (${a.groups.join(', ')})` : a.name;
}

/** What the cell of an access matrix says: `allow ✓`, `expected deny, got allow ✗`. */
export function verdict(c: Pick<CaseResult, 'expected' | 'observed' | 'status'>): string {
  const e = c.expected;
  const o = c.observed;
  if (c.status === 'pass') return `${e.outcome} ✓`;
  if (e.outcome !== o.outcome) return `expected ${e.outcome}, got ${shortObserved(o)} ✗`;
  if (e.error !== undefined && e.error !== o.errorName) {
    return `expected ${e.outcome} ${e.error}, got ${o.errorName ?? 'no error name'} ✗`;
  }
  return `${e.outcome}, content differs ✗`;
}

/** The source of a copy and its destination, or just the path. */
export function pathLabel(c: Pick<CaseResult, 'op' | 'path' | 'from'>): string {
  return c.op === 'copy' && c.from !== undefined ? `${c.from} → ${c.path}` : c.path;
}

/** Identifies a scenario across events (onScenarioStart info ↔ ScenarioResult). */
export function scenarioKey(s: { file: string; name: string }): string {
  return `${s.file}\u0000${s.name}`;
}

/** Cognito identity IDs, e.g. `us-east-1:1f0e4c2a-9b7d-4e51-a3c8-5d2f6b9e0a71`. */
export const IDENTITY_ID = /([a-z]{2}(?:-[a-z]+)+-\d):([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** `protected/us-east-1:1f0e4c2a…/photo.jpg`: identity IDs cut to their first block, for tables. */
export function shortIdentities(text: string): string {
  return text.replace(IDENTITY_ID, (_m, region: string, head: string) => `${region}:${head}…`);
}

/**
 * Expected and observed as a table shows them: the outcome, or when the outcome matched but
 * the case failed on content (body, keys), the content too.
 */
export function tableOutcomes(c: Pick<CaseResult, 'expected' | 'observed' | 'status'>, max = 40): [string, string] {
  if (c.status === 'fail' && c.expected.outcome === c.observed.outcome) {
    return [clip(longExpected(c.expected), max), clip(longObserved(c.observed, false), max)];
  }
  return [shortExpected(c.expected), shortObserved(c.observed)];
}

/** Context about a scenario: what its result says, else what its cases show. */
export interface ScenarioContext {
  actors: ScenarioActor[];
  /** Known or inferred; undefined when the scenario uses one bucket only and none was named. */
  defaultBucket: string | undefined;
  /** Whether to name a case's bucket next to its path. */
  showBucket(bucket: string): boolean;
  /** Groups of an actor, when known. */
  groupsOf(actor: string): string[];
  /** Whether the actors' groups came from the scenario (else an empty list means "not known"). */
  actorsKnown: boolean;
}

export function scenarioContext(s: ScenarioResult): ScenarioContext {
  const known = s.actors ?? [];
  const actors: ScenarioActor[] = [];
  const seen = new Set<string>();
  const add = (a: ScenarioActor): void => {
    if (seen.has(a.name)) return;
    seen.add(a.name);
    actors.push({ name: a.name, groups: [...a.groups] });
  };
  // Guest first, then users in the order the scenario lists them, then anyone else who acted.
  const guest = known.find((a) => a.name === 'guest');
  if (guest) add(guest);
  else if (s.cases.some((c) => c.actor === 'guest')) add({ name: 'guest', groups: [] });
  for (const a of known) add(a);
  for (const c of s.cases) add({ name: c.actor, groups: [] });
  // Only actors who acted in a case get a row; keep the scenario's order.
  const acted = new Set(s.cases.map((c) => c.actor));
  const rows = actors.filter((a) => acted.has(a.name));

  const buckets = new Set(s.cases.map((c) => c.bucket));
  const defaultBucket = s.defaultBucket ?? (buckets.size === 1 ? [...buckets][0] : undefined);
  const groups = new Map(actors.map((a) => [a.name, a.groups]));
  return {
    actors: rows,
    defaultBucket,
    // With no default known and several buckets, name the bucket everywhere rather than guess.
    showBucket: (bucket) => defaultBucket === undefined ? buckets.size > 1 : bucket !== defaultBucket,
    groupsOf: (actor) => groups.get(actor) ?? [],
    actorsKnown: known.length > 0,
  };
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export interface TtyLike {
  isTTY?: boolean;
  columns?: number;
}

/**
 * Colour decision: an explicit option wins; then FORCE_COLOR (any value but 0/false forces it
 * on, 0/false off — it overrides NO_COLOR, as in Node itself); then NO_COLOR (set and non-empty:
 * off); then the stream must be a TTY and TERM not `dumb`.
 */
export function shouldUseColor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv, override?: boolean): boolean {
  if (override !== undefined) return override;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return (stream as TtyLike).isTTY === true && env.TERM !== 'dumb';
}

export interface Colors {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  inverse(s: string): string;
}

/** Node's own styling; whether to colour at all is {@link shouldUseColor}'s decision, so the stream is not checked again. */
export function createColors(enabled: boolean): Colors {
  const style = (format: Parameters<typeof styleText>[0]) => (s: string) => (enabled && s ? styleText(format, s, { validateStream: false }) : s);
  return {
    enabled,
    bold: style('bold'),
    dim: style('dim'),
    red: style('red'),
    green: style('green'),
    yellow: style('yellow'),
    cyan: style('cyan'),
    inverse: style('inverse'),
  };
}

export function stripAnsi(s: string): string {
  return stripVTControlCharacters(s);
}

/** Width in terminal columns (code points; ANSI colour codes ignored). */
export function displayWidth(s: string): number {
  let n = 0;
  for (const _ of stripAnsi(s)) n++;
  return n;
}

/** `protected/us-east-1:1f0e…/photo.jpg`: keeps both ends, which carry the meaning. */
export function truncateMiddle(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 1) return '…'.slice(0, width);
  const keepEnd = Math.ceil((width - 1) / 2);
  const keepStart = width - 1 - keepEnd;
  return `${chars.slice(0, keepStart).join('')}…${chars.slice(chars.length - keepEnd).join('')}`;
}

/**
 * Where a scenario's time went, for every reporter: `set-up 85 ms · 2 sign-ins 412 ms · cases
 * 1.10 s · clean-up 21 ms`. Undefined for results without timing (older or hand-made ones).
 */
export function timingSplit(t: ScenarioTiming | undefined): string | undefined {
  if (!t) return undefined;
  return [
    `set-up ${formatDuration(t.setupMs)}`,
    `${plural(t.signIns, 'sign-in')}${t.sessionsKept ? ` (${t.sessionsKept} kept)` : ''} ${formatDuration(t.signInMs)}`,
    `cases ${formatDuration(t.casesMs)}`,
    `clean-up ${formatDuration(t.teardownMs)}`,
  ].join(' · ');
}

/**
 * Why the browser was refused in a case, as every report explains it: each distinct request the
 * front door refused (`refused`), why each of the bucket's rules did not match it (`rules`), and
 * what Chromium itself said (`browser`, as DevTools shows it). Empty for a case without refusals.
 */
export function corsExplanation(r: Pick<CaseResult, 'cors' | 'browserMessages'>): Array<{ label: 'refused' | 'rules' | 'browser'; text: string }> {
  const out: Array<{ label: 'refused' | 'rules' | 'browser'; text: string }> = [];
  const seen = new Set<string>();
  for (const f of r.cors ?? []) {
    const what = corsRefused(f);
    if (seen.has(what)) continue; // the client retries: the same refusal, again
    seen.add(what);
    out.push({ label: 'refused', text: what });
    if (f.detail) out.push({ label: 'rules', text: f.detail });
  }
  if (out.length === 0) return out;
  for (const m of r.browserMessages ?? []) out.push({ label: 'browser', text: m });
  return out;
}

function corsRefused(f: CorsFinding): string {
  const what = f.kind === 'preflight' ? `the preflight for ${f.method} ${f.url} from origin ${f.origin} was refused (${f.status})` : `the answer to ${f.method} ${f.url} (${f.status}) carried no CORS headers for origin ${f.origin}`;
  return `${what}: ${f.message}`;
}

/** One line for a refused CORS request: what was refused, by what, and why no rule matched. */
export function describeCorsFinding(f: CorsFinding): string {
  return `${corsRefused(f)}${f.detail ? `; ${f.detail}` : ''}`;
}
