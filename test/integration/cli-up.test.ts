/**
 * `ase up` as a developer uses it: start it on a scenario or a stack config, read the endpoints it
 * prints, use the written amplify_outputs.json from another program with the real client, press Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetchAuthSession } from 'aws-amplify/auth';
import { list, uploadData } from 'aws-amplify/storage';
import { expect, it } from 'vitest';
import { userPoolAdminClient, type AdminEndpoint } from '../../emulator/admin-client.js';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { installNodeTransport } from '../../emulator/transport/node.js';
import { Actor } from '../../harness/runner/actor.js';
import { assertBuilt, CLI, fixture } from '../helpers/cli.js';
import { minioLeftUnder } from '../helpers/processes.js';

interface RunningUp {
  /** Everything `ase up` printed once it said it was ready. */
  stdout: string;
  /** The state dir it was given (`--state-dir`). */
  stateDir: string;
  outputs: AmplifyOutputs;
  /** Runs `use` with the AWS host names routed to this stack, as the printed snippet says. */
  withTransport(use: () => Promise<void>): Promise<void>;
  /** Ctrl-C; resolves with the exit code, stderr and the MinIO processes left behind. */
  interrupt(): Promise<{ code: number | null; stderr: string; minioLeft: unknown[] }>;
}

/** Starts `ase up <file>` in its own TMPDIR, waits for it to be ready, and always cleans up after `body`. */
async function withUp(file: string, body: (up: RunningUp) => Promise<void>): Promise<void> {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-up-'));
  const outputsFile = path.join(dir, 'amplify_outputs.json');
  const child = spawn(process.execPath, [CLI, 'up', file, '--outputs', outputsFile, '--state-dir', path.join(dir, '.ase')], {
    env: { ...process.env, NO_COLOR: '1', TMPDIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    // A stack start takes 3 s alone and 20 s on a machine running six other suites.
    await expect.poll(() => stdout, { timeout: 120_000, interval: 100 }).toContain('Press Ctrl-C to stop.');
    const ports = /emulatorPort: (\d+), s3Port: (\d+)/.exec(stdout);
    expect(ports, stdout).not.toBeNull();
    await body({
      stdout,
      stateDir: path.join(dir, '.ase'),
      outputs: JSON.parse(readFileSync(outputsFile, 'utf8')) as AmplifyOutputs,
      async withTransport(use) {
        const transport = installNodeTransport({ emulatorPort: Number(ports![1]), s3Port: Number(ports![2]) });
        try {
          await use();
        } finally {
          await transport.restore();
        }
      },
      async interrupt() {
        child.kill('SIGINT');
        const code = await exited;
        return { code, stderr, minioLeft: await minioLeftUnder(dir) };
      },
    });
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

it('starts the stack, writes a working amplify_outputs.json, and stops cleanly on Ctrl-C', async () => {
  await withUp(fixture('harness/up.yaml'), async (up) => {
    const password = /alice\s+password (\S+)/.exec(up.stdout)?.[1];
    expect(password).toBeDefined();
    await up.withTransport(async () => {
      const alice = new Actor('alice', Actor.configFrom(up.outputs), { username: 'alice', password: password! });
      await alice.ensureSignedIn();
      const { identityId } = await fetchAuthSession(alice.context);
      await uploadData(alice.context, { path: `protected/${identityId}/note.txt`, data: 'from the app' }).result;
      const listed = await list(alice.context, { path: `protected/${identityId}/` });
      expect(listed.items.map((i) => i.path)).toEqual([`protected/${identityId}/note.txt`]);
      const guest = new Actor('guest', Actor.configFrom(up.outputs));
      const denied = await uploadData(guest.context, { path: 'protected/x/y.txt', data: 'no' }).result.catch((e: Error) => e.name);
      expect(denied).toBe('AccessDenied');
    });
    const stopped = await up.interrupt();
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain('Stopping');
    expect(stopped.minioLeft).toEqual([]);
  });
});

it('starts from a declarative stack config (JSON) with its own IDs and passwords', async () => {
  await withUp(fixture('harness/up-stack.json'), async (up) => {
    expect(up.stdout).toContain('erin             password Erin-Passw0rd!   groups: editors');
    expect(up.outputs.auth).toMatchObject({ user_pool_id: 'eu-west-1_UpStack01', user_pool_client_id: 'upstackclient000000000000001', aws_region: 'eu-west-1' });
    await up.withTransport(async () => {
      const erin = new Actor('erin', Actor.configFrom(up.outputs), { username: 'erin', password: 'Erin-Passw0rd!' });
      await erin.ensureSignedIn();
      await uploadData(erin.context, { path: 'drafts/post.md', data: 'draft' }).result;
      const denied = await uploadData(erin.context, { path: 'public/post.md', data: 'no' }).result.catch((e: Error) => e.name);
      expect(denied).toBe('AccessDenied');
    });
    const stopped = await up.interrupt();
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.minioLeft).toEqual([]);
  });
});

it('prints the admin credentials, writes them 0600, and only they sign admin calls', async () => {
  await withUp(fixture('harness/up-stack.json'), async (up) => {
    const printed = /AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16}) AWS_SECRET_ACCESS_KEY=(\S{40})/.exec(up.stdout);
    expect(printed, up.stdout).not.toBeNull();
    const file = path.join(up.stateDir, 'admin-credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(up.stateDir).mode & 0o777).toBe(0o700);
    const endpoint = JSON.parse(readFileSync(file, 'utf8')) as AdminEndpoint;
    expect(endpoint.adminCredentials).toEqual({ accessKeyId: printed![1], secretAccessKey: printed![2] });
    const admin = userPoolAdminClient(endpoint, { region: 'eu-west-1' });
    const intruder = new CognitoIdentityProviderClient({
      region: 'eu-west-1', endpoint: endpoint.emulatorUrl, maxAttempts: 1, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'junk' },
    });
    try {
      const listed = await admin.send(new ListUsersCommand({ UserPoolId: 'eu-west-1_UpStack01' }));
      expect(listed.Users?.map((u) => u.Username)).toContain('erin');
      const refused = await intruder.send(new ListUsersCommand({ UserPoolId: 'eu-west-1_UpStack01' })).catch((e: Error) => e.name);
      expect(refused).toBe('UnrecognizedClientException');
    } finally {
      admin.destroy();
      intruder.destroy();
    }
    expect((await up.interrupt()).code).toBe(0);
  });
});

it('refuses a stack config it cannot use, naming each field to fix, without starting anything', async () => {
  const result = spawnSync(process.execPath, [CLI, 'up', fixture('harness/up-stack-bad.json')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('is not a usable stack config');
  expect(result.stderr).toContain('`id` must be a short id of a-z, 0-9 and -');
  expect(result.stderr).toContain('`userPool.id` must be a user pool ID shaped <region>_<id>');
  expect(result.stderr).not.toMatch(/^\s+at /m);
});
