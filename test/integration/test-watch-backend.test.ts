/**
 * `ase test --watch --template <file>` (and `--backend`, the same path): the files run against the
 * app given on the command line, and an edit to the app (not to any scenario file) re-runs them on
 * the same warm stack with what the app now deploys. Bounded; the child is killed if the test ends early.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, CLI, fixture } from '../helpers/cli.js';
import { minioLeftUnder, privateTmpDir } from '../helpers/processes.js';

const WAIT = 240_000;
const tmp = privateTmpDir('watch-backend');
const dir = mkdtempSync(path.join(tmp, 'app-'));
const TEMPLATE = path.join(dir, 'cdk/app.template.json');
const SCENARIO = path.join(dir, 'scenarios/read.yaml');

let child: ChildProcess;
let out = '';
async function reports(count: number): Promise<string> {
  const deadline = Date.now() + WAIT - 10_000;
  for (;;) {
    const watching = [...out.matchAll(/^Watching \d+ scenario files?.*$/gm)];
    if (watching.length >= count) return out.slice(count === 1 ? 0 : watching[count - 2]!.index!, watching[count - 1]!.index! + watching[count - 1]![0].length);
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`waited for report ${count}; output so far:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(() => {
  assertBuilt();
  mkdirSync(path.dirname(TEMPLATE));
  mkdirSync(path.dirname(SCENARIO));
  copyFileSync(fixture('templates/plain-cfn.template.json'), TEMPLATE);
  // Roles and policies from the template (given by --template); the scenario names no app.
  writeFileSync(SCENARIO, `version: 1
name: "Watch: read from the template"
region: eu-central-1
auth:
  accountId: "444455556666"
  users: { alice: { password: "Watch-Pass-1!" } }
buckets:
  - name: files
    bucketName: files-444455556666-eu-central-1
    paths: { "public/*": { authenticated: [get] } }
objects:
  - { path: public/hello.txt, body: hello }
cases:
  - { name: "alice reads public", as: alice, op: download, path: public/hello.txt, expect: allow }
`);
  child = spawn(process.execPath, [CLI, 'test', '--watch', '--template', TEMPLATE, SCENARIO], {
    cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
});
afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await minioLeftUnder(tmp);
  rmSync(tmp, { recursive: true, force: true });
});

it("runs against --template, and re-runs when the template changes, with the template's new policy", async () => {
  const first = await reports(1);
  expect(first).toMatch(/^1 passed, 0 failed$/m);
  expect(first).toMatch(/Watching 1 scenario file and 1 file they use/);

  // The app's policy no longer covers public/: the scenario re-runs and now fails.
  const template = readFileSync(TEMPLATE, 'utf8');
  const grant = '"Resource": { "Fn::Sub": "${Files.Arn}/public/*" }';
  expect(template).toContain(grant);
  writeFileSync(TEMPLATE, template.replace(grant, '"Resource": { "Fn::Sub": "${Files.Arn}/private/*" }'));
  const second = await reports(2);
  expect(second).toMatch(/cdk\/app\.template\.json changed; re-running scenarios\/read\.yaml\n/);
  expect(second).toMatch(/^0 passed, 1 failed$/m);

  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (c) => resolve(c));
  });
  expect(code, out).toBe(0);
  expect(await minioLeftUnder(tmp)).toEqual([]);
}, WAIT);
