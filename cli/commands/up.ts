import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../../emulator/config.js';
import { jsonProblem, loadStackConfigFile, looksLikeStackConfig, StackConfigError } from '../../emulator/config-file.js';
import { readUserTextFile, UserFileError } from '../../emulator/user-file.js';
import { Stack, type StackOptions } from '../../emulator/stack.js';
import { installNodeTransport } from '../../emulator/transport/node.js';
import { planScenario } from '../../harness/runner/run.js';
import { ScenarioSession } from '../../harness/runner/run-scenario.js';
import { loadScenarioFiles } from '../../harness/scenario/load-many.js';
import { loadBackendOnly } from '../../harness/scenario/load-backend-only.js';
import { appConfigFromOutputs } from '../../harness/runner/app-from-outputs.js';
import type { AdminEndpoint } from '../../emulator/admin-client.js';
import { DEFAULT_STATE_DIR, ensureStateDir, writeSecretFile } from '../state-dir.js';
import { ConfirmationCodes, KeptPasswords, writeEndpoints } from './up-state.js';
import { parseArgs } from 'node:util';
import { DEFAULT_EMULATOR_PORT, DEFAULT_S3_PORT } from '../defaults.js';
import { EXIT } from '../exit-codes.js';
import { watchInterrupts } from '../interrupts.js';
import { UsageError, withUsageErrors } from '../main.js';
import { describeStackFailure } from '../stack-failure.js';
import { countProgress, progressToStderr } from './progress.js';
import { chromiumCommandLine, openChromium, shellQuote, writeFrontDoorTrust } from './up-browser.js';


/**
 * `ase up`: the stack in the foreground for local development, from
 * - the app's own amplify_outputs.json (`--outputs` alone): its pools, app client, identity pool,
 *   region, username attributes, password policy, groups and buckets, served with the file's own
 *   IDs so the app runs unchanged; users from `--user` (or the app's own sign-up);
 * - a scenario file (auth, users, buckets, policies, objects; pool and client IDs derived from its
 *   name, so the written amplify_outputs.json stays valid across restarts);
 * - the app's backend alone (`--backend amplify/` or `--template cdk.out`, no scenario file): roles,
 *   policies, groups, buckets and CORS as the backend deploys them; users from `--user`, else one
 *   plain user (`user`) and one per group (`user-<group>`), with kept passwords;
 * - a declarative stack config (JSON of emulator/config.ts's AppConfig, with its own IDs and passwords).
 * Generated passwords are random and kept in the state folder (cli/state-dir.ts) with
 * endpoints.json and the sign-up confirmation codes.
 */
