import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Stack } from '../../emulator/stack.js';
import { installNodeTransport } from '../../emulator/transport/node.js';
import { planScenario } from '../../harness/runner/run.js';
import { ScenarioSession } from '../../harness/runner/run-scenario.js';
import { loadScenarioFiles } from '../../harness/scenario/load-many.js';
import { parseArgs } from 'node:util';
import { UsageError, withUsageErrors } from '../main.js';
import { progressToStderr } from './progress.js';

/**
 * `ase up <scenario>`: the stack in the foreground for local development. The scenario file is
 * the stack config (auth, users, buckets, policies, objects); pool and client IDs are derived from
 * its name, so the written amplify_outputs.json stays valid across restarts.
 */
export async function runUp(args: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() => parseArgs({ args, allowPositionals: true, options: {
    port: { type: 'string' },
    host: { type: 'string' },
    outputs: { type: 'string' },
  } }));
  if (positionals.length !== 1) throw new UsageError('give exactly one scenario file: ase up scenarios/owners.yaml');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not '${values.port}'`);

  const loaded = await loadScenarioFiles([path.resolve(positionals[0]!)]);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    return 1;
  }
  const scenario = loaded.scenarios[0]!;
  const stack = await Stack.start({ host: values.host ?? '127.0.0.1', port, onProgress: progressToStderr });
  const transport = installNodeTransport(stack.transportTargets);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nStopping…\n');
    await transport.restore().catch(() => undefined);
    await stack.close();
  };
  try {
    const plan = planScenario({ ...scenario, cases: [] });
    const session = new ScenarioSession(plan, stack, 'up', { stableIdsSeed: `${scenario.name}|${scenario.file}` });
    await session.setup();
    const outputsFile = path.resolve(values.outputs ?? 'amplify_outputs.emulator.json');
    await writeFile(outputsFile, `${JSON.stringify(session.outputs, null, 2)}\n`);
    process.stdout.write(describeUp(stack, scenario.name, outputsFile, plan.users.map((u) => ({ name: u.name, password: u.password, groups: u.groups })), session.warnings));
  } catch (e) {
    await stop();
    throw e;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  return 0;
}

function describeUp(
  stack: Stack,
  name: string,
  outputsFile: string,
  users: Array<{ name: string; password: string; groups: string[] }>,
  warnings: string[],
): string {
  const lines = [
    `amplify-storage-emulator is up: ${name}`,
    '',
    `  Cognito user pools, identity pools, STS   ${stack.emulatorUrl}`,
    `  S3 (MinIO, enforcing the role policies)   ${stack.minio.endpoint}`,
    `  amplify_outputs.json for your app         ${path.relative(process.cwd(), outputsFile) || outputsFile}`,
    '',
    '  Users (sign in with these):',
    ...users.map((u) => `    ${u.name.padEnd(16)} password ${u.password}${u.groups.length ? `   groups: ${u.groups.join(', ')}` : ''}`),
    ...(users.length === 0 ? ['    (none: the scenario declares no users)'] : []),
    '',
    '  From Node (tests, scripts), route the unchanged AWS host names to the stack:',
    "    import { installNodeTransport } from 'amplify-storage-emulator';",
    `    installNodeTransport({ emulatorPort: ${stack.emulatorPort}, s3Port: ${stack.minio.port} });`,
    '',
    ...(warnings.length ? ['  Policy compiler warnings:', ...warnings.map((w) => `    - ${w}`), ''] : []),
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}
