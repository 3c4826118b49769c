import { performance } from 'node:perf_hooks';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import type { Stack } from '../../emulator/stack.js';
import type { CaseResult, ScenarioResult } from '../results.js';
import { resolvePlaceholders } from '../scenario/placeholders.js';
import type { Scenario, ScenarioCase, ScenarioObject, ScenarioUser } from '../scenario/types.js';
import { Actor } from './actor.js';
import { appConfigForScenario } from './app-config.js';
import { classifyError } from './classify.js';
import { compareWithExpectation } from './expectations.js';
import { runOperation, type ResolvedCase } from './operations.js';
import { recordRequests, type CaseRecording } from './request-recorder.js';

export interface ScenarioPlan {
  scenario: Scenario;
  cases: ScenarioCase[];
  /** Users to create: the file's, plus any that derived cases need. */
  users: ScenarioUser[];
  /** Objects to write before the cases: the file's, plus any that derived cases need. */
  objects: ScenarioObject[];
  notes: string[];
}

export interface ScenarioHooks {
  onCaseResult?(result: CaseResult): void | Promise<void>;
}

/** Sign-ins go one at a time: the client keeps in-progress sign-in state in one module-wide store. */
let signInQueue: Promise<unknown> = Promise.resolve();
function serialSignIn(actor: Actor): Promise<void> {
  const next = signInQueue.then(() => actor.ensureSignedIn());
  signInQueue = next.catch(() => undefined);
  return next;
}

const caseTitle = (c: ScenarioCase, path: string): string => c.name ?? `${c.as} ${c.op} ${c.from ? `${c.from} → ` : ''}${path}`;

/**
 * One scenario on a running stack: `setup()` loads its app, signs its users in through the real
 * client and writes its objects; `runCase()` runs one case; `teardown()` unloads the app. The CLI
 * runner and the vitest helper both drive scenarios through this.
 */
export class ScenarioSession {
  private readonly app;
  private readonly actors = new Map<string, Actor>();
  private readonly identities = new Map<string, string>();
  warnings: string[] = [];

  /** amplify_outputs.json of the loaded app (after setup). */
  outputs: AmplifyOutputs | undefined;

  constructor(
    readonly plan: ScenarioPlan,
    private readonly stack: Stack,
    readonly appId: string,
    options: { stableIdsSeed?: string } = {},
  ) {
    this.app = appConfigForScenario(plan.scenario, plan.users, appId, options);
  }

  async setup(): Promise<void> {
    const loaded = await this.stack.load(this.app);
    this.outputs = loaded.outputs;
    this.warnings.push(...loaded.warnings);
    const config = Actor.configFrom(loaded.outputs);
    this.actors.set('guest', new Actor('guest', config));
    for (const user of this.plan.users) {
      this.actors.set(user.name, new Actor(user.name, config, { username: user.name, password: user.password }));
    }
    for (const user of this.plan.users) {
      const actor = this.actors.get(user.name)!;
      await serialSignIn(actor);
      const { identityId } = await actor.identity();
      if (identityId) this.identities.set(user.name, identityId);
    }
    for (const object of this.plan.objects) {
      const bucket = this.app.buckets.find((b) => b.name === object.bucket)!;
      await this.stack.admin.putObject(bucket.bucketName, resolvePlaceholders(object.path, this.placeholders(undefined)), object.body);
    }
  }

  private placeholders(who: string | undefined): Parameters<typeof resolvePlaceholders>[1] {
    const identity = who ? this.identities.get(who) : undefined;
    return {
      ...(identity ? { identity } : {}),
      identityOf: (user: string) => {
        const id = this.identities.get(user);
        if (!id) throw new Error(`no identity ID for user ${user}`);
        return id;
      },
      subOf: (user: string) => this.stack.userPools.getUser(this.app.userPool.id, user).sub,
    };
  }

  async runCase(c: ScenarioCase): Promise<CaseResult> {
    const actor = this.actors.get(c.as);
    if (!actor) throw new Error(`case ${c.index} acts as ${c.as}, who is not in this scenario`);
    if (actor.isGuest && !this.identities.has('guest')) {
      // The guest's identity ID is whatever GetId hands out; fetch it once, as the client would.
      const { identityId } = await actor.identity().catch(() => ({ identityId: undefined }));
      if (identityId) this.identities.set('guest', identityId);
    }
    return runCase(c, actor, this.placeholders(c.as), this.stack, this.plan.scenario);
  }

  async teardown(): Promise<void> {
    await this.stack.unload(this.appId);
  }
}

/** Runs a whole scenario: set-up, every case in file order, tear-down. Never throws. */
export async function runScenario(plan: ScenarioPlan, stack: Stack, appId: string, hooks: ScenarioHooks = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const result: ScenarioResult = { name: plan.scenario.name, file: plan.scenario.file, cases: [], durationMs: 0, warnings: [...plan.notes] };
  const session = new ScenarioSession(plan, stack, appId);
  try {
    await session.setup();
    for (const c of plan.cases) {
      const caseResult = await session.runCase(c);
      result.cases.push(caseResult);
      await hooks.onCaseResult?.(caseResult);
    }
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await session.teardown().catch((e: Error) => {
      result.warnings.push(`could not clean up after the scenario: ${e.message}`);
    });
    result.warnings.push(...session.warnings);
    result.durationMs = performance.now() - started;
  }
  return result;
}

async function runCase(
  c: ScenarioCase,
  actor: Actor,
  placeholders: Parameters<typeof resolvePlaceholders>[1],
  stack: Stack,
  scenario: Scenario,
): Promise<CaseResult> {
  const path = resolvePlaceholders(c.path, placeholders);
  const from = c.from !== undefined ? resolvePlaceholders(c.from, placeholders) : undefined;
  const expected = {
    ...c.expect,
    ...(c.expect.keys ? { keys: c.expect.keys.map((k) => resolvePlaceholders(k, placeholders)) } : {}),
    ...(c.expect.contains ? { contains: c.expect.contains.map((k) => resolvePlaceholders(k, placeholders)) } : {}),
  };
  const resolved: ResolvedCase = {
    op: c.op, path, bucket: c.bucket,
    ...(from !== undefined ? { from } : {}),
    ...(c.body !== undefined ? { body: c.body } : {}),
    ...(c.options ? { options: c.options } : {}),
  };
  const recording: CaseRecording = { requests: [] };
  const started = performance.now();
  let observed: CaseResult['observed'];
  try {
    const output = await recordRequests(recording, () => runOperation(actor, resolved));
    observed = { outcome: 'allow', ...(output.body !== undefined ? { body: output.body } : {}), ...(output.keys ? { keys: output.keys } : {}) };
  } catch (e) {
    observed = classifyError(e, recording.requests.at(-1));
  }
  const durationMs = performance.now() - started;
  const reasons = compareWithExpectation(expected, observed);
  const { accessKeyId } = await actor.identity().catch(() => ({ accessKeyId: undefined }));
  const role = accessKeyId ? stack.sessions.lookup(accessKeyId)?.roleArn : undefined;
  const decidingRequest = recording.requests.at(-1);
  return {
    scenario: scenario.name,
    file: scenario.file,
    index: c.index,
    title: caseTitle(c, path),
    actor: c.as,
    op: c.op,
    bucket: c.bucket,
    path,
    ...(from !== undefined ? { from } : {}),
    expected,
    observed,
    status: reasons.length === 0 ? 'pass' : 'fail',
    reasons,
    durationMs,
    ...(role ? { role } : {}),
    ...(decidingRequest ? { decidingRequest } : {}),
    line: c.line,
    ...(c.derived ? { derived: c.derived } : {}),
  };
}
