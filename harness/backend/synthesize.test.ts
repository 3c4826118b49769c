import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, locateBackend, synthesizeBackend, synthesizeBackends } from './index.js';

const APP = resolve('test/fixtures/amplify-app');
const BROKEN = resolve('test/fixtures/amplify-broken');
// Generous: a cold synthesis is about 5 s on an idle 2-core machine, over a minute on a loaded one.
const SYNTH_TIMEOUT = 600_000;

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ase-synth-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function backendError(run: Promise<unknown>): Promise<BackendError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('locateBackend', () => {
  it('takes the app folder, its amplify/ folder or backend.ts itself', () => {
    const expected = { backendFile: join(APP, 'amplify/backend.ts'), amplifyDir: join(APP, 'amplify'), appRoot: APP };
    expect(locateBackend(APP)).toEqual(expected);
    expect(locateBackend(join(APP, 'amplify'))).toEqual(expected);
    expect(locateBackend(join(APP, 'amplify/backend.ts'))).toEqual(expected);
  });

  it('says where it looked when there is no backend', () => {
    expect(() => locateBackend(join(APP, 'nope'))).toThrow(/no such file or folder; point at your app's amplify\/ folder/);
    expect(() => locateBackend(join(APP, 'amplify/auth'))).toThrow(/no backend\.ts here or in .*amplify\/auth\/amplify/);
  });
});

describe('synthesizeBackend', () => {
  it('synthesizes the app offline with the three ampx context values, then serves it from the cache', async () => {
    const cacheDir = join(scratch, 'cache');
    // Asked twice at once (scenario files loaded in parallel): one synthesis serves both.
    const [cold, same] = await Promise.all([synthesizeBackend(APP, { cacheDir }), synthesizeBackend(APP, { cacheDir })]);
    expect(same).toBe(cold);
    expect(cold.cached).toBe(false);
    expect(cold.context).toEqual({
      'amplify-backend-namespace': 'ase-docs-app',
      'amplify-backend-name': 'emulator',
      'amplify-backend-type': 'sandbox',
    });
    expect(cold.packages['@aws-amplify/backend']).toBe('1.25.1');
    expect(cold.packages['aws-cdk-lib']).toBe('2.276.0');
    const manifest = JSON.parse(readFileSync(join(cold.assemblyDir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string; properties?: { templateFile?: string } }> };
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
    expect(stacks.map(([name]) => name)).toEqual([expect.stringMatching(/^amplify-asedocsapp-emulator-sandbox-[0-9a-f]{10}$/)]);
    const templates = readdirSync(cold.assemblyDir).filter((f) => f.endsWith('.template.json'));
    expect(templates.filter((f) => f.endsWith('.nested.template.json'))).toHaveLength(2); // auth, custom-bucket-stack
    const root = JSON.parse(readFileSync(join(cold.assemblyDir, stacks[0]![1].properties!.templateFile!), 'utf8')) as { Resources: Record<string, { Type: string }> };
    expect(Object.values(root.Resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toHaveLength(7);

    const warm = await synthesizeBackend(join(APP, 'amplify'), { cacheDir });
    expect(warm).toMatchObject({ cached: true, assemblyDir: cold.assemblyDir, key: cold.key });
    // Only the finished assembly is left in the cache: no temporary folders.
    expect(readdirSync(cacheDir)).toEqual([cold.key.slice(0, 32)]);
  }, SYNTH_TIMEOUT);

  it('keys the cache by the backend files: an edit synthesizes again', async () => {
    const app = join(scratch, 'edited');
    await cp(APP, app, { recursive: true });
    // Outside the repository the app needs its own node_modules: link the repository's.
    await cpLink(app);
    const cacheDir = join(scratch, 'cache-edit');
    const first = await synthesizeBackend(app, { cacheDir });
    const auth = join(app, 'amplify/auth/resource.ts');
    await writeFile(auth, readFileSync(auth, 'utf8').replace("groups: ['admin', 'editors']", "groups: ['admin', 'editors', 'viewers']"));
    // Room for one entry: storing the new assembly evicts the least recently used one.
    const second = await synthesizeBackend(app, { cacheDir, cacheEntries: 1 });
    expect(second.cached).toBe(false);
    expect(second.key).not.toBe(first.key);
    const nested = readdirSync(second.assemblyDir).find((f) => f.includes('auth') && f.endsWith('.nested.template.json'))!;
    expect(readFileSync(join(second.assemblyDir, nested), 'utf8')).toContain('viewers');
    expect(readdirSync(cacheDir)).toEqual([second.key.slice(0, 32)]);
  }, SYNTH_TIMEOUT);

  it('keys the cache by the code backend.ts imports from outside amplify/ too', async () => {
    const app = join(scratch, 'shared-code');
    await cp(APP, app, { recursive: true });
    await cpLink(app);
    // Shared code beside amplify/ (as apps keep constants for both the backend and the front end).
    await mkdir(join(app, 'shared'));
    const shared = join(app, 'shared/groups.ts');
    await writeFile(shared, "export const GROUPS = ['admin', 'editors'];\n");
    const auth = join(app, 'amplify/auth/resource.ts');
    await writeFile(auth, `import { GROUPS } from '../../shared/groups';\n${readFileSync(auth, 'utf8').replace("groups: ['admin', 'editors']", 'groups: GROUPS')}`);
    const cacheDir = join(scratch, 'cache-shared');
    const first = await synthesizeBackend(app, { cacheDir });
    expect(first.imports).toEqual([shared]);
    expect((await synthesizeBackend(app, { cacheDir })).cached).toBe(true);

    await writeFile(shared, "export const GROUPS = ['admin', 'editors', 'viewers'];\n");
    const second = await synthesizeBackend(app, { cacheDir });
    expect(second.cached).toBe(false);
    const nested = readdirSync(second.assemblyDir).find((f) => f.includes('auth') && f.endsWith('.nested.template.json'))!;
    expect(readFileSync(join(second.assemblyDir, nested), 'utf8')).toContain('viewers');
    expect((await synthesizeBackend(app, { cacheDir })).cached).toBe(true);
    // The stale entry was replaced, not kept beside it; nothing temporary is left.
    expect(readdirSync(cacheDir)).toEqual([second.key.slice(0, 32)]);
  }, SYNTH_TIMEOUT);

  it('gives one readable error with the synthesizer\'s own message and where in the app it was thrown', async () => {
    const error = await backendError(synthesizeBackend(BROKEN, { cache: false }));
    expect(error.code).toBe('synth-failed');
    expect(error.message).toMatch(/amplify-broken\/amplify\/backend\.ts did not synthesize: TypeError: Cannot read properties of undefined \(reading 'role'\)/);
    expect(error.message).toMatch(/\n {2}at .*amplify-broken\/amplify\/backend\.ts:8:\d+$/);
    expect(error.message).not.toMatch(/node_modules|node:internal/);
  }, SYNTH_TIMEOUT);

  it('passes on Amplify\'s own error and its fix', async () => {
    const app = join(scratch, 'two-auths');
    await cp(APP, app, { recursive: true });
    await cpLink(app);
    await writeFile(join(app, 'amplify/backend.ts'), [
      "import { defineAuth, defineBackend } from '@aws-amplify/backend';",
      "import { auth } from './auth/resource';",
      'defineBackend({ auth, other: defineAuth({ loginWith: { email: true } }) });',
      '',
    ].join('\n'));
    const error = await backendError(synthesizeBackend(app, { cache: false }));
    expect(error.message).toMatch(/did not synthesize: MultipleSingletonResourcesError: Multiple `defineAuth` or `referenceAuth` calls are not allowed/);
    expect(error.message).toMatch(/\n {2}fix: Remove all but one `defineAuth` or `referenceAuth` call$/);
  }, SYNTH_TIMEOUT);

  it('names every package the app has not installed, with the command that installs them', async () => {
    const app = join(scratch, 'bare');
    await cp(join(APP, 'amplify'), join(app, 'amplify'), { recursive: true });
    const error = await backendError(synthesizeBackend(app));
    expect(error.code).toBe('missing-package');
    expect(error.message).toContain('@aws-amplify/backend, aws-cdk-lib and constructs are not installed for this app');
    expect(error.message).toContain('npm install --save-dev @aws-amplify/backend aws-cdk-lib constructs');
  });

  it('synthesizes many apps in one child each after the first, isolating those that fail or exit', async () => {
    const variant = async (name: string, backend?: string) => {
      const app = join(scratch, name);
      await cp(APP, app, { recursive: true });
      await cpLink(app);
      if (backend) await writeFile(join(app, 'amplify/backend.ts'), backend);
      return app;
    };
    const twoGroups = await variant('batch-a');
    const exits = await variant('batch-exit', "import { defineBackend } from '@aws-amplify/backend';\nprocess.exit(3);\ndefineBackend({});\n");
    const threeGroups = await variant('batch-b');
    const auth = join(threeGroups, 'amplify/auth/resource.ts');
    await writeFile(auth, readFileSync(auth, 'utf8').replace("'editors']", "'editors', 'viewers']"));

    const results = await synthesizeBackends([twoGroups, BROKEN, exits, threeGroups, twoGroups], { cache: false, concurrency: 1 });
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'synth-failed', 'synth-failed', 'ok', 'ok']);
    expect(results[1]!.error!.message).toContain("Cannot read properties of undefined (reading 'role')");
    expect(results[2]!.error!.message).toMatch(/batch-exit\/amplify\/backend\.ts did not synthesize \(the program exited with code 3\)/);
    // Each app its own module instances: the second app's extra group is its own, not a duplicate.
    const authTemplate = (dir: string) => readFileSync(join(dir, readdirSync(dir).find((f) => f.includes('auth') && f.endsWith('.nested.template.json'))!), 'utf8');
    expect(authTemplate(results[0]!.backend!.assemblyDir)).not.toContain('viewers');
    expect(authTemplate(results[3]!.backend!.assemblyDir)).toContain('viewers');
    // The same app twice is synthesized once.
    expect(results[4]!.backend!.assemblyDir).toBe(results[0]!.backend!.assemblyDir);

    const dir = results[0]!.backend!.assemblyDir;
    await results[0]!.backend!.dispose();
    await results[3]!.backend!.dispose();
    expect(existsSync(dir)).toBe(false);
  }, SYNTH_TIMEOUT);

  it('stops a backend that never finishes', async () => {
    const app = join(scratch, 'hangs');
    await cp(join(APP, 'amplify'), join(app, 'amplify'), { recursive: true });
    await cpLink(app);
    await writeFile(join(app, 'amplify/backend.ts'), 'await new Promise(() => setInterval(() => undefined, 1000));\n');
    const error = await backendError(synthesizeBackend(app, { cache: false, timeoutMs: 15_000 }));
    expect(error.code).toBe('synth-timeout');
    expect(error.message).toMatch(/hangs\/amplify\/backend\.ts did not finish synthesizing within 15 s/);
  }, SYNTH_TIMEOUT);
});

/** node_modules for a copy of the fixture outside the repository: a link to the repository's. */
async function cpLink(app: string): Promise<void> {
  const { symlink } = await import('node:fs/promises');
  await symlink(resolve('node_modules'), join(app, 'node_modules'), 'dir');
}
