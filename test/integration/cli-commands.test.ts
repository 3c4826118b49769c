/**
 * The CLI's other commands and its usage errors, as users run them: `ase policies`, `ase doctor`,
 * and `ase test` with bad arguments (the built CLI, `node dist/cli/bin.js`, in a child process).
 * None of these starts a stack.
 */
import { access, constants } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliRuns, describeRun, fixture } from '../helpers/cli.js';

const ISO_A = fixture('harness/isolation-a.yaml');
const MALFORMED = fixture('harness/malformed.yaml');
const POLICIES_GENERATED = fixture('harness/policies-generated.yaml');
const POLICIES_HANDWRITTEN = fixture('harness/policies-handwritten.yaml');

/** Every CLI run of this file, started up front, two at a time. */
const cli = new CliRuns(2);
beforeAll(() => {
  cli.start('unknown-flag', ['test', ISO_A, '--no-such-flag']);
  cli.start('bad-concurrency', ['test', ISO_A, '--concurrency', '0']);
  cli.start('bad-reporter', ['test', ISO_A, '--reporter', 'junitt']);
  cli.start('policies-generated', ['policies', POLICIES_GENERATED]);
  cli.start('policies-handwritten', ['policies', POLICIES_HANDWRITTEN]);
  cli.start('policies-malformed', ['policies', MALFORMED]);
  cli.start('doctor', ['doctor']);
  cli.start('filter-nothing', ['test', ISO_A, '--filter', 'no-case-is-called-this']);
  cli.start('minio-fails', ['test', ISO_A], { env: { MINIO_BINARY: fixture('harness/failing-minio.sh') } });
});
afterAll(() => cli.settle());

describe('ase test: a filter that matches no case', () => {
  it('says so and exits 1, without a crash', async () => {
    const run = await cli.get('filter-nothing');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toContain('no case matched --filter "no-case-is-called-this"');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 0 failed');
    // It waits for the runs queued before it (two at a time): generous on a busy machine.
  }, 120_000);
});

describe('ase test: MinIO that cannot start', () => {
  it("says so with MinIO's own last log lines, exits 3 (the stack broke, not a policy), and shows no stack trace", async () => {
    const run = await cli.get('minio-fails');
    expect(run.code, describeRun(run)).toBe(3);
    expect(run.stderr).toContain('ase test: MinIO');
    expect(run.stderr).toContain('FATAL Unable to use the drive /data: drive not found');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('unexpected failure');
  });
});

