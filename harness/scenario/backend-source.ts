/**
 * `backend:` and `template:` in scenario files: the app's own backend, synthesized offline
 * (harness/backend), or a cloud assembly / template it already has, read into what the scenario
 * needs. Values the scenario gives explicitly win; every policy taken from the backend says which
 * stack and logical ID it came from.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  BackendError, IntrinsicError, backendOutputs, locateBackend, readAssembly, readBackendApp, synthesizeBackend,
  type BackendApp, type BackendRole, type SynthesizeOptions,
} from '../backend/index.js';
import { validateCorsConfiguration } from '../../emulator/s3-cors/validate.js';
import type { Dependency } from '../watch/dependencies.js';
import type { NamedPolicy, Scenario, ScenarioBackend } from './types.js';
import { record as dict } from './values.js';
import type { Dict } from './values.js';

export interface LoadedBackend {
  info: ScenarioBackend;
  /** amplify_outputs.json the backend would write, when it is an Amplify backend. */
  outputs?: Record<string, unknown>;
}

export interface BackendSourceOptions {
  region: string;
  accountId: string;
  synthesize?: SynthesizeOptions;
}

/** Synthesizes (`backend`) or reads (`template`) the app at `ref`. Throws {@link BackendError}. */
export async function loadBackendSource(kind: 'backend' | 'template', ref: string, baseDir: string, options: BackendSourceOptions): Promise<LoadedBackend> {
  const abs = resolve(baseDir, ref);
  let assemblyDir = abs;
  let synthesis: ScenarioBackend['synthesis'];
  let from: string | undefined;
  if (kind === 'backend') {
    const synthesized = await synthesizeBackend(abs, options.synthesize);
    assemblyDir = synthesized.assemblyDir;
    from = synthesized.backendFile;
    synthesis = {
      cached: synthesized.cached, durationMs: synthesized.durationMs, backendFile: synthesized.backendFile, packages: synthesized.packages,
      amplifyDir: synthesized.amplifyDir, imports: synthesized.imports,
    };
  }
  let app: BackendApp;
  try {
    app = readBackendApp(readAssembly(assemblyDir, { region: options.region, accountId: options.accountId }));
  } catch (e) {
    if (e instanceof IntrinsicError) throw new BackendError('template-invalid', e.message);
    throw e;
  }
  const outputs = await backendOutputs(app, from ? { from } : {});
  const info: ScenarioBackend = { kind, source: abs, assemblyDir, app, ...(synthesis ? { synthesis } : {}), ...(outputs ? { outputsVia: outputs.via } : {}) };
  return { info, ...(outputs ? { outputs: outputs.outputs } : {}) };
}


/**
 * Fills in what the scenario file leaves to the backend: role ARNs, role policies, bucket
 * policies and CORS, guest access. `data` is the file as written, to tell explicit values from defaults.
 */
