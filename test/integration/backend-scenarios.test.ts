/**
 * Scenarios read from the app's own backend (`backend:`): the fixture app's amplify/backend.ts
 * attaches the docs page's policies, is synthesized offline, and the bundled docs scenarios run
 * against what it deploys, with the real aws-amplify client and a real MinIO (`ase test`, the
 * built CLI). Each case must come out as it does with the hand-copied policies; a removed Delete
 * statement must show up as drift under `--derive`; a backend that does not synthesize must give
 * one readable error.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { RunSummary } from '../../index.js';
import { synthesizeBackend } from '../../harness/backend/index.js';
import { CliRuns, REPO_ROOT, describeRun, fixture } from '../helpers/cli.js';

const APP = fixture('amplify-app');
const DOCS = path.join(REPO_ROOT, 'scenarios/docs-examples');
const EXAMPLES = ['guest-users', 'authenticated-users', 'user-groups', 'owners'];

const work = mkdtempSync(path.join(tmpdir(), 'ase-backend-scenarios-'));
// Synthesized assemblies go to the per-user cache, as for users (keyed by the backend's files).
const run = { timeoutMs: 540_000 };

/** The docs scenario without its hand-copied policies, reading the fixture app's backend instead. */
function fromBackend(example: string, backend: string, label: string, extra: Record<string, unknown> = {}): string {
  const data = parse(readFileSync(path.join(DOCS, `${example}.yaml`), 'utf8')) as Record<string, unknown>;
  delete data['policies'];
  const file = path.join(work, `${example}-${label}.yaml`);
  writeFileSync(file, stringify({ version: 1, backend, ...data, ...extra }));
  return file;
}

