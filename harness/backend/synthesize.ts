/**
 * Synthesizing an app's Amplify backend (`amplify/backend.ts`) into a CloudFormation assembly, as
 * `ampx` would: the cache in front (cache.ts), batches of backends split over child processes
 * (synth-child.ts runs them), and the errors a user can act on (errors.ts).
 * About 400 lines because the batch runner owns the children's whole life (spawn, the fd-3 result
 * channel, timeouts, retrying a backend that killed its child alone); the pieces around it are
 * their own files.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { userCacheDir } from '../../emulator/minio/locate.js';
import { backendCacheKey } from './cache-key.js';
import { currentEntry, DEFAULT_CACHE_ENTRIES, evictEntries, fileDigest, storeEntry } from './cache.js';
import { BackendError } from './errors.js';
import { locateBackend, resolveAppPackages, resolvePackage, type BackendLocation, type ResolvedPackage } from './locate.js';

/** The three CDK context values `ampx` passes to a backend program (CDK_CONTEXT_JSON). */
export interface BackendContext {
  'amplify-backend-namespace': string;
  'amplify-backend-name': string;
  'amplify-backend-type': 'sandbox';
}

export interface SynthesizeOptions {
  /** `amplify-backend-namespace`. Default: the app's package.json name (as ampx sandbox), else its folder name. */
  namespace?: string;
  /** `amplify-backend-name`. Default `emulator` (ampx sandbox uses the OS user; only stack and resource names depend on it). */
  name?: string;
  /** false: synthesize into a fresh temporary folder the caller removes with `dispose()`. Default true. */
  cache?: boolean;
  /** Where cached assemblies live. Default `${XDG_CACHE_HOME:-~/.cache}/amplify-storage-emulator/backends`. */
  cacheDir?: string;
  /** How many assemblies the cache keeps (the most recently used). Default 32. */
  cacheEntries?: number;
  /** Stop a backend program that runs longer than this (each backend). Default 180 s. */
  timeoutMs?: number;
  /** Environment of the child process (CDK_OUTDIR and CDK_CONTEXT_JSON are set on top). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A backend synthesized into a cloud assembly. */
export interface SynthesizedBackend extends BackendLocation {
  /** Absolute path of the cloud assembly folder (manifest.json, `<stack>.template.json`, nested templates). */
  assemblyDir: string;
  context: BackendContext;
  /** The versions that synthesized it (@aws-amplify/backend, aws-cdk-lib, constructs). */
  packages: Record<string, string>;
  /** The cache key (sha256 of the backend's files, package.json, lockfile, context and versions). */
  key: string;
  /** true: taken from the cache without running the program. */
  cached: boolean;
  /** The app's own files outside amplify/ (and outside node_modules) that the program imported, absolute. */
  imports: string[];
  /** Time spent on this backend: its share of the child process when it ran, the cache look-up otherwise. */
  durationMs: number;
  /** Removes a temporary assembly (`cache: false`); a no-op for cached ones. */
  dispose(): Promise<void>;
}

export interface SynthesizeManyResult {
  input: string;
  backend?: SynthesizedBackend;
  error?: BackendError;
}

/** Bump when what is stored under a key changes shape. */
const CACHE_FORMAT = '2';
const DEFAULT_TIMEOUT_MS = 180_000;
const OUTPUT_TAIL_BYTES = 16_384;
/** From TypeScript sources (tests) the child bootstrap is .ts too, and needs tsx to start. */
const CHILD_URL = new URL(import.meta.url.endsWith('.ts') ? './synth-child.ts' : './synth-child.js', import.meta.url);

/** `${XDG_CACHE_HOME:-~/.cache}/amplify-storage-emulator/backends` */
export function defaultBackendCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'backends');
}

/**
 * Synthesizes an Amplify Gen2 backend offline, as `ampx sandbox` does before deploying: runs the
 * app's `amplify/backend.ts` with the app's own @aws-amplify/backend and aws-cdk-lib in a child
 * process (TypeScript through the app's tsx, or this package's), with the three context values
 * ampx passes, and returns where the cloud assembly is. No AWS account or network is used.
 *
 * `input` is the app's `amplify/` folder, the app folder above it, or the backend file.
 * Cached by default, keyed by the backend's files, the app's package.json and lockfile, the
 * context and the package versions. Throws {@link BackendError}: `backend-not-found`,
 * `missing-package` (naming each package), `synth-failed` (with the synthesizer's own message and
 * where in the app it was thrown) or `synth-timeout`.
 */
