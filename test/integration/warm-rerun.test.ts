/**
 * Warm re-runs (what `ase test --watch` does between saves) against cold runs, on one real stack
 * with the real aws-amplify client in this process: each scenario run signs every actor in exactly
 * once (counted by the emulator: InitiateAuth and RespondToAuthChallenge calls it was sent); a
 * re-run with the auth part unchanged signs nobody in; a changed user signs in alone; changed
 * pools sign everyone in again. Whatever the re-run changes outside auth (paths, objects, cases),
 * it decides exactly as a cold run of the same file: no object, policy or grant of the previous
 * run leaks into it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../../emulator/stack.js';
import type { RunSummary, ScenarioResult } from '../../harness/results.js';
import { runScenarios } from '../../harness/runner/run.js';
import { WarmApps } from '../../harness/runner/warm-apps.js';
import { loadScenarioFile } from '../../harness/scenario/load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ase-warm-'));
const file = path.join(dir, 'warm.yaml');

interface Version {
  bobPassword?: string;
  groups?: boolean;
  guestWrites?: boolean;
  objects: string[];
  cases: string;
}

const yaml = (v: Version) => `version: 1
name: "warm re-run"
auth:
  users:
    alice: { password: "Warm-Pass-1!" }
    bob: { password: "${v.bobPassword ?? 'Warm-Pass-2!'}"${v.groups ? ', groups: [Editors]' : ''} }
${v.groups ? '  groups: [Editors]\n' : ''}buckets:
  - name: files
    bucketName: ase-test-warm-rerun
    paths:
      "public/*": { guest: [get, list${v.guestWrites ? ', write' : ''}], authenticated: [get, list, write, delete] }
      "private/{entity_id}/*": { entityidentity: [get, list, write, delete] }
${v.groups ? '      "editors/*": { groupsEditors: [get, list, write] }\n' : ''}objects:
${v.objects.map((o) => `  - { path: "${o}", body: "seeded" }`).join('\n')}
cases:
${v.cases}`;

const FIRST: Version = {
  objects: ['public/seed-1.txt'],
  cases: `  - { as: alice, op: upload, path: "private/{identity}/a.txt", body: "one", expect: allow }
  - { as: alice, op: upload, path: "public/from-run-1.txt", expect: allow }
  - { as: bob, op: download, path: "private/{identity:alice}/a.txt", expect: deny }
  - { as: guest, op: list, path: "public/", expect: { outcome: allow, keys: [public/seed-1.txt, public/from-run-1.txt] } }
  - { as: guest, op: upload, path: "public/guest.txt", expect: deny }
`,
};
/** Paths, objects and cases changed; auth the same. Any leftover of the first run fails a case here. */
const SECOND: Version = {
  guestWrites: true,
  objects: ['public/seed-2.txt'],
  cases: `  - { as: guest, op: list, path: "public/", expect: { outcome: allow, keys: [public/seed-2.txt] } }
  - { as: alice, op: list, path: "private/{identity}/", expect: { outcome: allow, keys: [] } }
  - { as: guest, op: upload, path: "public/guest.txt", expect: allow }
  - { as: bob, op: upload, path: "private/{identity}/b.txt", expect: allow }
  - { as: alice, op: download, path: "private/{identity:bob}/b.txt", expect: deny }
  - { as: bob, op: download, path: "public/seed-1.txt", expect: not-found }
`,
};

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sign-ins the emulator was sent while `run` ran: SRP starts and the password-verifier answers. */
async function counting<T>(run: () => Promise<T>): Promise<{ value: T; initiateAuth: number; respondToAuthChallenge: number }> {
  const before = stack.operationCounts.snapshot();
  const value = await run();
  const after = stack.operationCounts.snapshot();
  const delta = (op: string) => (after[op] ?? 0) - (before[op] ?? 0);
  return { value, initiateAuth: delta('InitiateAuth'), respondToAuthChallenge: delta('RespondToAuthChallenge') };
}