export async function runUp(args: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() => parseArgs({ args, allowPositionals: true, options: {
    browser: { type: 'boolean' },
    open: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    outputs: { type: 'string' },
    user: { type: 'string', multiple: true },
    'state-dir': { type: 'string' },
    'minio-endpoint': { type: 'string' },
    'advertise-url': { type: 'string' },
    backend: { type: 'string' },
    template: { type: 'string' },
    'data-dir': { type: 'string' },
    'front-door-port': { type: 'string' },
    'front-door-host': { type: 'string' },
  } }));
  const fromBackend = positionals.length === 0 && (values.backend !== undefined || values.template !== undefined);
  if (positionals.length > 1 || (positionals.length === 0 && values.outputs === undefined && !fromBackend)) {
    throw new UsageError('give one scenario or stack config file (ase up scenarios/owners.yaml), your app\'s backend (ase up --backend amplify/), or your app\'s own outputs file (ase up --outputs ./amplify_outputs.json)');
  }
  if (values.backend !== undefined && values.template !== undefined) throw new UsageError('give --backend (the amplify/ folder) or --template (a cdk.out folder or template), not both');
  const servesOutputs = positionals.length === 0 && !fromBackend;
  if (positionals.length > 0 && values.user?.length) throw new UsageError('--user goes with --outputs or --backend alone; a scenario or stack config declares its own users');
  // Stable ports by default, so an app's endpoints stay the same across restarts; the next free
  // ones when they are taken (a second `ase up`). An explicit --port is used as given or fails.
  const port = values.port === undefined ? DEFAULT_EMULATOR_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not '${values.port}'`);
  const ports = { port, s3Port: port === 0 ? 0 : values.port === undefined ? DEFAULT_S3_PORT : Math.min(port + 1, 65535), portFallback: values.port === undefined };

  const outputsFile = path.resolve(values.outputs ?? 'amplify_outputs.emulator.json');
  const stateDir = await ensureStateDir(values['state-dir'] ?? DEFAULT_STATE_DIR);
  const passwords = await KeptPasswords.load(stateDir);
  let config: AppConfig | undefined;
  let loaded: Awaited<ReturnType<typeof loadScenarioFiles>> | undefined;
  if (servesOutputs) {
    config = appConfigFromOutputs(await readOutputsFile(outputsFile), outputsFile, {
      users: (values.user ?? []).map(parseUserFlag).map((u) => ({ ...u, password: passwords.forUser(`outputs:${outputsFile}`, u.username) })),
    });
  } else if (fromBackend) {
    // Everything from the app's backend; the users from --user, else one plain user and one per group.
    const ref = path.resolve((values.backend ?? values.template)!);
    const source = `${values.backend !== undefined ? 'backend' : 'template'}:${ref}`;
    const given = values.user?.map(parseUserFlag);
    const app = { ...(values.backend !== undefined ? { backend: ref } : { template: ref }) };
    if (!given) {
      // The groups are the backend's: read it once without users to name one user after each.
      const bare = await loadBackendOnly(app);
      if (bare.errors.length > 0) {
        for (const error of bare.errors) process.stderr.write(`ase up: ${error}\n`);
        return EXIT.failed;
      }
      loaded = bare;
    }
    const users = given?.map((u) => ({ name: u.username, groups: u.groups }))
      ?? [{ name: 'user', groups: [] }, ...loaded!.scenarios[0]!.auth.groups.map((g) => ({ name: `user-${g.name}`, groups: [g.name] }))];
    loaded = await loadBackendOnly({ ...app, users: users.map((u) => ({ ...u, password: passwords.forUser(source, u.name) })) });
    if (loaded.errors.length > 0) {
      for (const error of loaded.errors) process.stderr.write(`ase up: ${error}\n`);
      return EXIT.failed;
    }
  } else {
    const file = path.resolve(positionals[0]!);
    const isStackConfig = file.endsWith('.json') && await isStackConfigFile(file);
    if (isStackConfig) config = await loadStackConfigFile(file);
    else {
      loaded = await loadScenarioFiles([file], {
        generatePassword: passwords.sequence(`scenario:${file}`),
        // --backend / --template: roles, policies and buckets from the app's backend, unless the file names its own.
        ...(values.backend !== undefined ? { backend: path.resolve(values.backend) } : {}),
        ...(values.template !== undefined ? { template: path.resolve(values.template) } : {}),
      });
      if (loaded.errors.length > 0) {
        for (const error of loaded.errors) process.stderr.write(`${error}\n`);
        return EXIT.failed;
      }
    }
  }
  // Ctrl-C (or SIGTERM) is how `ase up` is stopped: from here on, at any point, it stops MinIO
  // before exiting. A second one exits at once (the watchdog still stops MinIO).
  const interrupts = watchInterrupts();
  let stack: Stack;
  try {
    stack = await Stack.start({
      host: values.host ?? '127.0.0.1', ...ports, onProgress: progressToStderr,
      ...externalMinio(values['minio-endpoint'], values['advertise-url']),
      ...(values['data-dir'] !== undefined ? { dataDir: path.resolve(values['data-dir']) } : {}),
      ...(values['front-door-port'] !== undefined ? { frontDoorPort: portFlag('--front-door-port', values['front-door-port']) } : {}),
      ...(values['front-door-host'] !== undefined ? { frontDoorHost: values['front-door-host'] } : {}),
    });
  } catch (e) {
    interrupts.dispose();
    throw e;
  }
  let credentialsFile: string;
  try {
    credentialsFile = await writeAdminCredentials(stack, stateDir);
  } catch (e) {
    await stack.close();
    interrupts.dispose();
    throw e;
  }
  const transport = installNodeTransport(stack.transportTargets);
  const codes = await ConfirmationCodes.load(stateDir);
  const stopCodes = stack.userPools.onConfirmationCode((issued) => {
    // Written first, then printed: whoever reads the line finds the file up to date.
    void codes.add({ userPoolId: issued.userPoolId, username: issued.signInName, code: issued.code, expiresAt: issued.expiresAt.toISOString() })
      .then(() => process.stdout.write(`sign-up: confirmation code for ${issued.signInName} is ${issued.code} (also in ${path.relative(process.cwd(), codes.file) || codes.file})\n`));
  });
  let endpoints: Awaited<ReturnType<typeof writeEndpoints>> | undefined;
  let opened: ReturnType<typeof openChromium> | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nStopping…\n');
    stopCodes();
    opened?.stop();
    await endpoints?.remove().catch(() => undefined);
    await transport.restore().catch(() => undefined);
    await stack.close();
    interrupts.dispose();
  };
  try {
    let region: string;
    if (config && servesOutputs) {
      // The app's own file: served as it is, never rewritten.
      const app = await stack.load(config);
      region = config.region;
      const users = config.userPool.users.map((u) => ({ name: u.username, password: u.password, groups: u.groups ?? [] }));
      process.stdout.write(describeUp(stack, `${path.basename(outputsFile)} (the app's own)`, outputsFile, credentialsFile, users, app.warnings, 'unchanged'));
    } else if (config) {
      // A stack config names its own pool and client IDs and passwords: load it as written.
      await mkdir(path.dirname(outputsFile), { recursive: true });
      const app = await stack.load(config);
      region = config.region;
      await writeFile(outputsFile, `${JSON.stringify(app.outputs, null, 2)}\n`);
      const users = config.userPool.users.map((u) => ({ name: u.username, password: u.password, groups: u.groups ?? [] }));
      process.stdout.write(describeUp(stack, config.id, outputsFile, credentialsFile, users, app.warnings, 'written'));
    } else {
      await mkdir(path.dirname(outputsFile), { recursive: true });
      const scenario = loaded!.scenarios[0]!;
      region = scenario.region;
      const plan = planScenario({ ...scenario, cases: [] });
      const total = plan.users.length;
      // Signing many users in takes a while (SRP is CPU work): count them rather than sit silent.
      const progress = total >= SIGN_IN_PROGRESS_FROM ? countProgress('signing users in', total) : undefined;
      const { signInHere } = await import('../../harness/runner/sign-in.js');
      const session = new ScenarioSession(plan, stack, 'up', {
        stableIdsSeed: `${scenario.name}|${scenario.file}`,
        ...(progress ? { signIn: async (outputs, user) => { const s = await signInHere(outputs, user); progress.step(); return s; } } : {}),
      });
      try {
        await session.setup();
      } finally {
        progress?.end();
      }
      await writeFile(outputsFile, `${JSON.stringify(session.outputs, null, 2)}\n`);
      process.stdout.write(describeUp(stack, scenario.name, outputsFile, credentialsFile, plan.users.map((u) => ({ name: u.signInName ?? u.name, password: u.password, groups: u.groups })), session.warnings, 'written'));
    }
    await passwords.save();
    endpoints = await writeEndpoints(stateDir, {
      emulator: stack.endpoints.emulator, s3: stack.endpoints.s3, emulatorPort: stack.emulatorPort, s3Port: stack.minio.port,
      region, outputs: outputsFile, pid: process.pid, startedAt: new Date().toISOString(),
    });
    if (ports.portFallback && (stack.emulatorPort !== ports.port || stack.minio.port !== ports.s3Port)) {
      process.stdout.write(`Ports ${ports.port}/${ports.s3Port} were taken (another ase up?); using ${stack.emulatorPort}/${stack.minio.port}. endpoints.json always has the ports in use.\n`);
    }
    await writeFrontDoorTrust(stateDir, stack.frontDoor);
    if (values.browser || values.open !== undefined) {
      process.stdout.write(`\n${describeBrowser(stack, values.open)}`);
      if (values.open !== undefined) {
        opened = openChromium(stack.frontDoor, values.open);
        opened.child.once('error', (e) => process.stderr.write(`ase up: could not start Chromium (${e.message}); run the command above yourself\n`));
      }
    }
    process.stdout.write(`State (endpoints.json, passwords, sign-up codes): ${path.relative(process.cwd(), stateDir) || stateDir}\nPress Ctrl-C to stop.\n`);
  } catch (e) {
    await stop();
    throw e;
  }
  // Until Ctrl-C, or until MinIO dies: then the apps' S3 calls would fail one by one with network
  // errors, so say what happened and exit (3) rather than stay "up". It is not restarted: the
  // objects it held are gone with its temp dir, and a silent restart would hide that.
  const ended = await Promise.race([
    interrupts.received.then(() => undefined),
    stack.failure,
  ]);
  if (ended) {
    process.stderr.write(describeStackFailure(ended, 'up'));
    process.stderr.write('ase up: stopped. Start it again to get a fresh stack (the objects MinIO held are gone).\n');
    await stop();
    return EXIT.infrastructure;
  }
  await stop();
  return EXIT.ok;
}

