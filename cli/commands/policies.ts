import path from 'node:path';
import { buildRolePolicies, formatDecision } from '../../emulator/policy/index.js';
import { appConfigForScenario } from '../../harness/runner/app-config.js';
import { planScenario } from '../../harness/runner/run.js';
import { loadScenarioFiles } from '../../harness/scenario/load-many.js';
import { parseArgs } from 'node:util';
import { UsageError, withUsageErrors } from '../main.js';

/**
 * `ase policies <scenario>`: for each role, the IAM policies it carries (as the file gives them, or
 * as generated from `paths`), what MinIO enforces after compilation, and the decision log: every
 * decision the compiler made for the role, in order.
 */
export async function runPolicies(args: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() => parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } }));
  if (positionals.length !== 1) throw new UsageError('give exactly one scenario file: ase policies scenarios/owners.yaml');
  const loaded = await loadScenarioFiles([path.resolve(positionals[0]!)]);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    return 1;
  }
  const scenario = loaded.scenarios[0]!;
  const plan = planScenario({ ...scenario, cases: [] });
  const app = appConfigForScenario(scenario, plan.users, 'policies', { stableIdsSeed: scenario.name });
  const builds = buildRolePolicies({ accountId: app.accountId, roles: app.roles, buckets: app.buckets, identityPoolId: app.identityPool.id, guestAccess: app.identityPool.allowGuestAccess });
  const source = scenario.policies ? 'as given in the scenario' : 'generated from paths, as Amplify Gen2 does';
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
  for (const build of builds) {
    const label = build.kind === 'group' ? `group ${build.group}` : build.kind;
    out.push(`━━ ${label}: ${build.roleArn}`);
    out.push('IAM (what AWS evaluates):');
    const iam = rolePolicies(build.roleArn);
    out.push(iam.length ? iam.map((d) => JSON.stringify(d, null, 2)).join('\n') : '  (no policies: this role may do nothing)');
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
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
