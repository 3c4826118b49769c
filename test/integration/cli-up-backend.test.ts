/**
 * `ase up --backend amplify/` with no scenario file: roles, policies, groups, buckets and CORS as
 * the app's backend.ts deploys them (synthesized offline), one generated user per group (or the
 * `--user` ones), an amplify_outputs.json the real client uses as it is.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetchAuthSession } from 'aws-amplify/auth';
import { uploadData } from 'aws-amplify/storage';
import { expect, it } from 'vitest';
import { installNodeTransport } from '../../emulator/transport/node.js';
import { Actor } from '../../harness/runner/actor.js';
import { assertBuilt, CLI, fixture, startUp } from '../helpers/cli.js';
import { minioLeftUnder } from '../helpers/processes.js';

const started: Array<{ kill(signal: NodeJS.Signals): boolean; exitCode: number | null }> = [];


const passwordOf = (stdout: string, user: string) => new RegExp(`^    ${user}\\s+password (\\S+)`, 'm').exec(stdout)?.[1];

it("serves the backend alone: one user per group, the backend's own policies, outputs the client uses", async () => {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-up-backend-'));
  try {
    const up = await startUp(dir, ['--backend', path.join(fixture('amplify-app'), 'amplify'), '--port', '0'], started, 400_000);
    const stdout = up.stdout();
    expect(stdout).toMatch(/amplify-storage-emulator is up: .*amplify-app\/amplify/);
    // The backend signs users in by email (username_attributes), so they are shown by the address they sign in with.
    expect(stdout).toMatch(/^    user-admin@example\.com\s+password \S+\s+groups: admin$/m);
    expect(stdout).toMatch(/^    user-editors@example\.com\s+password \S+\s+groups: editors$/m);
    // Warnings name the backend's policies by their stack and logical ID.
    expect(stdout).toMatch(/guest role policy amplify-asedocsapp-emulator-sandbox-[0-9a-f]{10}\/guestBucketUnauthPolicy[0-9A-F]{8} Statement\[1\]/);
    const outputs = JSON.parse(readFileSync(path.join(dir, 'amplify_outputs.emulator.json'), 'utf8')) as Parameters<typeof Actor.configFrom>[0];
    const endpoints = JSON.parse(readFileSync(path.join(dir, '.ase/endpoints.json'), 'utf8')) as { emulatorPort: number; s3Port: number };
    const transport = installNodeTransport({ emulatorPort: endpoints.emulatorPort, s3Port: endpoints.s3Port });
    try {
      const admin = new Actor('user-admin', Actor.configFrom(outputs), { username: 'user-admin@example.com', password: passwordOf(stdout, 'user-admin@example\\.com')! });
      await admin.ensureSignedIn();
      await uploadData(admin.context, { path: 'admin/report.txt', data: 'admins only', options: { bucket: 'groups' } }).result;
      const plain = new Actor('user', Actor.configFrom(outputs), { username: 'user@example.com', password: passwordOf(stdout, 'user@example\\.com')! });
      await plain.ensureSignedIn();
      const denied = await uploadData(plain.context, { path: 'admin/report.txt', data: 'no', options: { bucket: 'groups' } }).result.catch((e: Error) => e.name);
      expect(denied).toBe('AccessDenied');
      const { identityId } = await fetchAuthSession(plain.context);
      await uploadData(plain.context, { path: `protected/${identityId}/photo.jpg`, data: 'mine', options: { bucket: 'custom' } }).result;
    } finally {
      await transport.restore();
    }
    expect(await up.stop()).toBe(0);

    // --user: those users instead; passwords kept across restarts.
    const again = await startUp(dir, ['--backend', path.join(fixture('amplify-app'), 'amplify'), '--port', '0', '--user', 'olga:admin', '--user', 'user'], started, 400_000);
    expect(passwordOf(again.stdout(), 'user@example\\.com')).toBe(passwordOf(stdout, 'user@example\\.com'));
    expect(again.stdout()).toMatch(/^    olga@example\.com\s+password \S+\s+groups: admin$/m);
    expect(again.stdout()).not.toContain('user-admin');
    expect(await again.stop()).toBe(0);
  } finally {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    await minioLeftUnder(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}, 900_000);

it('names the unknown group of a --user, and starts nothing', async () => {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-up-backend-'));
  try {
    const child = spawn(process.execPath, [CLI, 'up', '--backend', path.join(fixture('amplify-app'), 'amplify'), '--user', 'x:nope'], { cwd: dir, env: { ...process.env, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/^ase up: user `x` is in group `nope`, which is not declared; declared groups \(in the amplify_outputs of .*amplify-app\/amplify\): admin, editors$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}, 600_000);
