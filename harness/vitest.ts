import { afterAll, beforeAll, describe, test } from 'vitest';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { Stack, type StackOptions } from '../emulator/stack.js';
import { createStackDispatcher } from '../emulator/transport/node.js';
import { expandScenarioArgs } from './scenario/files.js';
import type { CaseResult } from './results.js';
import { clientsFor, planScenario } from './runner/run.js';
import { BrowserRun } from './runner/browser/browser-client.js';
import { planTitle } from './runner/plan.js';
import type { ScenarioClientKind } from './scenario/types.js';
import { ScenarioSession } from './runner/run-scenario.js';
import { caseTitle } from './runner/scenario-client.js';
import { corsExplanation, formatRequest, pathLabel } from './reporters/format.js';
import { recordingDispatcher } from './runner/request-recorder.js';
import { loadScenarioFiles } from './scenario/load-many.js';

export interface ScenarioTestsOptions {
  /** Add the cases implied by `paths` (as `derive: true`). */
  derive?: boolean;
  /** Keep only matching cases (as `ase test --filter`). */
  filter?: string;
  /** Options for the stack this worker starts. */
  stack?: StackOptions;
  /** Base for relative patterns (default: process.cwd()). */
  cwd?: string;
  /**
   * Which client runs the cases, overriding the files' `client:` (as `ase test --client`): node,
   * browser (headless Chromium; one browser per worker) or both (one describe per client).
   */
  client?: ScenarioClientKind | 'both';
}

interface SharedStack {
  stack: Promise<Stack>;
  users: number;
  previousDispatcher: Dispatcher;
  /** One Chromium per worker, launched when a browser scenario first needs it. */
  browser?: Promise<BrowserRun>;
}

const SHARED = Symbol.for('amplify-storage-emulator.vitest.stack');
type GlobalWithStack = typeof globalThis & { [SHARED]?: SharedStack };

/** One stack per worker process, shared by every scenario file the worker runs. */
async function acquireStack(options: StackOptions | undefined): Promise<Stack> {
  const g = globalThis as GlobalWithStack;
  if (!g[SHARED]) {
    const previousDispatcher = getGlobalDispatcher();
    const stack = Stack.start(options).then((s) => {
      setGlobalDispatcher(recordingDispatcher(createStackDispatcher(s.transportTargets)));
      return s;
    });
    g[SHARED] = { stack, users: 0, previousDispatcher };
  }
  g[SHARED].users++;
  return g[SHARED].stack;
}

/**
 * Under `vitest --watch` the last file done keeps the worker's stack: the next file or re-run in
 * this worker (with `isolate: false`, workers live across files and re-runs) finds it warm. It
 * stops with the worker process (MinIO's watchdog and the exit safety net see to it).
 */
const keepWarm = (): boolean => process.env.VITEST_MODE === 'WATCH';

async function acquireBrowser(stack: Stack): Promise<BrowserRun> {
  const shared = (globalThis as GlobalWithStack)[SHARED]!;
  shared.browser ??= BrowserRun.launch({ frontDoor: stack.frontDoor });
  return shared.browser;
}

async function releaseStack(): Promise<void> {
  const g = globalThis as GlobalWithStack;
  const shared = g[SHARED];
  if (!shared || --shared.users > 0 || keepWarm()) return;
  delete g[SHARED];
  setGlobalDispatcher(shared.previousDispatcher);
  await shared.browser?.then((b) => b.close(), () => undefined);
  await (await shared.stack).close();
}

/** The failure message vitest shows: what was expected, what happened, and what decided it. */
export function describeFailure(r: CaseResult): string {
  const lines = [
    `${r.actor} ${r.op} ${pathLabel(r)}${r.line ? ` (${r.file}:${r.line})` : ''}`,
    ...r.reasons.map((reason) => `  ${reason}`),
  ];
  if (r.role) lines.push(`  role assumed: ${r.role}`);
  if (r.decidingRequest) lines.push(`  decided by: ${formatRequest(r.decidingRequest)}`);
  if (r.derived) lines.push(`  derived from paths rule: ${r.derived.rule}${r.derived.note ? ` (${r.derived.note})` : ''}`);
  for (const l of corsExplanation(r)) lines.push(`  CORS ${l.label}: ${l.text}`);
  return lines.join('\n');
}

let sessionCounter = 0;

/**
 * Turns scenario files into vitest suites: one `describe` per scenario, one `test` per case (in
 * file order), on one stack per worker. Use with top-level await in a test file:
 *
 * ```ts
 * import { defineScenarioTests } from 'amplify-storage-emulator/vitest';
 * await defineScenarioTests('storage-contract/*.yaml');
 * ```
 */
export async function defineScenarioTests(patterns: string | string[], options: ScenarioTestsOptions = {}): Promise<void> {
  const files = await expandScenarioArgs([patterns].flat(), options.cwd);
  const loaded = await loadScenarioFiles(files);
  if (loaded.errors.length > 0) {
    test('scenario files follow the format', () => {
      throw new Error(loaded.errors.join('\n\n'));
    });
    return;
  }
  for (const scenario of loaded.scenarios) for (const client of clientsFor(scenario, options.client)) {
    const plan = { ...planScenario(scenario, options), ...(client === 'browser' ? { client } : {}) };
    describe(planTitle(plan), () => {
      let session: ScenarioSession | undefined;
      beforeAll(async () => {
        const stack = await acquireStack(options.stack);
        const browser = client === 'browser' ? await acquireBrowser(stack) : undefined;
        session = new ScenarioSession(plan, stack, `v${process.pid}x${sessionCounter++}`, browser ? { client: browser.clientHalf() } : {});
        await session.setup();
      }, 120_000);
      afterAll(async () => {
        try {
          await session?.teardown();
        } finally {
          await releaseStack();
        }
      });
      for (const c of plan.cases) {
        const title = c.name ?? `${caseTitle(c, c.path)} → ${(client === 'browser' && c.inBrowser ? c.inBrowser : c.expect).outcome}`;
        test(title, async () => {
          if (!session) throw new Error('the scenario did not set up; see the error of beforeAll');
          const result = await session.runCase(c);
          if (result.status === 'fail') throw new Error(describeFailure(result));
        });
      }
    });
  }
}
