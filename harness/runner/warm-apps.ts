import type { AppConfig } from '../../emulator/config.js';
import type { Stack } from '../../emulator/stack.js';
import { planTitle, type ScenarioPlan } from './plan.js';
import type { SignedInSession } from './sign-in.js';

/** A scenario's app as the last run left it: parked on the stack, with its users' client sessions. */
export interface WarmApp {
  appId: string;
  config: AppConfig;
  /** The client's stored session of each user signed in, by user name. */
  sessions: Map<string, SignedInSession>;
}

/**
 * Scenario apps kept between runs on one stack (`ase test --watch`, the vitest helper under
 * `vitest --watch`). After a run each scenario's app is parked (Stack.park: its buckets emptied,
 * its policies removed, its pools and signed-in users kept); the next run of the same scenario
 * loads its new config under the same app and pool IDs, so when the auth part (pools, users,
 * groups, identity pool) is unchanged its users start from their sessions instead of signing in
 * again, and a user whose seed changed signs in anew. Everything else is loaded fresh, so a re-run
 * decides exactly as a cold run does.
 */
export class WarmApps {
  private readonly apps = new Map<string, WarmApp>();

  constructor(readonly stack: Stack) {}

  /** Which warm app a plan resumes: one per scenario file, scenario and client. */
  static keyOf(plan: ScenarioPlan): string {
    return JSON.stringify([plan.scenario.file, planTitle(plan)]);
  }

  /** Takes the plan's warm app, if any (it is the plan's until given back with {@link put}). */
  take(plan: ScenarioPlan): WarmApp | undefined {
    const key = WarmApps.keyOf(plan);
    const app = this.apps.get(key);
    this.apps.delete(key);
    return app;
  }

  /** Keeps a parked app for the plan's next run. */
  put(plan: ScenarioPlan, app: WarmApp): void {
    this.apps.set(WarmApps.keyOf(plan), app);
  }

  /** Unloads the parked apps of scenario files not in `files` (removed, renamed, out of the watch). */
  async keepOnly(files: readonly string[]): Promise<void> {
    const keep = new Set(files);
    for (const [key, app] of [...this.apps]) {
      const [file] = JSON.parse(key) as [string];
      if (keep.has(file)) continue;
      this.apps.delete(key);
      await this.stack.unload(app.appId);
    }
  }

  /** Unloads every parked app. */
  async clear(): Promise<void> {
    await this.keepOnly([]);
  }
}
