import path from 'node:path';
import { buildRolePolicies, formatDecision } from '../../emulator/policy/index.js';
import { appConfigForScenario } from '../../harness/runner/app-config.js';
import { planScenario } from '../../harness/runner/run.js';
import { loadScenarioFiles } from '../../harness/scenario/load-many.js';
import { loadBackendOnly } from '../../harness/scenario/load-backend-only.js';
import type { NamedPolicy, Scenario } from '../../harness/scenario/types.js';
import { parseArgs } from 'node:util';
import { UsageError, withUsageErrors } from '../main.js';

/**
 * `ase policies <scenario>`, `ase policies --backend <amplify/> [scenario]`, `--template <cdk.out>`:
 * for each role, the IAM policies it carries (as the file gives them, as generated from `paths`,
 * or as the backend attaches them, each with its stack/logical ID), what MinIO enforces after
 * compilation, and the decision log: every decision the compiler made for the role, in order.
 */
export async function runPolicies(args: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() => parseArgs({ args, allowPositionals: true, options: {
    json: { type: 'boolean' }, backend: { type: 'string' }, template: { type: 'string' },
  } }));
  const fromApp = values.backend ?? values.template;
  if (positionals.length > 1 || (positionals.length === 0 && fromApp === undefined)) {
    throw new UsageError('give one scenario file, or --backend <amplify/ folder>: ase policies scenarios/owners.yaml, ase policies --backend amplify/');
  }
  const appOptions = values.backend !== undefined ? { backend: path.resolve(values.backend) } : values.template !== undefined ? { template: path.resolve(values.template) } : {};
  const loaded = positionals.length === 1
    ? await loadScenarioFiles([path.resolve(positionals[0]!)], appOptions)
    : await loadBackendOnly(appOptions);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    return 1;
  }
  const scenario = loaded.scenarios[0]!;
  const plan = planScenario({ ...scenario, cases: [] });
  const app = appConfigForScenario(scenario, plan.users, 'policies', { stableIdsSeed: scenario.name });
  const builds = buildRolePolicies({ accountId: app.accountId, roles: app.roles, buckets: app.buckets, identityPoolId: app.identityPool.id, guestAccess: app.identityPool.allowGuestAccess });
  const source = scenario.backend
    ? `read from ${scenario.backend.kind} ${path.relative(process.cwd(), scenario.backend.source) || '.'}${scenario.backend.synthesis ? (scenario.backend.synthesis.cached ? ', synthesized (cached)' : `, synthesized in ${(scenario.backend.synthesis.durationMs / 1000).toFixed(1)} s`) : ''}`
    : scenario.policies ? 'as given in the scenario' : 'generated from paths, as Amplify Gen2 does';
  const rolePolicies = (arn: string) => {
    if (arn === app.roles.guest.arn) return app.roles.guest.policies;
    if (arn === app.roles.authenticated.arn) return app.roles.authenticated.policies;
    return Object.values(app.roles.groups).find((r) => r.arn === arn)?.policies ?? [];
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(builds.map((b) => ({ ...b, iam: rolePolicies(b.roleArn) })), null, 2)}\n`);
    return 0;
  }
  const out: string[] = [`Role policies for "${scenario.name}" (${source})`, ''];
  if (scenario.backend?.outputsVia) out.push(`amplify_outputs: as the backend would write them (${scenario.backend.outputsVia})`, '');
  for (const build of builds) {
    const label = build.kind === 'group' ? `group ${build.group}` : build.kind;
    out.push(`━━ ${label}: ${build.roleArn}`);
    out.push('IAM (what AWS evaluates):');
    const named = namedPolicies(scenario, build.kind, build.group);
    const iam = rolePolicies(build.roleArn);
    out.push(named
      ? (named.length ? named.map((p) => `# ${p.source}\n${JSON.stringify(p.document, null, 2)}`).join('\n') : '  (no policies: this role may do nothing)')
      : iam.length ? iam.map((d) => JSON.stringify(d, null, 2)).join('\n') : '  (no policies: this role may do nothing)');
    out.push('MinIO (what the emulator enforces):');
    out.push(JSON.stringify(build.minioPolicy, null, 2));
    if (build.sessionPolicy) {
      out.push('Session policy (cross-account bucket policy, intersected by MinIO):');
      out.push(JSON.stringify(build.sessionPolicy, null, 2));
    }
    out.push(build.decisions.length
      ? `Decisions:\n${build.decisions.map((d) => `  - ${formatDecision(d)}`).join('\n')}`
      : 'Decisions: none (compiled as written)');
    out.push('');
  }
  for (const bucket of scenario.buckets) {
    if (!bucket.bucketPolicy && bucket.cors === undefined) continue;
    out.push(`━━ bucket ${bucket.name}: ${bucket.bucketName}`);
    if (bucket.bucketPolicy) out.push(`Bucket policy${bucket.bucketPolicySource ? ` (${bucket.bucketPolicySource})` : ''}:`, JSON.stringify(bucket.bucketPolicy, null, 2));
    if (bucket.cors !== undefined) {
      const from = bucket.corsSource ? ` (${bucket.corsSource})` : ' (as the scenario gives it)';
      out.push(bucket.cors === 'none' ? `CORS${from}: none, so S3 refuses every browser request` : `CORS rules${from}:`);
      if (bucket.cors !== 'none') out.push(JSON.stringify(bucket.cors, null, 2));
    }
    out.push('');
  }
  if (scenario.backend?.app.warnings.length) out.push('Read from the backend with warnings:', ...scenario.backend.app.warnings.map((w) => `  - ${w}`), '');
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** The policies with their sources, when the scenario names them (given, or read from a backend). */
function namedPolicies(scenario: Scenario, kind: 'guest' | 'authenticated' | 'group', group?: string): NamedPolicy[] | undefined {
  if (!scenario.policies) return undefined;
  if (kind === 'group') return scenario.policies.groups[group!] ?? [];
  return scenario.policies[kind];
}
