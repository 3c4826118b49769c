import { performance } from 'node:perf_hooks';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { pathLabel } from '../reporters/format.js';
import type { CaseResult } from '../results.js';
import { resolvePlaceholders, type PlaceholderValues } from '../scenario/placeholders.js';
import type { ScenarioCase } from '../scenario/types.js';
import { Actor } from './actor.js';
import { classifyError } from './classify.js';
import { compareWithExpectation } from './expectations.js';
import { runOperation, type ResolvedCase } from './operations.js';
import type { ScenarioPlan } from './plan.js';
import { recordRequests, type CaseRecording } from './request-recorder.js';
import { serialSignIn, type SignedInSession } from './sign-in.js';
import { placeholderContext, type SignedInUsers } from './signed-in-users.js';

export { placeholderContext, type SignedInUsers };

/** A case result as the client sees it; the server side adds the role that access key holds. */
export interface ClientCaseResult extends CaseResult {
  accessKeyId?: string;
}

/** A case's label in reports: its name, or `actor op path` (`actor copy from → path`). */
export const caseTitle = (c: ScenarioCase, path: string): string => c.name ?? `${c.as} ${c.op} ${pathLabel({ op: c.op, path, from: c.from })}`;

/**
 * The client half of a scenario: every person in it as an isolated aws-amplify context, signed
 * in through the client's default SRP flow, and the cases run through aws-amplify/storage. It
 * needs only the app's amplify_outputs.json and a transport to the stack, so it can run in a
 * worker thread.
 */
export class ScenarioClient {
  private readonly actors = new Map<string, Actor>();
  private readonly identities = new Map<string, string>();
  private readonly subs = new Map<string, string>();

  /** `sessions`: users already signed in (sign-in.ts); they start from their stored session. */
  constructor(readonly plan: ScenarioPlan, outputs: AmplifyOutputs, sessions: readonly SignedInSession[] = []) {
    const config = Actor.configFrom(outputs);
    this.actors.set('guest', new Actor('guest', config));
    const byUser = new Map(sessions.map((s) => [s.user, s]));
    for (const user of plan.users) {
      const session = byUser.get(user.name);
      this.actors.set(user.name, new Actor(user.name, config, { username: user.name, password: user.password }, session?.storage));
      if (session?.identityId) this.identities.set(user.name, session.identityId);
      if (session?.sub) this.subs.set(user.name, session.sub);
    }
  }

  /** Signs in every user not signed in yet (SRP) and learns their identity IDs and subs, for placeholders. */
  async signInAll(): Promise<SignedInUsers> {
    for (const user of this.plan.users) {
      if (this.identities.has(user.name) && this.subs.has(user.name)) continue;
      const actor = this.actors.get(user.name)!;
      await serialSignIn(actor);
      const { identityId, sub } = await actor.identity();
      if (identityId) this.identities.set(user.name, identityId);
      if (sub) this.subs.set(user.name, sub);
    }
    return { identities: Object.fromEntries(this.identities), subs: Object.fromEntries(this.subs) };
  }

  placeholders(who: string | undefined): PlaceholderValues {
    return placeholderContext({ identities: Object.fromEntries(this.identities), subs: Object.fromEntries(this.subs) }, who);
  }

  async runCase(c: ScenarioCase): Promise<ClientCaseResult> {
    const actor = this.actors.get(c.as);
    if (!actor) throw new Error(`case ${c.index} acts as ${c.as}, who is not in this scenario`);
    if (actor.isGuest && !this.identities.has('guest')) {
      // The guest's identity ID is whatever GetId hands out; fetch it once, as the client would.
      const { identityId } = await actor.identity().catch(() => ({ identityId: undefined }));
      if (identityId) this.identities.set('guest', identityId);
    }
    return runCase(c, actor, this.placeholders(c.as), this.plan);
  }
}

async function runCase(c: ScenarioCase, actor: Actor, placeholders: PlaceholderValues, plan: ScenarioPlan): Promise<ClientCaseResult> {
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
    ...(c.size !== undefined ? { size: c.size } : {}),
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
  const decidingRequest = recording.requests.at(-1);
  return {
    scenario: plan.scenario.name,
    file: plan.scenario.file,
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
    ...(accessKeyId ? { accessKeyId } : {}),
    ...(decidingRequest ? { decidingRequest } : {}),
    line: c.line,
    ...(c.derived ? { derived: c.derived } : {}),
  };
}
