import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Stack } from '../../emulator/stack.js';
import { deriveCases } from '../derive/index.js';
import { signInNameOf } from '../scenario/checks.js';
import type { Reporter } from '../reporters/types.js';
import type { CaseResult, RunAbort, RunShard, RunSummary, ScenarioResult } from '../results.js';
import type { Scenario, ScenarioCase, ScenarioClientKind, ScenarioObject } from '../scenario/types.js';
import { BrowserRun, ChromiumMissingError } from './browser/browser-client.js';
import { inProcessClient, runScenario, type ClientHalf, type ScenarioPlan } from './run-scenario.js';
import { planTitle } from './plan.js';
import { ClientWorkerPool, clientWorkersAvailable } from './client-workers.js';
import { recordingDispatcher } from './request-recorder.js';
import { selectShard } from './shard.js';
import type { SignInService } from './sign-in.js';
import type { WarmApps } from './warm-apps.js';
import { createStackDispatcher } from '../../emulator/transport/node.js';
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici';

export interface RunOptions {
  stack: Stack;
  /** One reporter (use the multiplexer for several). */
  reporter?: Reporter;
  /** Keep only cases whose title, scenario name or file contains this text (or matches /regex/). */
  filter?: string;
  /** Add derived cases to every scenario, as if each had `derive: true`. */
  derive?: boolean;
  /** Scenarios running at once (default: the number of cores). Scenarios sharing a bucket never overlap. */
  concurrency?: number;
  /**
   * Run each scenario's client half (sign-ins, Storage calls) in worker threads, one per concurrent
   * scenario, so the client's CPU work (its SRP maths is pure JavaScript) uses every core while
   * this thread serves the emulator. Default: on when running compiled (dist/), off from sources.
   */
  threads?: boolean;
  /** Run only this shard's files (see shard.ts: balanced by case count, the same on every machine). */
  shard?: RunShard;
  /**
   * Client workers to use, kept by the caller across runs (`ase test --watch` keeps them warm);
   * at least `concurrency` of them. Without it, a run starts its own when `threads` says so.
   */
  clients?: ClientWorkerPool;
  /**
   * Stops the run early. Abort with a {@link RunStop} as the reason: the run then resolves at once
   * (without waiting for cases in flight) with what had finished, `aborted` set, and the reporters'
   * onRunEnd called with that partial summary.
   */
  signal?: AbortSignal;
  /**
   * Which client runs the scenarios, overriding their files' `client:`: `node`, `browser` (headless
   * Chromium; an error when none is found) or `both`. Absent: each file's own (default node); a
   * file that also wants the browser is run in Node alone, with a warning, when no Chromium is found.
   */
  client?: ScenarioClientKind | 'both';
  /**
   * Keep each scenario's app warm for the next run on this stack (`ase test --watch`): parked
   * after the run with its users signed in, resumed by the next run of the same scenario, whose
   * users then sign in again only if their part of the auth changed. See warm-apps.ts.
   */
  warm?: WarmApps;
}

/** The clients a scenario runs in, given the run's override. */
export function clientsFor(scenario: Scenario, override: RunOptions['client']): ScenarioClientKind[] {
  if (override === 'both') return ['node', 'browser'];
  if (override) return [override];
  return scenario.clients && scenario.clients.length > 0 ? scenario.clients : ['node'];
}

/** What an abort's reason carries (anything else is reported as an interruption). */
export type RunStop = Omit<RunAbort, 'notRun'>;

export function caseFilter(filter: string | undefined): (text: string) => boolean {
  if (!filter) return () => true;
  const regex = /^\/(.+)\/([a-z]*)$/.exec(filter);
  if (regex) {
    const re = new RegExp(regex[1]!, regex[2]);
    return (text) => re.test(text);
  }
  const needle = filter.toLowerCase();
  return (text) => text.toLowerCase().includes(needle);
}

/** What one scenario will run: its cases (written, then derived), users and objects. */
export function planScenario(scenario: Scenario, options: Pick<RunOptions, 'filter' | 'derive'> = {}): ScenarioPlan {
  let cases: ScenarioCase[] = [...scenario.cases];
  const users = [...scenario.auth.users];
  const objects = [...scenario.objects];
  const derivedObjects: ScenarioObject[] = [];
  const notes: string[] = [];
  if (scenario.derive || options.derive) {
    const derived = deriveCases(scenario);
    cases.push(...derived.cases.map((c, i) => ({ ...c, index: scenario.cases.length + i })));
    // The derived actors sign in as the written users do (by email when the pool does).
    const attributes = scenario.auth.usernameAttributes ?? [];
    users.push(...derived.actors.map((u) => {
      const signInName = u.signInName ?? signInNameOf(attributes, u.name, u.email);
      return signInName !== undefined && signInName !== u.name ? { ...u, signInName } : u;
    }));
    derivedObjects.push(...derived.objects);
    notes.push(...derived.notes);
  }
  const matches = caseFilter(options.filter);
  if (options.filter) {
    cases = cases.filter((c) => matches(c.name ?? '') || matches(`${c.as} ${c.op} ${c.path}`) || matches(scenario.name) || matches(scenario.file));
  }
  return { scenario, cases, users, objects, derivedObjects, notes };
}