describe('ase test: usage errors exit 2', () => {
  it('an unknown flag', async () => {
    const run = await cli.get('unknown-flag');
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('--no-such-flag');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('a bad --concurrency and an unknown reporter', async () => {
    const concurrency = await cli.get('bad-concurrency');
    expect(concurrency.code, describeRun(concurrency)).toBe(2);
    expect(concurrency.stderr).toContain('--concurrency');
    const reporter = await cli.get('bad-reporter');
    expect(reporter.code, describeRun(reporter)).toBe(2);
    expect(reporter.stderr).toMatch(/unknown reporter 'junitt'.*Did you mean 'junit'/);
  });
});

/** The role sections of `ase policies` text output, with the JSON documents of each part. */
function policySections(stdout: string) {
  return stdout.split(/^━━ /m).slice(1).map((section) => {
    const [heading = '', ...rest] = section.split('\n');
    const body = rest.join('\n');
    const part = (start: string, end: RegExp) => {
      const from = body.indexOf(start);
      if (from < 0) throw new Error(`no "${start}" in section ${heading}`);
      const after = body.slice(from + start.length);
      const stop = after.search(end);
      return stop < 0 ? after : after.slice(0, stop);
    };
    const docs = (text: string): Array<{ Statement: Array<Record<string, unknown>> }> =>
      [...text.matchAll(/^\{$[\s\S]*?^\}$/gm)].map((m) => JSON.parse(m[0]) as { Statement: Array<Record<string, unknown>> });
    const warnings = body.slice(body.indexOf('Decisions:'));
    return {
      heading,
      iam: docs(part('IAM (what AWS evaluates):', /^MinIO /m)),
      minio: docs(part('MinIO (what the emulator enforces):', /^(Session policy|Decisions)/m)),
      warnings: warnings.startsWith('Decisions: none') ? [] : [...warnings.matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]!),
      hasWarningsLine: warnings.startsWith('Decisions:'),
    };
  });
}
const statementsWith = (docs: Array<{ Statement: Array<Record<string, unknown>> }>, action: string) =>
  docs.flatMap((d) => [d.Statement].flat()).filter((s) => [s.Action].flat().includes(action));
const resourcesOf = (statements: Array<Record<string, unknown>>) => statements.flatMap((s) => [s.Resource].flat() as string[]);

describe('ase policies', () => {
  it('prints, per role, the IAM generated from paths and the compiled MinIO policy, with warnings', async () => {
    const run = await cli.get('policies-generated');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/generated from paths/);
    const sections = policySections(run.stdout);
    expect(sections.map((s) => s.heading)).toEqual([
      'guest: arn:aws:iam::123456789012:role/ase-guest',
      'authenticated: arn:aws:iam::123456789012:role/ase-authenticated',
      'group editors: arn:aws:iam::123456789012:role/ase-group-editors',
    ]);
    for (const s of sections) {
      expect(s.iam.length, s.heading).toBeGreaterThan(0);
      expect(s.minio, s.heading).toHaveLength(1);
      expect(s.hasWarningsLine, s.heading).toBe(true);
    }
    const [guest, auth, editors] = sections as [typeof sections[0], typeof sections[0], typeof sections[0]];
    const bucket = 'arn:aws:s3:::ase-test-policies-generated';
    expect(resourcesOf(statementsWith(guest.iam, 's3:GetObject'))).toEqual([`${bucket}/public/*`]);
    expect(statementsWith(guest.iam, 's3:PutObject')).toEqual([]);
    // The owner token in IAM, and what MinIO enforces in its place.
    expect(resourcesOf(statementsWith(auth.iam, 's3:PutObject'))).toContain(`${bucket}/protected/\${cognito-identity.amazonaws.com:sub}/*`);
    expect(resourcesOf(statementsWith(auth.minio, 's3:PutObject'))).toContain(`${bucket}/protected/\${jwt:sub}/*`);
    expect(JSON.stringify(auth.minio)).not.toContain('cognito-identity.amazonaws.com:sub');
    expect(resourcesOf(statementsWith(editors.iam, 's3:PutObject'))).toEqual([`${bucket}/drafts/*`]);
    expect(statementsWith(editors.iam, 's3:DeleteObject')).toEqual([]);
    expect(statementsWith(editors.minio, 's3:DeleteObject')).toEqual([]);
  });

  it('warns about hand-written statements that AWS would never match, and MinIO does not grant them', async () => {
    const run = await cli.get('policies-handwritten');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/as given in the scenario/);
    const sections = policySections(run.stdout);
    const auth = sections.find((s) => s.heading.startsWith('authenticated:'));
    expect(auth).toBeDefined();
    expect(resourcesOf(statementsWith(auth!.iam, 's3:ListBucket'))).toEqual(['arn:aws:s3:::ase-test-policies-handwritten/*']);
    expect(auth!.warnings.some((w) => w.includes('s3:ListBucket') && w.includes('arn:aws:s3:::ase-test-policies-handwritten/*'))).toBe(true);
    expect(statementsWith(auth!.minio, 's3:ListBucket')).toEqual([]);
    const guest = sections.find((s) => s.heading.startsWith('guest:'));
    expect(guest?.warnings.length).toBeGreaterThan(0); // no policies at all for the guest role
  });

  it('rejects a malformed file with file:line:col and exit 1', async () => {
    const run = await cli.get('policies-malformed');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toMatch(/malformed\.yaml:10:22: /);
  });
});

describe('ase doctor', () => {
  it('exits 0 here and names the MinIO binary it found', async () => {
    const run = await cli.get('doctor');
    expect(run.code, describeRun(run)).toBe(0);
    const binary = /MinIO\s+(\/\S*minio)\b/.exec(run.stdout)?.[1];
    expect(binary, run.stdout).toBeDefined();
    await access(binary!, constants.X_OK);
    expect(run.stdout).toMatch(/Ready/);
  });
});