const SIGN_IN_PROGRESS_FROM = 10;

function portFlag(flag: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag} takes a port number, not '${value}'`);
  return port;
}

/** `--user alice@example.com` or `--user alice@example.com:admin,editors` (groups after the last colon). */
function parseUserFlag(flag: string): { username: string; groups: string[] } {
  const at = flag.lastIndexOf(':');
  const [username, groups] = at > 0 && !/^\+?\d+$/.test(flag.slice(at + 1)) ? [flag.slice(0, at), flag.slice(at + 1)] : [flag, ''];
  if (!username) throw new UsageError(`--user takes a sign-in name (an email if the app signs in with email), not '${flag}'`);
  return { username, groups: groups.split(',').map((g) => g.trim()).filter(Boolean) };
}

/** The app's amplify_outputs.json, read as a hostile file (regular, bounded, text) and parsed. */
async function readOutputsFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readUserTextFile(file, { kind: 'amplify_outputs.json' });
  } catch (e) {
    if (e instanceof UserFileError) throw new StackConfigError(e.message);
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StackConfigError(`${file} is not valid JSON: ${jsonProblem(e, text)}; give the amplify_outputs.json that \`ampx\` writes`);
  }
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

/** A .json file is a stack config when it says so, or when it is not even JSON (its loader says why, in one line). */
async function isStackConfigFile(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readUserTextFile(file, { kind: 'stack config' });
  } catch (e) {
    if (e instanceof UserFileError) throw new StackConfigError(e.message);
    throw e;
  }
  try {
    return looksLikeStackConfig(JSON.parse(text));
  } catch {
    return true;
  }
}

