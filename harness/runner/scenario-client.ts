import { performance } from 'node:perf_hooks';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { pathLabel } from '../reporters/format.js';
import type { CaseResult, CorsFinding, DecidingRequest } from '../results.js';
import { describeCorsFinding } from '../reporters/format.js';
import { resolvePlaceholders, type PlaceholderValues } from '../scenario/placeholders.js';
import type { ScenarioCase } from '../scenario/types.js';
import { Actor, type ActorIdentity } from './actor.js';
import { classifyError } from './classify.js';
import { compareWithExpectation } from './expectations.js';
import { runOperation, type OpResult, type ResolvedCase } from './operations.js';
import { planTitle, type ScenarioPlan } from './plan.js';
import { recordRequests, type CaseRecording } from './request-recorder.js';
import { serialSignIn, type SignedInSession } from './sign-in.js';
import { placeholderContext, type SignedInUsers } from './signed-in-users.js';

export { placeholderContext, type SignedInUsers };

/** What running one case as one actor gave: the call's output or error, and the S3 requests it made. */
export interface ActorRun {
  output?: OpResult;
  /** Set when the call threw (an Error, or `{ name, message }` from a browser page). */
  error?: unknown;
  requests: DecidingRequest[];
  /** Browser client: CORS requests the front door refused while the case ran. */
  cors?: CorsFinding[];
  /** Browser client: Chromium's own console messages about CORS while the case ran. */
  browserMessages?: string[];
}

/** One person as the scenario client drives them: an Actor in this process, or one in a browser page. */
export interface CaseActor {
  readonly isGuest: boolean;
  ensureSignedIn(): Promise<void>;
  identity(): Promise<ActorIdentity>;
  run(c: ResolvedCase): Promise<ActorRun>;
}

/**
 * Makes the actor for a person of the scenario (no credentials: the guest), starting from the
 * session storage of a sign-in done elsewhere when there is one.
 */
export type ActorFactory = (name: string, credentials?: { username: string; password: string }, storage?: Record<string, string>) => CaseActor;

/** The Node client's actors: aws-amplify in this process, S3 requests recorded by the transport. */
export function nodeActors(outputs: AmplifyOutputs): ActorFactory {
  const config = Actor.configFrom(outputs);
  return (name, credentials, storage) => {
    const actor = new Actor(name, config, credentials, storage);
    return {
      get isGuest() {
        return actor.isGuest;
      },
      // One sign-in at a time in this thread (the client's module-wide sign-in state).
      ensureSignedIn: () => serialSignIn(actor),
      identity: () => actor.identity(),
      async run(c) {
        const recording: CaseRecording = { requests: [] };
        try {
          return { output: await recordRequests(recording, () => runOperation(actor, c)), requests: recording.requests };
        } catch (error) {
          return { error, requests: recording.requests };
        }
      },
    };
  };
}

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
  private readonly actors = new Map<string, CaseActor>();
  private readonly identities = new Map<string, string>();
  private readonly subs = new Map<string, string>();

  /**
   * `sessions`: users already signed in (sign-in.ts); they start from their stored session.
   * `makeActor`: where the actors live (default: aws-amplify in this process).
   */
  constructor(readonly plan: ScenarioPlan, outputs: AmplifyOutputs, sessions: readonly SignedInSession[] = [], makeActor: ActorFactory = nodeActors(outputs)) {
    this.actors.set('guest', makeActor('guest'));
    const byUser = new Map(sessions.map((s) => [s.user, s]));
    for (const user of plan.users) {
      const session = byUser.get(user.name);
      this.actors.set(user.name, makeActor(user.name, { username: user.signInName ?? user.name, password: user.password }, session?.storage));
      if (session?.identityId) this.identities.set(user.name, session.identityId);
      if (session?.sub) this.subs.set(user.name, session.sub);
    }
  }

  /**
   * Signs in every user not signed in yet (SRP) and learns their identity IDs and subs, for
   * placeholders. Users sign in concurrently as far as their actors allow (the Node client's go
   * one at a time per thread; browser pages are independent).
   */
  async signInAll(): Promise<SignedInUsers> {
    await Promise.all(this.plan.users.map(async (user) => {
      if (this.identities.has(user.name) && this.subs.has(user.name)) return;
      const actor = this.actors.get(user.name)!;
      await actor.ensureSignedIn();
      const { identityId, sub } = await actor.identity();
      if (identityId) this.identities.set(user.name, identityId);
      if (sub) this.subs.set(user.name, sub);
    }));
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

async function runCase(c: ScenarioCase, actor: CaseActor, placeholders: PlaceholderValues, plan: ScenarioPlan): Promise<ClientCaseResult> {
  const path = resolvePlaceholders(c.path, placeholders);
  const from = c.from !== undefined ? resolvePlaceholders(c.from, placeholders) : undefined;
  const written = plan.client === 'browser' && c.inBrowser ? c.inBrowser : c.expect;
  const expected = {
    ...written,
    ...(written.keys ? { keys: written.keys.map((k) => resolvePlaceholders(k, placeholders)) } : {}),
    ...(written.contains ? { contains: written.contains.map((k) => resolvePlaceholders(k, placeholders)) } : {}),
  };
  const resolved: ResolvedCase = {
    op: c.op, path, bucket: c.bucket,
    ...(from !== undefined ? { from } : {}),
    ...(c.body !== undefined ? { body: c.body } : {}),
    ...(c.size !== undefined ? { size: c.size } : {}),
    ...(c.options ? { options: c.options } : {}),
  };
  const started = performance.now();
  const run = await actor.run(resolved);
  let observed: CaseResult['observed'];
  if (run.error === undefined) {
    const output = run.output ?? {};
    observed = { outcome: 'allow', ...(output.body !== undefined ? { body: output.body } : {}), ...(output.keys ? { keys: output.keys } : {}) };
  } else {
    observed = classifyError(run.error, run.requests.at(-1));
    const cors = run.cors?.[0];
    if (cors) observed.message = `${observed.message ?? observed.errorName ?? 'failed'} (CORS: ${describeCorsFinding(cors)})`;
  }
  const durationMs = performance.now() - started;
  const reasons = compareWithExpectation(expected, observed);
  const { accessKeyId } = await actor.identity().catch(() => ({ accessKeyId: undefined }));
  const decidingRequest = run.requests.at(-1);
  return {
    scenario: planTitle(plan),
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
    ...(run.cors && run.cors.length > 0 ? { cors: run.cors } : {}),
    ...(run.browserMessages && run.browserMessages.length > 0 ? { browserMessages: run.browserMessages } : {}),
    ...(plan.client ? { client: plan.client } : {}),
    line: c.line,
    ...(c.derived ? { derived: c.derived } : {}),
  };
}