export async function synthesizeBackend(input: string, options: SynthesizeOptions = {}): Promise<SynthesizedBackend> {
  if (options.cache === false) return synthesizeOne(input, options);
  // Scenario files loaded at once that name one backend share one synthesis (not one child each).
  const id = JSON.stringify([resolve(input), options.cacheDir ?? '', options.namespace ?? '', options.name ?? '', options.cacheEntries ?? '']);
  let running = inFlight.get(id);
  if (!running) {
    running = synthesizeOne(input, options).finally(() => inFlight.delete(id));
    inFlight.set(id, running);
  }
  return running;
}

const inFlight = new Map<string, Promise<SynthesizedBackend>>();

async function synthesizeOne(input: string, options: SynthesizeOptions): Promise<SynthesizedBackend> {
  const [result] = await synthesizeBackends([input], { ...options, concurrency: 1 });
  if (result!.error) throw result!.error;
  return result!.backend!;
}

/**
 * Synthesizes many backends at once, results in input order. Cached backends cost a hash of
 * their files. The others are split over `concurrency` child processes (default: up to 2); each
 * child loads aws-cdk-lib once and imports its backends one after another, each in a fresh
 * instance of the ES modules it loads, so a backend after the first costs about a second instead
 * of a new process. A backend that kills or hangs its child is retried in a child of its own, so
 * it cannot fail the others. {@link BackendError}s are returned per backend; others are thrown.
 */
export async function synthesizeBackends(inputs: string[], options: SynthesizeOptions & { concurrency?: number } = {}): Promise<SynthesizeManyResult[]> {
  const results: SynthesizeManyResult[] = inputs.map((input) => ({ input }));
  const pending = new Map<string, { job: Prepared; indexes: number[] }>();
  for (const [i, input] of inputs.entries()) {
    const started = performance.now();
    let job: Prepared;
    try {
      job = prepare(input, options);
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      results[i]!.error = e;
      continue;
    }
    const hit = job.cachedDir ? currentEntry(job.cachedDir) : undefined;
    if (hit) {
      results[i]!.backend = finished(job, job.cachedDir!, true, performance.now() - started, hit.imports.map((f) => f.path));
      continue;
    }
    const same = pending.get(job.key);
    if (same) same.indexes.push(i);
    else pending.set(job.key, { job, indexes: [i] });
  }

  const jobs = [...pending.values()];
  const byLoader = new Map<string, typeof jobs>();
  for (const j of jobs) byLoader.set(j.job.loader.dir, [...(byLoader.get(j.job.loader.dir) ?? []), j]);
  const width = Math.max(1, options.concurrency ?? Math.min(2, availableParallelism()));
  const batches: Array<typeof jobs> = [];
  for (const group of byLoader.values()) {
    const n = Math.min(width, group.length);
    for (let b = 0; b < n; b++) batches.push(group.filter((_, k) => k % n === b));
  }

  const settle = (entry: (typeof jobs)[number], outcome: Outcome) => {
    for (const i of entry.indexes) {
      if (outcome.error) results[i]!.error = outcome.error;
      else results[i]!.backend = outcome.backend;
    }
  };
  const queue = [...batches];
  await Promise.all(Array.from({ length: Math.min(width, queue.length) }, async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const outcomes = await runBatch(batch.map((b) => b.job), options);
      // A child that died or hung took the unfinished backends with it: give each its own child.
      for (const [k, outcome] of outcomes.entries()) {
        if (outcome.unfinished && batch.length > 1) settle(batch[k]!, (await runBatch([batch[k]!.job], options))[0]!);
        else settle(batch[k]!, outcome);
      }
    }
  }));
  return results;
}

/** What is known about a backend before it runs. */
interface Prepared {
  location: BackendLocation;
  context: BackendContext;
  packages: Record<string, string>;
  loader: ResolvedPackage;
  key: string;
  /** Where its cached assembly lives (cache on). */
  cachedDir?: string;
  cacheDir?: string;
}