/** The scenarios a run will run, planned: those with cases (when filtered), of its shard only. */
export function planRun(scenarios: Scenario[], options: Pick<RunOptions, 'filter' | 'derive' | 'shard' | 'client'> = {}): ScenarioPlan[] {
  let plans = scenarios.map((s) => planScenario(s, options)).filter((p) => p.cases.length > 0 || !options.filter);
  if (options.shard) plans = selectShard(plans.map((plan) => ({ file: plan.scenario.file, cases: plan.cases.length, plan })), options.shard).map((s) => s.plan);
  // A scenario that runs in both clients is two plans (the browser one after the Node one).
  return plans.flatMap((plan) => clientsFor(plan.scenario, options.client).map((client): ScenarioPlan => (client === 'browser' ? { ...plan, client, notes: [...plan.notes] } : plan)));
}

/**
 * A run with nothing to run (a shard that got no files): the reporters still write their
 * (empty) reports, so a merge finds every shard's results.
 */
export async function reportEmptyRun(reporter: Reporter, shard?: RunShard): Promise<RunSummary> {
  const startedAt = new Date().toISOString();
  await reporter.onRunStart?.({ files: [], startedAt });
  const summary: RunSummary = { scenarios: [], passed: 0, failed: 0, errored: 0, durationMs: 0, startedAt, ...(shard ? { shard: { ...shard } } : {}) };
  await reporter.onRunEnd?.(summary);
  return summary;
}

/**
 * Runs scenarios on one stack. Cases of a scenario run in order; scenarios run concurrently
 * (each has its own pools, users and policies), except that two scenarios naming the same S3
 * bucket wait for each other, since a bucket is one namespace on the server.
 */
export async function runScenarios(scenarios: Scenario[], options: RunOptions): Promise<RunSummary> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const reporter = options.reporter ?? {};
  let plans = planRun(scenarios, options);
  await reporter.onRunStart?.({ files: [...new Set(plans.map((p) => p.scenario.file))], startedAt });

  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  // One Chromium for the whole run, when any scenario runs in the browser.
  let browser: BrowserRun | undefined;
  const browserPlans = plans.filter((p) => p.client === 'browser');
  if (browserPlans.length > 0) {
    try {
      browser = await BrowserRun.launch({ frontDoor: options.stack.frontDoor });
    } catch (e) {
      if (!(e instanceof ChromiumMissingError) || options.client === 'browser' || options.client === 'both') throw e;
      // The files asked for the browser as well: run what can run, and say what did not.
      const message = `not run in the browser client: ${e.message}`;
      plans = plans.flatMap((p) => {
        if (p.client !== 'browser') {
          return [browserPlans.some((b) => b.scenario === p.scenario) ? { ...p, notes: [...p.notes, message] } : p];
        }
        return plans.some((o) => o.scenario === p.scenario && o.client !== 'browser') ? [] : [{ ...p, notes: [...p.notes, message], unavailable: message }];
      });
    }
  }
  // Browser plans run their client half in Chromium, driven from this thread.
  const orBrowser = (acquire: () => { client: ClientHalf; release: () => void }) =>
    (p: ScenarioPlan) => (p.client === 'browser' ? { client: browser!.clientHalf(), release: () => {} } : acquire());

  try {
    if (options.clients) {
      const pool = options.clients;
      return await runPlans(plans, options, reporter, startedAt, started, Math.min(concurrency, pool.size), orBrowser(() => pool.acquire()), pool.signIn);
    }
    if (options.threads ?? clientWorkersAvailable()) {
      // Each worker routes its own client's traffic to the stack.
      const pool = new ClientWorkerPool(concurrency, options.stack.transportTargets);
      try {
        return await runPlans(plans, options, reporter, startedAt, started, concurrency, orBrowser(() => pool.acquire()), pool.signIn);
      } finally {
        await pool.close();
      }
    }
    // In this thread: the client addresses AWS host names; route them to this stack, recording S3
    // requests per case.
    const previousDispatcher = getGlobalDispatcher();
    const dispatcher = recordingDispatcher(createStackDispatcher(options.stack.transportTargets));
    setGlobalDispatcher(dispatcher);
    try {
      return await runPlans(plans, options, reporter, startedAt, started, concurrency, orBrowser(() => ({ client: inProcessClient(), release: () => {} })));
    } finally {
      setGlobalDispatcher(previousDispatcher);
      await dispatcher.close().catch(() => undefined);
    }
  } finally {
    await browser?.close();
  }
}

