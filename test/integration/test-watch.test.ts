/**
 * `ase test --watch` as a developer uses it: the built CLI in a child process on scenario files
 * in a temp folder, edited while it runs. Each edit must re-run exactly the files it concerns
 * (the file itself, or the scenarios using a changed policy file) on the same warm stack, and
 * Ctrl-C must stop everything, MinIO included. Bounded: every wait has a deadline, and the child
 * is killed if the test ends early.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI } from '../helpers/cli.js';
import { minioLeftUnder, minioProcessesUnder, privateTmpDir } from '../helpers/processes.js';

const WAIT = 180_000;
const tmp = privateTmpDir('watch');
const dir = mkdtempSync(path.join(tmp, 'scenarios-'));

const scenario = (name: string, bucket: string, extra: string, cases: string) => `version: 1
name: "${name}"
auth:
  users:
    alice: { password: "Watch-Pass-1!" }
    bob: {}
buckets:
  - name: files
    bucketName: ${bucket}
    paths:
      "public/*": { guest: [get, list], authenticated: [get, list, write, delete] }
${extra}objects:
  - { path: public/hello.txt, body: "hello" }
cases:
${cases}`;

const PLAIN = path.join(dir, 'plain.yaml');
const WITH_POLICY = path.join(dir, 'with-policy.yaml');
const POLICY = path.join(dir, 'auth-policy.json');
const policy = (actions: string[]) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: ['arn:aws:s3:::ase-test-watch-policy/public/*'] }],
});
const guestPolicy = path.join(dir, 'guest-policy.json');

let child: ChildProcess;
let out = '';
/** Waits until `count` reports (final `N passed, N failed` lines) have been printed; returns the output after the previous one. */
async function reports(count: number): Promise<string> {
  const deadline = Date.now() + WAIT - 10_000;
  for (;;) {
    const finals = [...out.matchAll(/^\d+ passed, \d+ failed$/gm)];
    const watching = [...out.matchAll(/^Watching \d+ scenario files?/gm)];
    if (finals.length >= count && watching.length >= count) {
      const start = count === 1 ? 0 : watching[count - 2]!.index!;
      return out.slice(start, watching[count - 1]!.index! + 200);
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`waited for report ${count}; output so far:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(() => {
  assertBuilt();
  writeFileSync(PLAIN, scenario('Watch: plain', 'ase-test-watch-plain', '', `  - { name: "alice reads public", as: alice, op: download, path: public/hello.txt, expect: allow }
  - { name: "guest may not write", as: guest, op: upload, path: public/guest.txt, expect: deny }
`));
  writeFileSync(POLICY, policy(['s3:GetObject']));
  writeFileSync(guestPolicy, policy(['s3:GetObject']));
  writeFileSync(WITH_POLICY, scenario('Watch: hand-written policy', 'ase-test-watch-policy', `policies:
  guest: [./guest-policy.json]
  authenticated: [./auth-policy.json]
`, `  - { name: "alice writes public", as: alice, op: upload, path: public/alice.txt, expect: deny }
`));
  child = spawn(process.execPath, [CLI, 'test', '--watch', dir], {
    cwd: tmp,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
});
afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await minioLeftUnder(tmp);
  rmSync(tmp, { recursive: true, force: true });
});

describe('ase test --watch', () => {
  it('runs every file once, re-runs what an edit concerns on the same stack, and stops cleanly on Ctrl-C', async () => {
    const first = await reports(1);
    expect(first).toContain('ase test --watch: running 2 scenario files');
    expect(first).toMatch(/^3 passed, 0 failed$/m);
    expect(first).toMatch(/Watching 2 scenario files and 2 files they use/);
    const minio = minioProcessesUnder(tmp);
    expect(minio).toHaveLength(1);

    // Edit one scenario: only it runs again, and the edit shows.
    writeFileSync(PLAIN, scenario('Watch: plain', 'ase-test-watch-plain', '', `  - { name: "alice reads public", as: alice, op: download, path: public/hello.txt, expect: allow }
  - { name: "guest may not write", as: guest, op: upload, path: public/guest.txt, expect: deny }
  - { name: "guest may write (wrong on purpose)", as: guest, op: upload, path: public/guest2.txt, expect: allow }
`));
    const second = await reports(2);
    expect(second).toMatch(/\/plain\.yaml changed; re-running \S+\/plain\.yaml\n/);
    expect(second).toMatch(/^2 passed, 1 failed$/m);
    expect(second).not.toContain('Watch: hand-written policy');
    // Only the cases changed: alice and bob (whose password is generated) keep their sessions.
    expect(second).toContain('time: set-up');
    expect(second).toContain('0 sign-ins (2 kept)');

    // Change the policy file a scenario uses: that scenario re-runs, and sees the new policy.
    writeFileSync(POLICY, policy(['s3:GetObject', 's3:PutObject']));
    const third = await reports(3);
    expect(third).toMatch(/\/auth-policy\.json changed; re-running \S+\/with-policy\.yaml\n/);
    expect(third).toMatch(/^0 passed, 1 failed$/m);
    expect(third).not.toContain('Watch: plain');
    expect(third).toContain('0 sign-ins (2 kept)');

    // Still the same MinIO: the stack stayed warm.
    expect(minioProcessesUnder(tmp).map((p) => p.pid)).toEqual(minio.map((p) => p.pid));

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (c) => resolve(c));
    });
    expect(code, out).toBe(0);
    expect(out).toContain('ase test --watch: SIGINT, stopping the stack.');
    expect(await minioLeftUnder(tmp)).toEqual([]);
  }, WAIT);
});