function prepare(input: string, options: SynthesizeOptions): Prepared {
  const location = locateBackend(input);
  const packages = resolveAppPackages(location.backendFile);
  const loader = typeScriptLoader(location.backendFile);
  const context: BackendContext = {
    'amplify-backend-namespace': options.namespace ?? defaultNamespace(location.appRoot),
    'amplify-backend-name': options.name ?? 'emulator',
    'amplify-backend-type': 'sandbox',
  };
  const key = backendCacheKey({
    amplifyDir: location.amplifyDir,
    appRoot: location.appRoot,
    extra: {
      format: CACHE_FORMAT,
      context: JSON.stringify(context),
      packages: JSON.stringify([...packages.values()].map((p) => [p.name, p.version, p.dir])),
      loader: `tsx@${loader.version}`,
    },
  });
  const versions = Object.fromEntries([...packages.values()].map((p) => [p.name, p.version]));
  const prepared: Prepared = { location, context, packages: versions, loader, key };
  if (options.cache ?? true) {
    prepared.cacheDir = options.cacheDir ?? defaultBackendCacheDir(options.env);
    prepared.cachedDir = join(prepared.cacheDir, key.slice(0, 32));
  }
  return prepared;
}

function finished(job: Prepared, assemblyDir: string, cached: boolean, durationMs: number, imports: string[], dispose?: () => Promise<void>): SynthesizedBackend {
  return {
    ...job.location,
    assemblyDir,
    context: job.context,
    packages: job.packages,
    key: job.key,
    cached,
    imports,
    durationMs,
    dispose: dispose ?? (async () => undefined),
  };
}

interface Outcome { backend?: SynthesizedBackend; error?: BackendError; unfinished?: boolean }

/** The app's files among what the program imported: not node_modules, not under amplify/ (the key has those). */
function appImports(imported: string[] | undefined, location: BackendLocation): string[] {
  const inside = (file: string, dir: string) => !relative(dir, file).startsWith('..') && !isAbsolute(relative(dir, file));
  return [...new Set(imported ?? [])]
    .filter((f) => isAbsolute(f) && !f.split(/[\\/]/).includes('node_modules') && !inside(f, location.amplifyDir) && existsSync(f))
    .sort();
}

/** Runs `jobs` in one child process; one outcome per job, in order. */
async function runBatch(jobs: Prepared[], options: SynthesizeOptions): Promise<Outcome[]> {
  const started = performance.now();
  // Cached assemblies are built beside their cache entry, so storing one is a rename.
  const base = jobs[0]!.cacheDir ?? tmpdir();
  await mkdir(base, { recursive: true });
  const scratch = await mkdtemp(join(base, '.tmp-ase-synth-'));
  const outDirs = jobs.map((_, i) => join(scratch, `assembly-${i}`));
  const jobFile = join(scratch, 'jobs.json');
  const tsxApi = tsxEntry(jobs[0]!.loader, './esm/api');
  await writeFile(jobFile, JSON.stringify({
    tsxApi,
    jobs: jobs.map((j, i) => ({ backendFile: j.location.backendFile, appRoot: j.location.appRoot, outDir: outDirs[i], context: j.context })),
  }));

  const reports = new Map<number, { ok: boolean; error?: ChildError; imports?: string[]; at: number }>();
  let output = '';
  let timedOut = false;
  let exitCode: number | null = null;
  try {
    const args = [...(CHILD_URL.href.endsWith('.ts') ? ['--import', tsxEntry(jobs[0]!.loader, '.')] : []), fileURLToPath(CHILD_URL), jobFile];
    const child = spawn(process.execPath, args, {
      cwd: jobs[0]!.location.appRoot,
      env: { ...(options.env ?? process.env) },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer = setTimeout(() => undefined, 0);
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
    };
    arm();
    createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => {
      try {
        const report = JSON.parse(line) as { index: number; ok: boolean; error?: ChildError; imports?: string[] };
        reports.set(report.index, { ok: report.ok, ...(report.error ? { error: report.error } : {}), ...(report.imports ? { imports: report.imports } : {}), at: performance.now() });
        arm();
      } catch {
        // not ours
      }
    });
    exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : null)));
    }).finally(() => clearTimeout(timer));

    const outcomes: Outcome[] = [];
    let previous = started;
    for (const [i, job] of jobs.entries()) {
      const report = reports.get(i);
      const share = report ? report.at - previous : 0;
      if (report) previous = report.at;
      const outDir = outDirs[i]!;
      const display = displayPath(job.location.backendFile);
      if (report?.error) {
        outcomes.push({ error: synthError(display, report.error, job.location) });
      } else if (report?.ok && existsSync(join(outDir, 'manifest.json'))) {
        outcomes.push({ backend: await store(job, outDir, share, appImports(report.imports, job.location)) });
      } else if (timedOut) {
        outcomes.push({ unfinished: true, error: new BackendError('synth-timeout', `${display} did not finish synthesizing within ${Math.round(timeoutMs / 1000)} s; `
          + `does it wait for something (a timer, a server, input)? Output so far:\n${indent(lastLines(output, 15))}`) });
      } else if (!report || exitCode !== 0) {
        outcomes.push({ unfinished: true, error: new BackendError('synth-failed', `${display} did not synthesize (the program exited with code ${exitCode}):\n${indent(lastLines(output, 20))}`) });
      } else {
        // Plain CDK apps synthesize on exit: the assembly may only be there now.
        outcomes.push(existsSync(join(outDir, 'manifest.json'))
          ? { backend: await store(job, outDir, share, appImports(report?.imports, job.location)) }
          : { error: new BackendError('synth-failed', `${display} ran but wrote no cloud assembly: does it call defineBackend(...) (or new App() from aws-cdk-lib)?`) });
      }
    }
    return outcomes;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  /** Moves a finished assembly to its cache entry (then keeps the cache to its size), or to a temporary folder of its own. */
  async function store(job: Prepared, outDir: string, durationMs: number, imports: string[]): Promise<SynthesizedBackend> {
    if (job.cachedDir) {
      await storeEntry(outDir, job.cachedDir, {
        backendFile: job.location.backendFile, context: { ...job.context }, packages: job.packages, createdAt: new Date().toISOString(),
        imports: imports.map((path) => ({ path, sha256: fileDigest(path) ?? '' })),
      });
      await evictEntries(job.cacheDir!, options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
      return finished(job, job.cachedDir, false, durationMs, imports);
    }
    const own = await mkdtemp(join(tmpdir(), 'ase-synth-'));
    const assemblyDir = join(own, 'cdk.out');
    await rename(outDir, assemblyDir);
    return finished(job, assemblyDir, false, durationMs, imports, () => rm(own, { recursive: true, force: true }));
  }
}

