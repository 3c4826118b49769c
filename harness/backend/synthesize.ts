import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { userCacheDir } from '../../emulator/cache-home.js';
import { backendCacheKey } from './cache-key.js';
import { BackendError } from './errors.js';
import { locateBackend, needsTypeScriptLoader, resolveAppPackages, resolvePackage, type BackendLocation, type ResolvedPackage } from './locate.js';

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
  /** Stop a backend program that runs longer. Default 180 s. */
  timeoutMs?: number;
  /** Environment of the child process (CDK_OUTDIR and CDK_CONTEXT_JSON are set on top). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A backend synthesized into a cloud assembly. */
export interface SynthesizedBackend extends BackendLocation {
  /** Absolute path of the cloud assembly folder (manifest.json, `<stack>.template.json`, nested templates). */
  assemblyDir: string;
  context: BackendContext;
  /** The versions that synthesized it. */
  packages: Record<string, string>;
  /** The cache key (sha256 of the backend's files, package.json, lockfile, context and versions). */
  key: string;
  /** true: taken from the cache without running the program. */
  cached: boolean;
  /** Time spent here, including the child process when it ran. */
  durationMs: number;
  /** Removes a temporary assembly (`cache: false`); a no-op for cached ones. */
  dispose(): Promise<void>;
}

/** Bump when what is stored under a key changes shape. */
const CACHE_FORMAT = '1';
const META_FILE = 'ase-synth.json';
const DEFAULT_TIMEOUT_MS = 180_000;
/** Whether this module runs from TypeScript sources (tests): its child bootstrap is then .ts too. */
const CHILD_URL = new URL(import.meta.url.endsWith('.ts') ? './synth-child.ts' : './synth-child.js', import.meta.url);

/** `${XDG_CACHE_HOME:-~/.cache}/amplify-storage-emulator/backends` */
export function defaultBackendCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'backends');
}

/**
 * Synthesizes an Amplify Gen2 backend offline, as `ampx sandbox` would before deploying: runs the
 * app's `amplify/backend.ts` with the app's own @aws-amplify/backend and aws-cdk-lib in a child
 * process (TypeScript through the app's tsx, or this package's), with the three context values
 * ampx passes, and returns where the cloud assembly is. No AWS account or network is used.
 *
 * Cached by default, keyed by the backend's files, the app's package.json and lockfile, the
 * context and the package versions. Throws {@link BackendError}: `backend-not-found`,
 * `missing-package` (naming each package), `synth-failed` (with the synthesizer's own message and
 * where in the app it was thrown) or `synth-timeout`.
 */
