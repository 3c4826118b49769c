import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadStackConfigFile, looksLikeStackConfig } from '../../emulator/config-file.js';
import { Stack, type StackOptions } from '../../emulator/stack.js';
import { installNodeTransport } from '../../emulator/transport/node.js';
import { planScenario } from '../../harness/runner/run.js';
import { ScenarioSession } from '../../harness/runner/run-scenario.js';
import { loadScenarioFiles } from '../../harness/scenario/load-many.js';
import { seededPasswords } from '../../harness/scenario/password.js';
import { parseArgs } from 'node:util';
import { UsageError, withUsageErrors } from '../main.js';
import { progressToStderr } from './progress.js';
import type { AdminEndpoint } from '../../emulator/admin-client.js';
import { DEFAULT_STATE_DIR, ensureStateDir, writeSecretFile } from '../state-dir.js';

/**
 * `ase up <scenario.yaml | stack.json>`: the stack in the foreground for local development, from
 * a scenario file (auth, users, buckets, policies, objects; pool and client IDs derived from its
 * name, so the written amplify_outputs.json stays valid across restarts) or from a declarative
 * stack config (JSON of emulator/config.ts's AppConfig, with its own IDs and passwords).
 */
export async function runUp(args: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() => parseArgs({ args, allowPositionals: true, options: {
    port: { type: 'string' },
    host: { type: 'string' },
    outputs: { type: 'string' },
    'minio-endpoint': { type: 'string' },
    'advertise-url': { type: 'string' },
    'state-dir': { type: 'string' },
    backend: { type: 'string' },
    template: { type: 'string' },
    'data-dir': { type: 'string' },
  } }));
  if (positionals.length !== 1) throw new UsageError('give exactly one scenario or stack config file: ase up scenarios/owners.yaml');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not '${values.port}'`);

  const file = path.resolve(positionals[0]!);
  const isStackConfig = file.endsWith('.json') && looksLikeStackConfig(JSON.parse(await readFile(file, 'utf8').catch(() => 'null')));
  // Generated passwords depend on the file, so they stay the same across restarts, like the IDs.
  const loaded = isStackConfig ? undefined : await loadScenarioFiles([file], {
    generatePassword: seededPasswords(file),
    // --backend / --template: roles, policies and buckets from the app's backend, unless the file names its own.
    ...(values.backend !== undefined ? { backend: path.resolve(values.backend) } : {}),
    ...(values.template !== undefined ? { template: path.resolve(values.template) } : {}),
  });
  if (loaded && loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    return 1;
  }
  const config = isStackConfig ? await loadStackConfigFile(file) : undefined;
  const stack = await Stack.start({
    host: values.host ?? '127.0.0.1', port, onProgress: progressToStderr,
    ...externalMinio(values['minio-endpoint'], values['advertise-url']),
    ...(values['data-dir'] !== undefined ? { dataDir: path.resolve(values['data-dir']) } : {}),
  });
  let credentialsFile: string;
  try {
    credentialsFile = await writeAdminCredentials(stack, values['state-dir'] ?? DEFAULT_STATE_DIR);
  } catch (e) {
    await stack.close();
    throw e;
  }
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
    const outputsFile = path.resolve(values.outputs ?? 'amplify_outputs.emulator.json');
    if (config) {
      // A stack config names its own pool and client IDs and passwords: load it as written.
      const app = await stack.load(config);
      await writeFile(outputsFile, `${JSON.stringify(app.outputs, null, 2)}\n`);
      const users = config.userPool.users.map((u) => ({ name: u.username, password: u.password, groups: u.groups ?? [] }));
      process.stdout.write(describeUp(stack, config.id, outputsFile, credentialsFile, users, app.warnings));
    } else {
      const scenario = loaded!.scenarios[0]!;
      const plan = planScenario({ ...scenario, cases: [] });
      const session = new ScenarioSession(plan, stack, 'up', { stableIdsSeed: `${scenario.name}|${scenario.file}` });
      await session.setup();
      await writeFile(outputsFile, `${JSON.stringify(session.outputs, null, 2)}\n`);
      process.stdout.write(describeUp(stack, scenario.name, outputsFile, credentialsFile, plan.users.map((u) => ({ name: u.name, password: u.password, groups: u.groups })), session.warnings));
    }
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

/** `--minio-endpoint` (with MinIO's root credentials from the environment, never from argv) and `--advertise-url`. */
function externalMinio(endpoint: string | undefined, advertisedUrl: string | undefined): Pick<StackOptions, 'minio' | 'advertisedUrl'> {
  if (advertisedUrl !== undefined && !/^https?:\/\/[^/]+\/?$/.test(advertisedUrl)) {
    throw new UsageError(`--advertise-url takes the emulator's origin as MinIO reaches it, like http://emulator:4566, not '${advertisedUrl}'`);
  }
  if (endpoint === undefined) {
    if (advertisedUrl !== undefined) throw new UsageError('--advertise-url goes with --minio-endpoint (a MinIO the emulator starts reaches it over loopback)');
    return {};
  }
  const rootUser = process.env.MINIO_ROOT_USER;
  const rootPassword = process.env.MINIO_ROOT_PASSWORD;
  if (!rootUser || !rootPassword) {
    throw new UsageError(`--minio-endpoint ${endpoint}: set MINIO_ROOT_USER and MINIO_ROOT_PASSWORD to that MinIO's root credentials`);
  }
  return { minio: { endpoint, rootUser, rootPassword }, ...(advertisedUrl ? { advertisedUrl } : {}) };
}

/** The admin API's credentials, for scripts: `{ emulatorUrl, adminCredentials }` in a 0600 file. */
async function writeAdminCredentials(stack: Stack, stateDir: string): Promise<string> {
  const file = path.join(await ensureStateDir(stateDir), ADMIN_CREDENTIALS_FILE);
  const endpoint: AdminEndpoint = { emulatorUrl: stack.endpoints.emulator, adminCredentials: stack.adminCredentials };
  await writeSecretFile(file, `${JSON.stringify(endpoint, null, 2)}\n`);
  return file;
}

/** Inside the state dir: what `userPoolAdminClient(JSON.parse(file))` takes. */
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';

function describeUp(
  stack: Stack,
  name: string,
  outputsFile: string,
  credentialsFile: string,
  users: Array<{ name: string; password: string; groups: string[] }>,
  warnings: string[],
): string {
  const lines = [
    `amplify-storage-emulator is up: ${name}`,
    '',
    `  Cognito user pools, identity pools, STS   ${stack.endpoints.emulator}`,
    `  S3 (MinIO, enforcing the role policies)   ${stack.endpoints.s3}`,
    `  amplify_outputs.json for your app         ${path.relative(process.cwd(), outputsFile) || outputsFile}`,
    ...(stack.state ? [`  State kept across restarts in             ${stack.state.dir}`] : []),
    '',
    '  Admin API (Admin*, ListUsers, CreateGroup) needs SigV4 with the stack\'s own credentials:',
    `    AWS_ACCESS_KEY_ID=${stack.adminCredentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${stack.adminCredentials.secretAccessKey}`,
    `    (also in ${path.relative(process.cwd(), credentialsFile) || credentialsFile}, mode 0600; new ones every start)`,
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
