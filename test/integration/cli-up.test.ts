/**
 * `ase up` as a developer uses it: start it on a scenario, read the endpoints it prints, use the
 * written amplify_outputs.json from another program with the real client, press Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetchAuthSession } from 'aws-amplify/auth';
import { list, uploadData } from 'aws-amplify/storage';
import { expect, it } from 'vitest';
import { installNodeTransport } from '../../emulator/transport/node.js';
import { Actor } from '../../harness/runner/actor.js';
import { assertBuilt, CLI, fixture } from '../helpers/cli.js';
import { minioLeftUnder } from '../helpers/processes.js';

it('starts the stack, writes a working amplify_outputs.json, and stops cleanly on Ctrl-C', async () => {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-up-'));
  const outputsFile = path.join(dir, 'amplify_outputs.json');
  const child = spawn(process.execPath, [CLI, 'up', fixture('harness/up.yaml'), '--outputs', outputsFile], {
    env: { ...process.env, NO_COLOR: '1', TMPDIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    await expect.poll(() => stdout, { timeout: 30_000, interval: 100 }).toContain('Press Ctrl-C to stop.');
    const ports = /emulatorPort: (\d+), s3Port: (\d+)/.exec(stdout);
    const password = /alice\s+password (\S+)/.exec(stdout)?.[1];
    expect(ports, stdout).not.toBeNull();
    expect(password).toBeDefined();

    const transport = installNodeTransport({ emulatorPort: Number(ports![1]), s3Port: Number(ports![2]) });
    try {
      const outputs = JSON.parse(readFileSync(outputsFile, 'utf8'));
      const alice = new Actor('alice', Actor.configFrom(outputs), { username: 'alice', password: password! });
      await alice.ensureSignedIn();
      const { identityId } = await fetchAuthSession(alice.context);
      await uploadData(alice.context, { path: `protected/${identityId}/note.txt`, data: 'from the app' }).result;
      const listed = await list(alice.context, { path: `protected/${identityId}/` });
      expect(listed.items.map((i) => i.path)).toEqual([`protected/${identityId}/note.txt`]);
      const guest = new Actor('guest', Actor.configFrom(outputs));
      const denied = await uploadData(guest.context, { path: 'protected/x/y.txt', data: 'no' }).result.catch((e: Error) => e.name);
      expect(denied).toBe('AccessDenied');
    } finally {
      await transport.restore();
    }

    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toContain('Stopping');
    await new Promise((r) => setTimeout(r, 500));
    expect(await minioLeftUnder(dir)).toEqual([]);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('starts from a declarative stack config (JSON) with its own IDs and passwords', async () => {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'ase-up-'));
  const outputsFile = path.join(dir, 'amplify_outputs.json');
  const child = spawn(process.execPath, [CLI, 'up', fixture('harness/up-stack.json'), '--outputs', outputsFile], {
    env: { ...process.env, NO_COLOR: '1', TMPDIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    await expect.poll(() => stdout, { timeout: 30_000, interval: 100 }).toContain('Press Ctrl-C to stop.');
    expect(stdout).toContain('erin             password Erin-Passw0rd!   groups: editors');
    const ports = /emulatorPort: (\d+), s3Port: (\d+)/.exec(stdout)!;
    const outputs = JSON.parse(readFileSync(outputsFile, 'utf8'));
    expect(outputs.auth).toMatchObject({ user_pool_id: 'eu-west-1_UpStack01', user_pool_client_id: 'upstackclient000000000000001', aws_region: 'eu-west-1' });
    const transport = installNodeTransport({ emulatorPort: Number(ports[1]), s3Port: Number(ports[2]) });
    try {
      const erin = new Actor('erin', Actor.configFrom(outputs), { username: 'erin', password: 'Erin-Passw0rd!' });
      await erin.ensureSignedIn();
      await uploadData(erin.context, { path: 'drafts/post.md', data: 'draft' }).result;
      const denied = await uploadData(erin.context, { path: 'public/post.md', data: 'no' }).result.catch((e: Error) => e.name);
      expect(denied).toBe('AccessDenied');
    } finally {
      await transport.restore();
    }
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
    expect(await minioLeftUnder(dir)).toEqual([]);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('refuses a stack config it cannot use, naming each field to fix, without starting anything', async () => {
  const result = spawnSync(process.execPath, [CLI, 'up', fixture('harness/up-stack-bad.json')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('is not a usable stack config');
  expect(result.stderr).toContain('`id` must be a short id of a-z, 0-9 and -');
  expect(result.stderr).toContain('`userPool.id` must be a user pool ID shaped <region>_<id>');
  expect(result.stderr).not.toMatch(/^\s+at /m);
});