/** The admin API's credentials, for scripts: `{ emulatorUrl, adminCredentials }` in a 0600 file. */
async function writeAdminCredentials(stack: Stack, stateDir: string): Promise<string> {
  const file = path.join(stateDir, ADMIN_CREDENTIALS_FILE);
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
  outputsState: 'written' | 'unchanged',
): string {
  const lines = [
    `amplify-storage-emulator is up: ${name}`,
    '',
    `  Cognito user pools, identity pools, STS   ${stack.endpoints.emulator}`,
    `  S3 (MinIO, enforcing the role policies)   ${stack.endpoints.s3}`,
    `  amplify_outputs.json for your app         ${path.relative(process.cwd(), outputsFile) || outputsFile}${outputsState === 'unchanged' ? ' (yours, unchanged)' : ''}`,
    ...(stack.state ? [`  State kept across restarts in             ${stack.state.dir}`] : []),
    '',
    '  Admin API (Admin*, ListUsers, CreateGroup) needs SigV4 with the stack\'s own credentials:',
    `    AWS_ACCESS_KEY_ID=${stack.adminCredentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${stack.adminCredentials.secretAccessKey}`,
    `    (also in ${path.relative(process.cwd(), credentialsFile) || credentialsFile}, mode 0600; new ones every start)`,
    '',
    '  Users (sign in with these):',
    ...users.map((u) => `    ${u.name.padEnd(16)} password ${u.password}${u.groups.length ? `   groups: ${u.groups.join(', ')}` : ''}`),
    ...(users.length === 0 ? [outputsState === 'unchanged' ? '    (none yet: sign up from the app, or start with --user <sign-in name>)' : '    (none: the scenario declares no users)'] : []),
    '',
    '  From Node (tests, scripts), route the unchanged AWS host names to the stack:',
    "    import { installNodeTransport } from 'amplify-storage-emulator';",
    `    installNodeTransport({ emulatorPort: ${stack.emulatorPort}, s3Port: ${stack.minio.port} });`,
    '',
    ...(warnings.length ? ['  Policy compiler warnings:', ...warnings.map((w) => `    - ${w}`), ''] : []),
  ];
  return lines.join('\n');
}

/** `--browser`: how a web app reaches the stack with its amplify_outputs.json unchanged. */
function describeBrowser(stack: Stack, url: string | undefined): string {
  const argv = chromiumCommandLine(stack.frontDoor, { profileDir: '/tmp/ase-chromium-profile', url: url ?? 'http://localhost:5173' });
  return [
    `  TLS front door (the AWS host names, for browsers)   https://${stack.frontDoor.address}`,
    `    certificate: self-signed, ${stack.state ? 'kept in the data dir' : 'made at start'}; SPKI sha256 ${stack.frontDoor.certificate.spkiSha256}`,
    '',
    '  Open your web app in this Chromium: it sends *.amazonaws.com to the front door and trusts its',
    '  certificate (only in that profile), so the app, unchanged, signs in and uses S3 on this stack:',
    `    ${shellQuote(argv)}`,
    '',
  ].join('\n');
}
