/**
 * The dev loop from the app's own amplify_outputs.json: `ase up --outputs ./amplify_outputs.json`
 * serves the file's own pool, client and identity pool IDs and region, so the real client, given
 * the very same file, signs in with an email (username_attributes: ["email"]), signs up with the
 * code ase up prints, and uses storage as the file's paths say. Passwords are random and kept in
 * the state folder, endpoints written as JSON; the app's file is never rewritten.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { confirmSignUp, fetchAuthSession, signIn, signUp } from 'aws-amplify/auth';
import { uploadData } from 'aws-amplify/storage';
import { expect, it } from 'vitest';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import { installNodeTransport } from '../../emulator/transport/node.js';
import { Actor } from '../../harness/runner/actor.js';
import { assertBuilt, CLI, fixture, startUp } from '../helpers/cli.js';
import { minioLeftUnder } from '../helpers/processes.js';

/** Every `ase up` this file started, killed in `finally` if a test failed before stopping it. */
const started: Array<{ kill(signal: NodeJS.Signals): boolean; exitCode: number | null }> = [];


it('serves the app\'s own amplify_outputs.json unchanged: its IDs, email sign-in, sign-up codes, kept passwords', async () => {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-up-outputs-'));
  try {
    const outputsFile = path.join(dir, 'amplify_outputs.json');
    copyFileSync(fixture('up/amplify_outputs.json'), outputsFile);
    const before = readFileSync(outputsFile, 'utf8');
    const outputs = JSON.parse(before) as AmplifyOutputs;
    const up = await startUp(dir, ['--outputs', './amplify_outputs.json', '--user', 'alice@example.com', '--user', 'root@example.com:ADMINS'], started);
    const password = /alice@example\.com\s+password (\S+)/.exec(up.stdout())?.[1];
    expect(password, up.stdout()).toBeDefined();
    const endpoints = JSON.parse(readFileSync(path.join(dir, '.ase/endpoints.json'), 'utf8')) as { emulatorPort: number; s3Port: number; region: string };
    expect(endpoints.region).toBe('eu-west-1');
    expect(statSync(path.join(dir, '.ase/users.json')).mode & 0o777).toBe(0o600);
    const transport = installNodeTransport({ emulatorPort: endpoints.emulatorPort, s3Port: endpoints.s3Port });
    try {
      // The app's own file, as the app would configure Amplify with it.
      const alice = new Actor('alice', Actor.configFrom(outputs), { username: 'alice@example.com', password: password! });
      await alice.ensureSignedIn();
      const { identityId } = await fetchAuthSession(alice.context);
      expect(identityId).toMatch(/^eu-west-1:/);
      await uploadData(alice.context, { path: `private/${identityId}/note.txt`, data: 'mine' }).result;
      const denied = await uploadData(alice.context, { path: 'admin/x.txt', data: 'no' }).result.catch((e: Error) => e.name);
      expect(denied).toBe('AccessDenied');

      // Sign-up: the code is printed and kept in the state folder; no email is sent.
      const newcomer = new Actor('newcomer', Actor.configFrom(outputs));
      await signUp(newcomer.context, { username: 'new@example.com', password: 'N3w-Passw0rd!', options: { userAttributes: { email: 'new@example.com' } } });
      await expect.poll(() => up.stdout(), { timeout: 30_000 }).toMatch(/confirmation code for new@example\.com is \d{6}/);
      const code = /confirmation code for new@example\.com is (\d{6})/.exec(up.stdout())![1]!;
      const kept = JSON.parse(readFileSync(path.join(dir, '.ase/confirmation-codes.json'), 'utf8')) as { codes: Array<{ username: string; code: string }> };
      expect(kept.codes.at(-1)).toMatchObject({ username: 'new@example.com', code });
      await confirmSignUp(newcomer.context, { username: 'new@example.com', confirmationCode: code });
      const signedIn = await signIn(newcomer.context, { username: 'new@example.com', password: 'N3w-Passw0rd!' });
      expect(signedIn.isSignedIn).toBe(true);
    } finally {
      await transport.restore();
    }
    expect(await up.stop()).toBe(0);
    expect(existsSync(path.join(dir, '.ase/endpoints.json')), 'endpoints.json outlived the stack').toBe(false);
    expect(readFileSync(outputsFile, 'utf8')).toBe(before);

    // A restart keeps the password (random, not derived from the file path).
    const again = await startUp(dir, ['--outputs', './amplify_outputs.json', '--user', 'alice@example.com'], started);
    expect(/alice@example\.com\s+password (\S+)/.exec(again.stdout())?.[1]).toBe(password);
    expect(await again.stop()).toBe(0);
  } finally {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    await minioLeftUnder(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
});

it('ase up --help says what it takes, exit 0', async () => {
  const child = spawn(process.execPath, [CLI, 'up', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(code).toBe(0);
  expect(out).toContain('--outputs');
  expect(out).toContain('Exit status');
});