export async function synthesizeBackend(input: string, options: SynthesizeOptions = {}): Promise<SynthesizedBackend> {
  const started = performance.now();
  const location = locateBackend(input);
  const packages = resolveAppPackages(location.backendFile);
  const loader = needsTypeScriptLoader(location.backendFile) || CHILD_URL.href.endsWith('.ts') ? typeScriptLoader(location.backendFile) : undefined;
  const context: BackendContext = {
    'amplify-backend-namespace': options.namespace ?? defaultNamespace(location.appRoot),
    'amplify-backend-name': options.name ?? 'emulator',
    'amplify-backend-type': 'sandbox',
  };
  const versions = Object.fromEntries([...packages.values()].map((p) => [p.name, p.version]));
  const key = backendCacheKey({
    amplifyDir: location.amplifyDir,
    appRoot: location.appRoot,
    extra: {
      format: CACHE_FORMAT,
      context: JSON.stringify(context),
      packages: JSON.stringify([...packages.values()].map((p) => [p.name, p.version, p.dir])),
      loader: loader ? `${loader.name}@${loader.version}` : 'node',
    },
  });
  const useCache = options.cache ?? true;
  const base = { ...location, context, packages: versions, key };

  if (useCache) {
    const cacheDir = options.cacheDir ?? defaultBackendCacheDir(options.env);
    const target = join(cacheDir, key.slice(0, 32));
    if (existsSync(join(target, META_FILE)) && existsSync(join(target, 'manifest.json'))) {
      return { ...base, assemblyDir: target, cached: true, durationMs: performance.now() - started, dispose: async () => undefined };
    }
    await mkdir(cacheDir, { recursive: true });
    const work = join(cacheDir, `.tmp-${randomUUID()}`);
    try {
      await runSynth(location, context, loader, work, options);
      await writeFile(join(work, META_FILE), `${JSON.stringify({ backendFile: location.backendFile, context, packages: versions, createdAt: new Date().toISOString() }, null, 2)}\n`);
      try {
        await rename(work, target);
      } catch (e) {
        // Another process stored the same key first: theirs is as good as ours.
        if (!existsSync(join(target, META_FILE))) throw e;
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return { ...base, assemblyDir: target, cached: false, durationMs: performance.now() - started, dispose: async () => undefined };
  }

  const work = await mkdtemp(join(tmpdir(), 'ase-synth-'));
  try {
    await runSynth(location, context, loader, join(work, 'cdk.out'), options);
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
  return {
    ...base,
    assemblyDir: join(work, 'cdk.out'),
    cached: false,
    durationMs: performance.now() - started,
    dispose: () => rm(work, { recursive: true, force: true }),
  };
}

export interface SynthesizeManyResult {
  input: string;
  backend?: SynthesizedBackend;
  error?: BackendError;
}

/**
 * Synthesizes several backends, `concurrency` child processes at a time (default 2), in input
 * order. Each backend is its own program (Amplify allows one defineAuth per process), so an
 * uncached backend costs one child process; cached ones cost a hash of their files.
 * Errors are returned per backend ({@link BackendError}); other errors are thrown.
 */
export async function synthesizeBackends(inputs: string[], options: SynthesizeOptions & { concurrency?: number } = {}): Promise<SynthesizeManyResult[]> {
  const results: SynthesizeManyResult[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      const input = inputs[i]!;
      try {
        results[i] = { input, backend: await synthesizeBackend(input, options) };
      } catch (e) {
        if (!(e instanceof BackendError)) throw e;
        results[i] = { input, error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, inputs.length)) }, worker));
  return results;
}

interface Loader { name: string; version: string; url: string }

/** The app's own tsx when it has one (as ampx runs `tsx amplify/backend.ts`), else this package's. */
function typeScriptLoader(backendFile: string): Loader {
  const fromApp = resolvePackage(backendFile, 'tsx');
  const own = createRequire(import.meta.url);
  const pkg: ResolvedPackage | undefined = fromApp ?? resolvePackage(own.resolve('tsx'), 'tsx');
  if (!pkg) {
    throw new BackendError('missing-package', `cannot run ${backendFile}: tsx is not installed; install it in the app: npm install --save-dev tsx`);
  }
  const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
  const entry = typeof manifest.exports?.['.'] === 'string' ? manifest.exports['.'] as string : './dist/loader.mjs';
  return { name: 'tsx', version: pkg.version, url: pathToFileURL(join(pkg.dir, entry)).href };
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

const STDERR_TAIL_BYTES = 16_384;

async function runSynth(location: BackendLocation, context: BackendContext, loader: Loader | undefined, outDir: string, options: SynthesizeOptions): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const errorFile = join(outDir, '..', `.synth-error-${randomUUID()}.json`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const display = displayPath(location.backendFile);
  try {
    const args = [...(loader ? ['--import', loader.url] : []), fileURLToPath(CHILD_URL), location.backendFile, errorFile];
    const child = spawn(process.execPath, args, {
      cwd: location.appRoot,
      env: { ...(options.env ?? process.env), CDK_OUTDIR: outDir, CDK_CONTEXT_JSON: JSON.stringify(context) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : null)));
    }).finally(() => clearTimeout(timer));

    if (timedOut) {
      throw new BackendError('synth-timeout', `${display} did not finish synthesizing within ${Math.round(timeoutMs / 1000)} s; `
        + 'does it wait for something (a timer, a server, input)? Output so far:\n' + indent(lastLines(output, 15)));
    }
    const childError = await readFile(errorFile, 'utf8').then((t) => JSON.parse(t) as { name: string; message: string; resolution?: string; stack?: string }, () => undefined);
    if (childError) {
      const where = appFrame(childError.stack, location);
      throw new BackendError('synth-failed', `${display} did not synthesize: ${childError.name}: ${childError.message}`
        + (where ? `\n  at ${where}` : '')
        + (childError.resolution ? `\n  fix: ${childError.resolution}` : ''));
    }
    if (code !== 0) {
      throw new BackendError('synth-failed', `${display} did not synthesize (exit code ${code}):\n${indent(lastLines(output, 20))}`);
    }
    if (!existsSync(join(outDir, 'manifest.json'))) {
      throw new BackendError('synth-failed', `${display} ran but wrote no cloud assembly: does it call defineBackend(...) (or new App() from aws-cdk-lib)?`);
    }
  } finally {
    await rm(errorFile, { force: true });
  }
}

/** The first stack frame in the app's own files (not node_modules), as `file:line:col`. */
function appFrame(stack: string | undefined, location: BackendLocation): string | undefined {
  for (const line of stack?.split('\n') ?? []) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.replace(/^file:\/\//, '');
    if (file.includes(`${'/'}node_modules/`)) continue;
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
