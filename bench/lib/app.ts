import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AppConfig } from '../../emulator/config.js';
import type { LoadedApp, Stack } from '../../emulator/stack.js';
import { appConfigForScenario } from '../../harness/runner/app-config.js';
import { planScenario } from '../../harness/runner/run.js';
import { loadScenarioText } from '../../harness/scenario/load.js';
import type { Scenario, ScenarioUser } from '../../harness/scenario/types.js';

/**
 * The paths every benchmark app uses, in Amplify Gen2's grammar: public/ for everyone signed in,
 * private/<identity ID>/ for its owner only.
 */
export const BENCH_PATHS = {
  'public/*': { guest: ['get', 'list'], authenticated: ['get', 'list', 'write', 'delete'] },
  'private/{entity_id}/*': { entityidentity: ['get', 'list', 'write', 'delete'] },
};

export interface BenchScenarioSpec {
  name: string;
  bucketName: string;
  users: string[];
  cases: Array<Record<string, unknown>>;
}

/** A scenario file's text (YAML), as a person would write it. */
export function scenarioYaml(spec: BenchScenarioSpec): string {
  return stringify({
    version: 1,
    name: spec.name,
    auth: { users: Object.fromEntries(spec.users.map((u) => [u, {}])) },
    buckets: [{ name: 'bench', bucketName: spec.bucketName, paths: BENCH_PATHS }],
    cases: spec.cases,
  });
}

export interface BenchApp {
  scenario: Scenario;
  users: ScenarioUser[];
  config: AppConfig;
  loaded: LoadedApp;
  /** Friendly bucket name (for aws-amplify's `options.bucket`). */
  bucket: string;
  bucketName: string;
}

/** Loads an app with the bench paths and these users on the stack, through the scenario loader and the harness's app config. */
export async function loadBenchApp(stack: Stack, id: string, bucketName: string, users: string[]): Promise<BenchApp> {
  const dir = await mkdtemp(join(tmpdir(), 'ase-bench-app-'));
  try {
    const text = scenarioYaml({
      name: `bench ${id}`,
      bucketName,
      users,
      cases: [{ as: users[0] ?? 'guest', op: 'list', path: 'public/', expect: 'allow' }],
    });
    const scenario = await loadScenarioText(text, join(dir, `${id}.yaml`));
    const plan = planScenario(scenario);
    const config = appConfigForScenario(scenario, plan.users, id);
    const loaded = await stack.load(config);
    return { scenario, users: plan.users, config, loaded, bucket: 'bench', bucketName };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
