/**
 * Generation parity, proven by Amplify's own code: every corpus definition is synthesized with
 * @aws-amplify/backend (defineAuth + defineStorage, offline, as `ampx sandbox` would before
 * deploying), and compared with what the emulator makes of the same definition:
 * - the policies generated from the defineStorage form, and from the amplify_outputs.json `paths`
 *   Amplify itself wrote, role by role and bucket by bucket: the same statements, in the same order
 *   and key order, as Amplify's synthesized template (compared as JSON text);
 * - the outputs `paths` the emulator writes for the definition, against Amplify's (also as JSON text);
 * - a definition Amplify refuses, refused by the emulator with a message containing Amplify's.
 * Amplify's results are cached under ~/.cache/amplify-storage-emulator/parity, keyed by the package
 * versions and the case's text, so only a changed case or a new Amplify release synthesizes again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { userCacheDir } from '../../emulator/minio/locate.js';
import { generateBucketPolicies } from '../../emulator/policy/generate.js';
import { parseStoragePaths } from '../../emulator/policy/paths.js';
import { synthesizeBackends } from '../../harness/backend/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { readAmplifyAssembly, type AmplifyResult } from './amplify-result.js';
import { emulatorPaths, writeCaseApp } from './app.js';
import { CORPUS, type ParityCase } from './corpus.js';

/** The packages whose code decides Amplify's answer: their versions are part of every cache key. */
const ORACLE_PACKAGES = ['@aws-amplify/backend', '@aws-amplify/backend-storage', '@aws-amplify/backend-auth', '@aws-amplify/client-config', 'aws-cdk-lib', 'constructs'];
const versions = ORACLE_PACKAGES.map((name) => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${manifest.version}`;
});

const CACHE = join(userCacheDir(), 'parity');
/** Bump when what is cached changes shape. */
const CACHE_FORMAT = 'parity-1';

type Oracle = { result: AmplifyResult } | { error: string };

/** The app's files as text: what Amplify reads, so what the cache key covers. */
function appText(c: ParityCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'ase-parity-text-'));
  try {
    writeCaseApp(c, dir);
    const files = ['package.json', 'amplify/package.json', 'amplify/auth/resource.mjs', 'amplify/storage/resource.mjs', 'amplify/backend.mjs'];
    return files.map((f) => `${f}\n${readFileSync(join(dir, f), 'utf8')}`).join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const oracles = new Map<string, Oracle>();

/** Amplify's own message in a synth-failed error: `<file> did not synthesize: <Name>: <message>` (then `at`/`fix` lines). */
function amplifyMessage(text: string): string {
  const first = text.split('\n')[0]!;
  const after = first.slice(first.indexOf(' did not synthesize: ') + ' did not synthesize: '.length);
  return after.replace(/^[A-Za-z]*(Error|Fault|Exception)?: /, '');
}

beforeAll(async () => {
  mkdirSync(CACHE, { recursive: true });
  const keyed = CORPUS.map((c) => ({ c, key: createHash('sha256').update([CACHE_FORMAT, ...versions, appText(c)].join('\n')).digest('hex').slice(0, 32) }));
  const missing = keyed.filter(({ key }) => !existsSync(join(CACHE, `${key}.json`)));
  if (missing.length > 0) {
    const apps = join(CACHE, 'apps');
    const dirs = missing.map(({ key, c }) => {
      const dir = join(apps, key);
      rmSync(dir, { recursive: true, force: true });
      writeCaseApp(c, dir);
      // The app resolves @aws-amplify/backend and aws-cdk-lib from this package's installation.
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      return dir;
    });
    // Amplify's own code, offline (harness/backend: ampx's context values, one child per batch).
    const outcomes = await synthesizeBackends(dirs, { cache: false, concurrency: 2, timeoutMs: 10 * 60_000 });
    for (const [i, { key }] of missing.entries()) {
      const outcome = outcomes[i]!;
      let oracle: Oracle;
      if (outcome.backend) {
        oracle = { result: readAmplifyAssembly(outcome.backend.assemblyDir) };
        await outcome.backend.dispose();
      } else if (outcome.error?.code === 'synth-failed') {
        oracle = { error: amplifyMessage(outcome.error.message) };
      } else {
        throw outcome.error ?? new Error(`no outcome for ${dirs[i]}`);
      }
      writeFileSync(join(CACHE, `${key}.json`), JSON.stringify(oracle));
      rmSync(dirs[i]!, { recursive: true, force: true });
    }
    if (readdirSync(apps).length === 0) rmSync(apps, { recursive: true, force: true });
  }
  for (const { c, key } of keyed) oracles.set(c.name, JSON.parse(readFileSync(join(CACHE, `${key}.json`), 'utf8')) as Oracle);
  // Results of cases that changed, or of older package versions, are not needed again.
  const current = new Set(keyed.map(({ key }) => `${key}.json`));
  for (const file of readdirSync(CACHE)) if (file.endsWith('.json') && !current.has(file)) rmSync(join(CACHE, file), { force: true });
}, 30 * 60_000);

/** Our policies for one bucket, role by role, as JSON text (key order included). */
function ours(paths: Parameters<typeof generateBucketPolicies>[1], bucket: string, groups: string[]): Record<string, string> {
  return Object.fromEntries(generateBucketPolicies(bucket, paths, groups).map(({ acceptor, policy }) => [
    acceptor.kind === 'group' ? `group:${acceptor.name}` : acceptor.kind,
    JSON.stringify(policy),
  ]));
}

const valid = CORPUS.filter((c) => !c.amplify && !c.emulator);
const refused = CORPUS.filter((c) => c.amplify === 'refuses');

describe('Amplify parity: the corpus is what it says', () => {
  it('holds at least 40 valid and 12 invalid definitions, each synthesized by Amplify', () => {
    expect(valid.length).toBeGreaterThanOrEqual(40);
    expect(refused.length).toBeGreaterThanOrEqual(12);
    for (const c of CORPUS) {
      const oracle = oracles.get(c.name)!;
      expect('error' in oracle ? 'refuses' : 'accepts', `${c.name}: ${'error' in oracle ? oracle.error : ''}`).toBe(c.amplify === 'refuses' ? 'refuses' : 'accepts');
    }
  });
});

describe.each(valid.map((c) => [c.name, c] as const))('Amplify parity: %s', (_name, c) => {
  const groups = c.groups ?? [];
  const amplify = () => {
    const oracle = oracles.get(c.name)!;
    if ('error' in oracle) throw new Error(`Amplify refused it: ${oracle.error}`);
    return oracle.result;
  };
  const amplifyPolicies = (bucket: string) =>
    Object.fromEntries(amplify().buckets.find((b) => b.name === bucket)!.policies.map((p) => [p.role, JSON.stringify(p.document)]));

  it('policies from the defineStorage form: the same statements, order and key order as Amplify\'s template', () => {
    for (const b of c.buckets) expect(ours(emulatorPaths(b), b.name, groups), b.name).toStrictEqual(amplifyPolicies(b.name));
  });

  it('policies from Amplify\'s own amplify_outputs.json paths: the same', () => {
    for (const b of c.buckets) {
      const outputsPaths = amplify().buckets.find((x) => x.name === b.name)!.paths;
      if (c.outputsFormLosesFunctions) {
        // The one thing the outputs form cannot carry (docs/how-it-works.md): read without the
        // function rules, exactly as the definition without them, which Amplify answers otherwise.
        const withoutFunctions = Object.fromEntries(Object.entries(emulatorPaths(b)).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([key]) => key !== 'resource'))]));
        expect(ours(outputsPaths, b.name, groups), b.name).toStrictEqual(ours(withoutFunctions, b.name, groups));
        expect(ours(outputsPaths, b.name, groups), b.name).not.toStrictEqual(amplifyPolicies(b.name));
        continue;
      }
      expect(ours(outputsPaths, b.name, groups), b.name).toStrictEqual(amplifyPolicies(b.name));
    }
  });

  it('outputs paths: what Amplify writes, in its order', () => {
    for (const b of c.buckets) {
      const model = parseStoragePaths(emulatorPaths(b), { groups });
      expect(model.issues).toStrictEqual([]);
      expect(JSON.stringify(model.outputs), b.name).toBe(JSON.stringify(amplify().buckets.find((x) => x.name === b.name)!.paths));
    }
  });
});

describe.each(refused.map((c) => [c.name, c] as const))('Amplify parity: %s', (_name, c) => {
  it('refused by both, the emulator\'s message containing Amplify\'s', () => {
    const oracle = oracles.get(c.name)!;
    expect('error' in oracle).toBe(true);
    const expected = 'error' in oracle ? oracle.error : '';
    const issues = c.buckets.flatMap((b) => parseStoragePaths(emulatorPaths(b), { groups: c.groups ?? [] }).issues);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.message).join('\n')).toContain(expected);
  });
});

describe.each(CORPUS.filter((c) => c.emulator === 'refuses').map((c) => [c.name, c] as const))('Amplify parity, a documented difference: %s', (_name, c) => {
  it('Amplify accepts it; the emulator refuses it and says why', () => {
    expect('error' in oracles.get(c.name)!).toBe(false);
    const issues = c.buckets.flatMap((b) => parseStoragePaths(emulatorPaths(b), { groups: c.groups ?? [] }).issues);
    expect(issues.map((i) => i.message).join('\n')).toContain('(the emulator\'s rule; Amplify accepts them)');
  });
});