export function applyBackend(scenario: Scenario, data: Dict, loaded: LoadedBackend, report: (message: string) => void = () => {}): void {
  const { app } = loaded.info;
  const auth = dict(data['auth']) ?? {};
  const roles = dict(auth['roles']) ?? {};
  const groupRoles = dict(roles['groups']) ?? {};
  const explicitPolicies = dict(data['policies']) ?? {};
  const explicitGroupPolicies = dict(explicitPolicies['groups']) ?? {};
  const named = (role: BackendRole | undefined): NamedPolicy[] =>
    (role?.policies ?? []).map((p) => ({ source: p.source, document: p.document }));

  if (typeof auth['guestAccess'] !== 'boolean' && typeof data['outputs'] !== 'string') scenario.auth.guestAccess = app.guestAccess;
  if (typeof roles['guest'] !== 'string' && app.roles.guest) scenario.auth.roles.guest = app.roles.guest.arn;
  if (typeof roles['authenticated'] !== 'string' && app.roles.authenticated) scenario.auth.roles.authenticated = app.roles.authenticated.arn;
  const groupsByName = new Map(app.groups.map((g) => [g.name, g]));
  for (const group of scenario.auth.groups) {
    const role = groupsByName.get(group.name)?.role;
    if (typeof groupRoles[group.name] !== 'string' && role) scenario.auth.roles.groups[group.name] = role.arn;
  }

  const policies = scenario.policies ?? { guest: [], authenticated: [], groups: {} };
  if (!('guest' in explicitPolicies)) policies.guest = named(app.roles.guest);
  if (!('authenticated' in explicitPolicies)) policies.authenticated = named(app.roles.authenticated);
  for (const group of scenario.auth.groups) {
    if (!(group.name in explicitGroupPolicies)) policies.groups[group.name] = named(groupsByName.get(group.name)?.role);
  }
  scenario.policies = policies;

  const written = Array.isArray(data['buckets']) ? data['buckets'] as unknown[] : [];
  for (const [i, bucket] of scenario.buckets.entries()) {
    const fromApp = app.buckets.find((b) => b.bucketName === bucket.bucketName);
    if (!fromApp) continue;
    if (dict(written[i])?.['bucketPolicy'] === undefined && fromApp.bucketPolicy) {
      bucket.bucketPolicy = fromApp.bucketPolicy.document;
      bucket.bucketPolicySource = fromApp.bucketPolicy.source;
    }
    // The bucket's CORS as the backend configures it: its rules, or none at all when the backend
    // creates the bucket without a CorsConfiguration (S3 then refuses every browser request).
    // A bucket the backend only refers to keeps the scenario's default (the docs' rule, with a warning).
    if (dict(written[i])?.['cors'] === undefined && fromApp.source) {
      bucket.cors = fromApp.cors ? { CORSRules: fromApp.cors } : 'none';
      bucket.corsSource = fromApp.source;
      // Checked as S3 checks it (CloudFormation would have failed to create the bucket otherwise).
      for (const problem of bucket.cors === 'none' ? [] : validateCorsConfiguration(bucket.cors)) {
        report(`${fromApp.source}: CorsConfiguration ${problem.path.join('.')}: ${problem.message} (S3 would answer ${problem.code}); fix the bucket's cors in the backend, or write this bucket's \`cors:\` in the scenario`);
      }
    }
  }
  scenario.backend = loaded.info;
}

/** The outputs-file view of what the backend read, when it wrote no amplify outputs of its own (plain templates). */
export function outputsFromApp(app: BackendApp): Record<string, unknown> {
  return {
    version: '1',
    auth: {
      unauthenticated_identities_enabled: app.guestAccess,
      groups: app.groups.map((g) => ({ [g.name]: { precedence: g.precedence } })),
    },
  };
}

/**
 * What a change to re-runs a scenario read from a backend (`ase test --watch`): its amplify/
 * folder and the files backend.ts imports from outside it, or the template / cloud assembly.
 */
export function backendDependencies(scenario: Scenario): Dependency[] {
  const backend = scenario.backend;
  if (!backend) return [];
  if (backend.synthesis) {
    return [{ path: backend.synthesis.amplifyDir, folder: true }, ...backend.synthesis.imports.map((f) => ({ path: f, folder: false }))];
  }
  return pathDependency(backend.source);
}

/** The same for `--backend` / `--template` alone (a scenario file that did not load). */
export function appFlagDependencies(app: { backend?: string; template?: string }): Dependency[] {
  if (app.backend !== undefined) {
    try {
      return [{ path: locateBackend(app.backend).amplifyDir, folder: true }];
    } catch {
      // No backend there (yet): watch what was named, so the run starts when it appears.
      return pathDependency(app.backend);
    }
  }
  return app.template !== undefined ? pathDependency(app.template) : [];
}

function pathDependency(file: string): Dependency[] {
  try {
    return [{ path: file, folder: statSync(file).isDirectory() }];
  } catch {
    // Not there yet: its folder is watched, and its appearance counts as a change.
    return [{ path: file, folder: false }];
  }
}
