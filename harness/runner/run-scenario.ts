import { performance } from 'node:perf_hooks';
import type { AppConfig } from '../../emulator/config.js';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import type { Stack } from '../../emulator/stack.js';
import type { CaseResult, ScenarioResult, ScenarioTiming } from '../results.js';
import { resolvePlaceholders } from '../scenario/placeholders.js';
import type { ScenarioCase } from '../scenario/types.js';
import { appConfigForScenario } from './app-config.js';
import type { ScenarioPlan } from './plan.js';
// The client half (aws-amplify) is loaded only when scenarios run in this thread: a CLI run keeps
// it in its worker threads, and its main thread never loads it.
import type { ClientCaseResult, ScenarioClient } from './scenario-client.js';
import type { SignedInSession, SignInService } from './sign-in.js';
import { placeholderContext, type SignedInUsers } from './signed-in-users.js';
import type { WarmApps } from './warm-apps.js';

export type { ScenarioPlan } from './plan.js';
import { planTitle } from './plan.js';

export interface ScenarioHooks {
  onCaseResult?(result: CaseResult): void | Promise<void>;
}

/**
 * Where a scenario's client half runs: in this thread ({@link inProcessClient}) or in a worker
 * thread (client-workers.ts). It starts from the users' signed-in sessions (signing in any
 * without one), then runs cases one by one.
 */
export interface ClientHalf {
  /**
   * Called before the users sign in: a half may begin work its start will need (a browser opens
   * its pages meanwhile). Never throws; what fails surfaces in start or a case.
   */
  prepare?(plan: ScenarioPlan): void;
  start(plan: ScenarioPlan, outputs: AmplifyOutputs, sessions: SignedInSession[]): Promise<SignedInUsers>;
  runCase(c: ScenarioCase): Promise<ClientCaseResult>;
  end(): Promise<void>;
}

export function inProcessClient(): ClientHalf {
  let client: ScenarioClient | undefined;
  return {
    async start(plan, outputs, sessions) {
      const { ScenarioClient } = await import('./scenario-client.js');
      client = new ScenarioClient(plan, outputs, sessions);
      return client.signInAll();
    },
    runCase: (c) => client!.runCase(c),
    async end() {
      client = undefined;
    },
  };
}

/**
 * One scenario on a running stack. The server half lives here, next to the stack: load the app,
 * write the objects once users (and so their identity IDs) exist, name the role behind each
 * access key, unload. The client half signs in and runs the cases. The CLI runner and the vitest
 * helper both drive scenarios through this.
 */
export class ScenarioSession {
  private app: AppConfig;
  /** amplify_outputs.json of the loaded app (after setup). */
  outputs: AmplifyOutputs | undefined;
  warnings: string[] = [];
  users: SignedInUsers | undefined;
  /** Where set-up and sign-in time went (the cases' and tear-down's are added by their callers). */
  readonly timing: ScenarioTiming = { setupMs: 0, signInMs: 0, signIns: 0, casesMs: 0, teardownMs: 0 };
  /** The app's id on the stack: the one given, or the warm app's this session resumed. */
  appId: string;

  constructor(
    readonly plan: ScenarioPlan,
    private readonly stack: Stack,
    appId: string,
    options: { stableIdsSeed?: string; client?: ClientHalf; signIn?: SignInService; warm?: WarmApps } = {},
  ) {
    this.appId = appId;
    this.app = appConfigForScenario(plan.scenario, plan.users, appId, options);
    this.client = options.client ?? inProcessClient();
    this.signIn = options.signIn ?? (async (outputs, user) => (await import('./sign-in.js')).signInHere(outputs, user));
    this.warm = options.warm;
  }

  private readonly client: ClientHalf;
  private readonly signIn: SignInService;
  private readonly warm: WarmApps | undefined;
  /** Users' stored client sessions, kept for the next run when the session is warm. */
  private readonly sessions = new Map<string, SignedInSession>();

