import path from 'node:path';
import { stringify } from 'yaml';
import { ScenarioError } from './errors.js';
import type { LoadedScenarios } from './load-many.js';
import { loadScenarioText, type LoadOptions } from './load.js';

export interface BackendOnlyOptions extends Pick<LoadOptions, 'backend' | 'template' | 'generatePassword' | 'synthesize'> {
  /** The users to declare (`auth.users`): sign-in name, groups, and a password (else generated). Absent: none. */
  users?: Array<{ name: string; groups: string[]; password?: string }>;
}

/**
 * A scenario made of nothing but the app's backend (`ase policies --backend dir`, `ase up
 * --backend dir`): roles, policies, groups, buckets and CORS all read from it, the given users
 * declared, no cases. Issues come back without a location (there is no file to point at).
 */
export async function loadBackendOnly(options: BackendOnlyOptions): Promise<LoadedScenarios> {
  const ref = options.backend ?? options.template;
  if (ref === undefined) throw new Error('loadBackendOnly needs a backend or a template');
  const file = path.join(process.cwd(), `(--${options.backend !== undefined ? 'backend' : 'template'})`);
  const data = {
    version: 1,
    name: path.relative(process.cwd(), ref) || '.',
    ...(options.users?.length
      ? { auth: { users: Object.fromEntries(options.users.map((u) => [u.name, {
        ...(u.groups.length ? { groups: u.groups } : {}),
        ...(u.password !== undefined ? { password: u.password } : {}),
      }])) } }
      : {}),
    cases: [],
  };
  try {
    const scenario = await loadScenarioText(stringify(data), file, options);
    return { scenarios: [scenario], errors: [], rejectedFiles: 0 };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return { scenarios: [], errors: [e.issues.map((i) => i.message).join('\n')], rejectedFiles: 1 };
  }
}