/** A copy of the fixture app whose owners may no longer delete their own files. */
function withoutOwnerDelete(): string {
  const app = path.join(work, 'no-owner-delete');
  cpSync(APP, app, { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  const file = path.join(app, 'amplify/backend.ts');
  const source = readFileSync(file, 'utf8');
  const line = "    allow(['s3:DeleteObject'], [`${ownersBucket.bucketArn}/protected/${owner}/*`]),\n";
  if (!source.includes(line)) throw new Error('the fixture backend changed: update this test');
  writeFileSync(file, source.replace(line, ''));
  return app;
}

const cli = new CliRuns(2);
const out = (key: string) => path.join(work, `out-${key}`);
beforeAll(async () => {
  cli.start('hand-copied', ['test', ...EXAMPLES.map((e) => path.join(DOCS, `${e}.yaml`)), '--reporter', 'json', '--out', out('hand-copied')], run);
  cli.start('backend', ['test', ...EXAMPLES.map((e) => fromBackend(e, APP, 'backend')), '--reporter', 'json', '--out', out('backend')], run);
  const owners = (backend: string, label: string) => fromBackend('owners', backend, label, { cases: [], derive: true });
  cli.start('derive', ['test', owners(APP, 'derive'), owners(withoutOwnerDelete(), 'derive-edited'), '--reporter', 'json', '--out', out('derive')], run);
  const broken = path.join(work, 'broken.yaml');
  writeFileSync(broken, `version: 1\nname: broken backend\nbackend: ${fixture('amplify-broken')}\nderive: true\n`);
  cli.start('broken', ['test', broken], run);
  cli.start('policies', ['policies', '--backend', path.join(APP, 'amplify')], run);
  // --template: the same app as a cloud assembly a team synthesized itself.
  const { assemblyDir } = await synthesizeBackend(APP);
  cli.start('template', ['test', '--template', assemblyDir, fromBackend('owners', APP, 'template', { backend: undefined }),
    '--reporter', 'json', '--out', out('template')], run);
}, 600_000);
afterAll(async () => {
  await cli.settle();
  if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
});

/** Identity IDs differ from run to run; what is compared is who did what where. */
const anyIdentity = (text: string) => text.replace(/[a-z]{2}-[a-z]+-\d:[0-9a-f-]{36}/g, '{identity}');
const summary = (key: string) => JSON.parse(readFileSync(path.join(out(key), 'results.json'), 'utf8')) as RunSummary;

describe('the docs scenarios against the synthesized backend', () => {
  it('agree case by case with the hand-copied policies', async () => {
    const [hand, backend] = await Promise.all([cli.get('hand-copied'), cli.get('backend')]);
    expect(hand.code, describeRun(hand)).toBe(0);
    expect(backend.code, describeRun(backend)).toBe(0);
    const outcomes = (s: RunSummary) => s.scenarios.map((sc) => ({
      scenario: sc.name,
      cases: sc.cases.map((c) => ({ title: anyIdentity(c.title), status: c.status, observed: c.observed.outcome })),
    }));
    const byHand = outcomes(summary('hand-copied'));
    expect(byHand).toHaveLength(4);
    expect(byHand.flatMap((s) => s.cases).length).toBeGreaterThan(30);
    expect(outcomes(summary('backend'))).toEqual(byHand);
  }, 600_000);

  it('run as well from the cloud assembly (--template) as from the amplify/ folder', async () => {
    const [template, backend] = await Promise.all([cli.get('template'), cli.get('backend')]);
    expect(template.code, describeRun(template)).toBe(0);
    const cases = (key: string) => summary(key).scenarios.filter((s) => s.name.includes('owners')).flatMap((s) => s.cases.map((c) => `${anyIdentity(c.title)} ${c.status}`));
    expect(backend.code).toBe(0);
    expect(cases('template')).toEqual(cases('backend'));
  }, 600_000);
});

describe('--derive against the backend', () => {
  it('reports the drift a removed Delete statement in backend.ts makes', async () => {
    const run = await cli.get('derive');
    expect(run.code, describeRun(run)).toBe(1);
    const { scenarios } = summary('derive');
    const failing = (label: string) => new Set(scenarios.find((s) => s.file.endsWith(`owners-${label}.yaml`))!.cases
      .filter((c) => c.status === 'fail').map((c) => anyIdentity(`${c.actor} ${c.op} ${c.path}`)));
    const before = failing('derive');
    const after = failing('derive-edited');
    // The docs page's own drift (paths promise delete on public/, the policy grants none) in both.
    expect([...before]).toEqual(['derived-user remove public/derived-remove-derived-user.txt']);
    const introduced = [...after].filter((c) => !before.has(c));
    // The owner may no longer remove their own files, though `paths` still promises it.
    expect(introduced).toEqual(['derived-owner remove protected/{identity}/derived-remove-derived-owner.txt']);
    expect([...before].every((c) => after.has(c))).toBe(true);
  }, 600_000);
});

describe('ase policies --backend', () => {
  it('prints what was read, role by role, each policy with its stack and logical ID, and the bucket policy and CORS', async () => {
    const run = await cli.get('policies');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/^Role policies for ".*amplify-app\/amplify" \(read from backend .*amplify-app\/amplify, synthesized/);
    expect(run.stdout).toContain('amplify_outputs: as the backend would write them (@aws-amplify/client-config 1.11.1)');
    expect(run.stdout).toMatch(/━━ guest: arn:aws:iam::123456789012:role\/amplify-asedocsapp-/);
    expect(run.stdout).toMatch(/━━ group admin: arn:aws:iam::123456789012:role\//);
    expect(run.stdout).toMatch(/^# amplify-asedocsapp-emulator-sandbox-[0-9a-f]{10}\/ownersBucketAuthPolicy[0-9A-F]{8}$/m);
    expect(run.stdout).toMatch(/^# amplify-asedocsapp-emulator-sandbox-[0-9a-f]{10}\/groupsBucketAdminPolicy[0-9A-F]{8}$/m);
    expect(run.stdout).toMatch(/━━ bucket custom: ase-docs-owners\nBucket policy \(amplify-asedocsapp-emulator-sandbox-[0-9a-f]{10}\/custombucketstack[0-9A-F]{8}\/OwnersBucketPolicy[0-9A-F]{8}\):/);
    expect(run.stdout).toMatch(/^CORS rules \(amplify-asedocsapp-emulator-sandbox-[0-9a-f]{10}\/custombucketstack[0-9A-F]{8}\/OwnersBucket[0-9A-F]{8}\):$/m);
    expect(run.stdout).toContain('"CORSRules"');
    expect(run.stdout).toContain('"x-amz-server-side-encryption"');
  }, 600_000);
});

describe('a backend that does not synthesize', () => {
  it('gives one readable error with the synthesizer\'s message, and nothing runs', async () => {
    const run = await cli.get('broken');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toMatch(/broken\.yaml:3:\d+: .*amplify-broken\/amplify\/backend\.ts did not synthesize: TypeError: Cannot read properties of undefined \(reading 'role'\)/);
    expect(run.stderr).toMatch(/at .*amplify-broken\/amplify\/backend\.ts:8:\d+/);
    expect(run.stderr).not.toMatch(/^\s+at .*node_modules/m);
    expect(run.stdout).toContain('0 passed, 1 failed');
  }, 600_000);
});
