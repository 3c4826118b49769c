/**
 * Files a user may name by mistake, or on purpose: each gets one line naming the file and what is
 * wrong, exit 1, no stack trace, none of its content, and nothing started. Checked with the built
 * CLI, as a user meets them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_USER_FILE_BYTES } from '../../emulator/user-file.js';
import { describeRun, runCli } from '../helpers/cli.js';

let dir: string;
const SECRET = 'root:$6$s3cr3tSalt$hAsHhAsHhAsHhAsH:19000:0:99999:7:::';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ase-hostile-'));
  execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
  const binary = Buffer.alloc(4096);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256;
  writeFileSync(path.join(dir, 'binary.yaml'), binary);
  writeFileSync(path.join(dir, 'big.yaml'), `version: 1\n${'# padding\n'.repeat(MAX_USER_FILE_BYTES / 10 + 10)}`);
  writeFileSync(path.join(dir, 'shadow'), `${SECRET}\ndaemon:*:19000:0:99999:7:::\n`);
  writeFileSync(path.join(dir, 'one-line'), `${SECRET}\n`);
  writeFileSync(path.join(dir, 'truncated.json'), '{"id": "app", "region": "us-east-1", "userPool": {"id": "us-east-1_Abc", "clientI');
  const scenario = (name: string, outputs: string) => writeFileSync(path.join(dir, name), `version: 1\nname: hostile\noutputs: ${outputs}\ncases: []\n`);
  scenario('outputs-urandom.yaml', '/dev/urandom');
  scenario('outputs-fifo.yaml', './pipe.yaml');
  scenario('outputs-secret.yaml', './shadow');
  writeFileSync(path.join(dir, 'dots.yaml'), `version: 1
name: dots
buckets: [{ name: b, bucketName: ase-test-dots, paths: { "public/*": { guest: [get, list, write] } } }]
cases:
  - { as: guest, op: upload, path: "public/../x.txt", expect: allow }
  - { as: guest, op: upload, path: "public//x.txt", expect: allow }
  - { as: guest, op: list, path: "public/", expect: allow }
`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejected(args: string[]) {
  const run = await runCli(args, { cwd: dir });
  expect(run.code, describeRun(run)).toBe(1);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toContain('unexpected failure');
  expect(run.stderr).not.toContain('s3cr3t');
  expect(run.stderr).not.toContain('hAsH');
  return run;
}

describe('ase test refuses before reading', () => {
  it.each([
    ['a FIFO', 'pipe.yaml', /pipe\.yaml: this is a named pipe \(FIFO\), not a regular file/],
    ['/dev/urandom', '/dev/urandom', /\/dev\/urandom: this is a character device, not a regular file/],
    ['a file over the size limit', 'big.yaml', /big\.yaml: this is 4\.0 MiB, over the 4 MiB limit for a scenario file/],
    ['binary content', 'binary.yaml', /binary\.yaml: this is binary, not text/],
  ])('%s as the scenario file: one line', async (_label, file, message) => {
    const run = await rejected(['test', file]);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it.each([
    ['/dev/urandom', 'outputs-urandom.yaml', /outputs-urandom\.yaml:3:10: outputs file \/dev\/urandom is a character device/],
    ['a FIFO', 'outputs-fifo.yaml', /outputs-fifo\.yaml:3:10: outputs file \.\/pipe\.yaml is a named pipe/],
    ['a secret file', 'outputs-secret.yaml', /outputs-secret\.yaml:3:10: outputs file \.\/shadow is not valid JSON: unexpected character \(line 1, column 1\)/],
  ])('%s as `outputs:`: one line at the reference', async (_label, file, message) => {
    const run = await rejected(['test', file]);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it.each(['shadow', 'one-line'])('a file that is not a scenario (%s): described, not echoed', async (file) => {
    const run = await rejected(['test', file]);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('object keys MinIO cannot store: the emulator limit, at file:line', async () => {
    const run = await rejected(['test', 'dots.yaml']);
    expect(run.stderr).toContain("dots.yaml:5:36: `path` has a `..` segment: S3 stores such keys, but MinIO, which the emulator runs, cannot");
    expect(run.stderr).toContain('dots.yaml:6:36: `path` has an empty segment (`//`)');
    expect(run.stderr).not.toContain('dots.yaml:7:');
    expect(run.stderr).not.toContain('Unknown');
  });
});

describe('ase up refuses before starting', () => {
  it('a truncated stack.json: one line, no stack trace', async () => {
    const run = await rejected(['up', 'truncated.json']);
    expect(run.stderr.trim()).toBe(`ase up: ${path.join(dir, 'truncated.json')} is not valid JSON: the file ends too early; fix the JSON (a truncated file ends too early)`);
  });

  it('a FIFO named .json: one line, no hang', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    const run = await rejected(['up', 'pipe.json']);
    expect(run.stderr).toContain('pipe.json is a named pipe (FIFO), not a regular file');
  });
});