async function runPlans(
  plans: ScenarioPlan[],
  options: RunOptions,
  reporter: Reporter,
  startedAt: string,
  started: number,
  concurrency: number,
  acquireClient: (plan: ScenarioPlan) => { client: ClientHalf; release: () => void },
  signIn?: SignInService,
): Promise<RunSummary> {
  const results: ScenarioResult[] = new Array(plans.length);
  // Cases of scenarios still running, so an aborted run still reports what ran.
  const partial = new Map<number, { plan: ScenarioPlan; cases: CaseResult[] }>();
  const signal = options.signal;
  // After an abort nothing more reaches the reporters: their onRunEnd has had the final word.
  let closed = false;
  const onAbort = () => wake();
  signal?.addEventListener('abort', onAbort);
  const busyBuckets = new Set<string>();
  const runId = randomBytes(2).toString('hex');
  const pending = plans.map((plan, index) => ({ plan, index }));
  const running = new Set<Promise<void>>();
  let wake: () => void = () => {};

  const bucketsOf = (p: ScenarioPlan) => p.scenario.buckets.map((b) => b.bucketName);
  while ((pending.length > 0 || running.size > 0) && !signal?.aborted) {
    const nextIndex = running.size < concurrency
      ? pending.findIndex(({ plan }) => bucketsOf(plan).every((b) => !busyBuckets.has(b)))
      : -1;
    if (nextIndex === -1) {
      await new Promise<void>((resolve) => { wake = resolve; });
      continue;
    }
    const [{ plan, index }] = pending.splice(nextIndex, 1) as [{ plan: ScenarioPlan; index: number }];
    const buckets = bucketsOf(plan);
    buckets.forEach((b) => busyBuckets.add(b));
    const task = (async () => {
      partial.set(index, { plan, cases: [] });
      await reporter.onScenarioStart?.({ name: planTitle(plan), file: plan.scenario.file, caseCount: plan.cases.length });
      const { client, release } = acquireClient(plan);
      try {
        const result = await runScenario(plan, options.stack, `r${runId}s${index}`, {
          onCaseResult: async (r) => {
            if (closed) return;
            partial.get(index)?.cases.push(r);
            await reporter.onCaseResult?.(r);
          },
        }, client, signIn, options.warm);
        if (closed) return;
        results[index] = result;
        partial.delete(index);
      } finally {
        release();
      }
      // What the reports show about the scenario travels with its result (so the JSON can be re-rendered).
      const result = Object.assign(results[index]!, scenarioFacts(plan));
      await reporter.onScenarioEnd?.(result);
    })().finally(() => {
      buckets.forEach((b) => busyBuckets.delete(b));
      running.delete(task);
      wake();
    });
    running.add(task);
  }

  signal?.removeEventListener('abort', onAbort);
  closed = true;
  let aborted: RunAbort | undefined;
  if (signal?.aborted) {
    // Scenarios cut short keep the cases they ran; a scenario never started is left out.
    for (const [index, { plan, cases }] of partial) {
      results[index] = {
        name: plan.scenario.name, file: plan.scenario.file, cases, durationMs: performance.now() - started, warnings: [...plan.notes],
        ...scenarioFacts(plan),
      };
    }
    const planned = plans.reduce((n, p) => n + p.cases.length, 0);
    const ran = results.filter(Boolean).reduce((n, s) => n + s.cases.length, 0);
    const stop = signal.reason as Partial<RunStop> | undefined;
    aborted = {
      kind: stop?.kind === 'infrastructure' ? 'infrastructure' : 'interrupted',
      reason: typeof stop?.reason === 'string' ? stop.reason : 'the run was interrupted',
      notRun: planned - ran,
    };
  }
  const all = results.filter(Boolean);
  const cases = all.flatMap((s) => s.cases);
  const errored = all.filter((s) => s.error !== undefined).length;
  const summary: RunSummary = {
    ...(aborted ? { aborted } : {}),
    scenarios: all,
    passed: cases.filter((c) => c.status === 'pass').length,
    failed: cases.filter((c) => c.status === 'fail').length + errored,
    errored,
    durationMs: performance.now() - started,
    startedAt,
    ...(options.shard ? { shard: { ...options.shard } } : {}),
  };
  await reporter.onRunEnd?.(summary);
  return summary;
}

/** What the reports show about a scenario beyond its cases: who acts (guest first) and its default bucket. */
function scenarioFacts(plan: ScenarioPlan): Pick<ScenarioResult, 'actors' | 'defaultBucket'> {
  const actors = [{ name: 'guest', groups: [] }, ...plan.users.map((u) => ({ name: u.name, groups: [...u.groups] }))];
  const defaultBucket = plan.scenario.buckets.find((b) => b.default)?.name ?? plan.scenario.buckets[0]?.name;
  return { actors, ...(defaultBucket !== undefined ? { defaultBucket } : {}) };
}