async function runVersion(v: Version, warm?: WarmApps): Promise<RunSummary> {
  writeFileSync(file, yaml(v));
  const scenario = await loadScenarioFile(file);
  return runScenarios([scenario], { stack, threads: false, concurrency: 1, ...(warm ? { warm } : {}) });
}

/** What a case decided, without the identity IDs (each pool hands out its own). */
const decisions = (s: ScenarioResult | undefined) => (s?.cases ?? []).map((c) => ({
  title: c.title.replace(/[a-z]{2}-[a-z]+-\d:[0-9a-f-]{36}/g, '<identity>'),
  status: c.status,
  reasons: c.reasons,
  outcome: c.observed.outcome,
  error: c.observed.errorName,
  keys: c.observed.keys?.map((k) => k.replace(/[a-z]{2}-[a-z]+-\d:[0-9a-f-]{36}/g, '<identity>')),
}));
const failures = (s: RunSummary) => s.scenarios.flatMap((r) => [...(r.error ? [r.error] : []), ...r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.title}: ${c.reasons.join('; ')}`)]);

describe('warm re-runs', () => {
  it('sign each actor in once per cold run, nobody on an unchanged re-run, and decide as a cold run does', async () => {
    const warm = new WarmApps(stack);
    const first = await counting(() => runVersion(FIRST, warm));
    expect(failures(first.value)).toEqual([]);
    // Two users, one SRP sign-in each (the guest never signs in).
    expect(first.initiateAuth).toBe(2);
    expect(first.respondToAuthChallenge).toBe(2);
    expect(first.value.scenarios[0]!.timing).toMatchObject({ signIns: 2 });

    const rerun = await counting(() => runVersion(SECOND, warm));
    expect(failures(rerun.value)).toEqual([]);
    expect(rerun.initiateAuth).toBe(0);
    expect(rerun.respondToAuthChallenge).toBe(0);
    expect(rerun.value.scenarios[0]!.timing).toMatchObject({ signIns: 0, sessionsKept: 2 });

    // The same file run cold on the same stack decides the same, case by case.
    const cold = await counting(() => runVersion(SECOND));
    expect(cold.initiateAuth).toBe(2);
    expect(decisions(rerun.value.scenarios[0])).toEqual(decisions(cold.value.scenarios[0]));

    // Back to the first version, warm: the second run's uploads and objects are gone as well.
    const back = await counting(() => runVersion(FIRST, warm));
    expect(failures(back.value)).toEqual([]);
    expect(back.initiateAuth).toBe(0);
    expect(decisions(back.value.scenarios[0])).toEqual(decisions(first.value.scenarios[0]));
    await warm.clear();
  });

  it('signs in again only the user whose seed changed, and everyone when the pools change', async () => {
    const warm = new WarmApps(stack);
    await runVersion(FIRST, warm);
    const bobChanged = await counting(() => runVersion({ ...FIRST, bobPassword: 'Warm-Pass-3!' }, warm));
    expect(failures(bobChanged.value)).toEqual([]);
    expect(bobChanged.initiateAuth).toBe(1);
    expect(bobChanged.respondToAuthChallenge).toBe(1);
    expect(bobChanged.value.scenarios[0]!.timing).toMatchObject({ signIns: 1, sessionsKept: 1 });

    // A new group (with its role) changes the pool: every user's tokens would differ.
    const grouped = await counting(() => runVersion({ ...FIRST, bobPassword: 'Warm-Pass-3!', groups: true }, warm));
    expect(failures(grouped.value)).toEqual([]);
    expect(grouped.initiateAuth).toBe(2);
    expect(grouped.value.scenarios[0]!.timing).toMatchObject({ signIns: 2 });
    expect(grouped.value.scenarios[0]!.timing?.sessionsKept).toBeUndefined();
    await warm.clear();
  });
});