  /**
   * Loads the app, then signs every user in at once (each sign-in wherever the sign-in service
   * runs it: across the client workers in a CLI run) as soon as the pools exist, and writes the
   * objects once the users' identity IDs are known. Every case then reuses its actor's session.
   * A warm session (see warm-apps.ts) resumes the app the scenario's last run parked: users the
   * stack kept start from their sessions of then, and only the others sign in.
   */
  async setup(): Promise<void> {
    const started = performance.now();
    this.client.prepare?.(this.plan);
    const previous = this.warm?.take(this.plan);
    if (previous) {
      // The same app and pool IDs as last time: the stack takes the pools over when their settings are unchanged.
      this.appId = previous.appId;
      this.app = {
        ...this.app,
        id: previous.appId,
        userPool: { ...this.app.userPool, id: previous.config.userPool.id, clientIds: [...previous.config.userPool.clientIds] },
        identityPool: { ...this.app.identityPool, id: previous.config.identityPool.id },
      };
    }
    const loaded = await this.stack.load(this.app);
    this.outputs = loaded.outputs;
    this.warnings.push(...loaded.warnings);
    const loadedAt = performance.now();
    const kept = new Set(previous ? loaded.keptUsers : []);
    const toSignIn = this.plan.users.filter((u) => !kept.has(u.name) || !previous?.sessions.has(u.name));
    const reused = this.plan.users.flatMap((u) => (kept.has(u.name) && previous?.sessions.get(u.name)) || []);
    const signedIn = await Promise.all(toSignIn.map((u) => this.signIn(loaded.outputs, u)));
    for (const session of [...reused, ...signedIn]) this.sessions.set(session.user, session);
    this.users = await this.client.start(this.plan, loaded.outputs, [...reused, ...signedIn]);
    const signedInAt = performance.now();
    this.timing.signIns = toSignIn.length;
    if (reused.length > 0) this.timing.sessionsKept = reused.length;
    this.timing.signInMs = signedInAt - loadedAt;
    await this.writeObjects(this.plan.objects);
    this.timing.setupMs = loadedAt - started + (performance.now() - signedInAt);
  }

  private derivedObjectsWritten = false;

  private async writeObjects(objects: ScenarioPlan['objects']): Promise<void> {
    const placeholders = placeholderContext(this.users!, undefined);
    for (const object of objects) {
      const bucket = this.app.buckets.find((b) => b.name === object.bucket)!;
      await this.stack.admin.putObject(bucket.bucketName, resolvePlaceholders(object.path, placeholders), object.body);
    }
  }

  async runCase(c: ScenarioCase): Promise<CaseResult> {
    if (c.derived && !this.derivedObjectsWritten) {
      this.derivedObjectsWritten = true;
      await this.writeObjects(this.plan.derivedObjects);
    }
    const { accessKeyId, ...result } = await this.client.runCase(c);
    const role = accessKeyId ? this.stack.sessions.lookup(accessKeyId)?.roleArn : undefined;
    return role ? { ...result, role } : result;
  }

  async teardown(): Promise<void> {
    const started = performance.now();
    try {
      await this.client.end();
    } finally {
      if (this.warm && this.outputs) {
        // Parked: buckets emptied and policies removed as by unload, pools and sign-ins kept.
        await this.stack.park(this.appId);
        this.warm.put(this.plan, { appId: this.appId, config: this.app, sessions: new Map(this.sessions) });
      } else {
        await this.stack.unload(this.appId);
      }
      this.timing.teardownMs = performance.now() - started;
    }
  }
}

/** Runs a whole scenario: set-up, every case in file order, tear-down. Never throws. */
export async function runScenario(
  plan: ScenarioPlan,
  stack: Stack,
  appId: string,
  hooks: ScenarioHooks = {},
  client?: ClientHalf,
  signIn?: SignInService,
  warm?: WarmApps,
): Promise<ScenarioResult> {
  const started = performance.now();
  const result: ScenarioResult = {
    name: planTitle(plan), file: plan.scenario.file, cases: [], durationMs: 0, warnings: [...plan.notes],
    ...(plan.client ? { client: plan.client } : {}),
  };
  if (plan.unavailable) return { ...result, error: plan.unavailable };
  const session = new ScenarioSession(plan, stack, appId, { ...(client ? { client } : {}), ...(signIn ? { signIn } : {}), ...(warm ? { warm } : {}) });
  try {
    await session.setup();
    const casesStarted = performance.now();
    try {
      for (const c of plan.cases) {
        const caseResult = await session.runCase(c);
        result.cases.push(caseResult);
        await hooks.onCaseResult?.(caseResult);
      }
    } finally {
      session.timing.casesMs = performance.now() - casesStarted;
    }
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await session.teardown().catch((e: Error) => {
      result.warnings.push(`could not clean up after the scenario: ${e.message}`);
    });
    result.warnings.push(...session.warnings);
    result.durationMs = performance.now() - started;
    result.timing = { ...session.timing };
  }
  return result;
}