interface ChildError { name: string; message: string; resolution?: string; stack?: string }

function synthError(display: string, error: ChildError, location: BackendLocation): BackendError {
  const where = appFrame(error.stack, location);
  return new BackendError('synth-failed', `${display} did not synthesize: ${error.name}: ${error.message}`
    + (where ? `\n  at ${where}` : '')
    + (error.resolution ? `\n  fix: ${error.resolution}` : ''));
}

/** The app's own tsx when it has one (ampx runs `tsx amplify/backend.ts`), else this package's. */
function typeScriptLoader(backendFile: string): ResolvedPackage {
  const pkg = resolvePackage(backendFile, 'tsx') ?? resolvePackage(createRequire(import.meta.url).resolve('tsx'), 'tsx');
  if (!pkg) {
    throw new BackendError('missing-package', `cannot run ${backendFile}: tsx is not installed; install it in the app: npm install --save-dev tsx`);
  }
  return pkg;
}

/** The file URL of a tsx export (`.` registers the loader; `./esm/api` has the namespaced import). */
function tsxEntry(pkg: ResolvedPackage, subpath: '.' | './esm/api'): string {
  const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
  const target = manifest.exports?.[subpath];
  const file = typeof target === 'string'
    ? target
    : (target as { import?: { default?: string } | string } | undefined)?.import;
  const entry = typeof file === 'string' ? file : file?.default;
  if (!entry) throw new BackendError('missing-package', `tsx ${pkg.version} at ${pkg.dir} has no ${subpath} export; install tsx 4 or later`);
  return pathToFileURL(join(pkg.dir, entry)).href;
}

/** ampx sandbox's namespace is the app's package.json name; CDK names take [A-Za-z0-9-]. */
function defaultNamespace(appRoot: string): string {
  let name: string | undefined;
  try {
    name = (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    name = undefined;
  }
  const cleaned = (name ?? basename(appRoot)).replace(/^@/, '').replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned || 'app';
}

/** The first stack frame in the app's own files (not node_modules), as `file:line:col`. */
function appFrame(stack: string | undefined, location: BackendLocation): string | undefined {
  for (const line of stack?.split('\n') ?? []) {
    const m = /\(?((?:file:\/\/)?\/[^():?]+)(?:\?[^:]*)?:(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (file.includes('/node_modules/')) continue;
    const rel = relative(location.appRoot, file);
    if (rel.startsWith('..') || isAbsolute(rel)) continue;
    return `${displayPath(file)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
