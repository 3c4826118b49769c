/**
 * The child process that synthesizes backends. `argv[2]` is a JSON job file:
 * `{ tsxApi, jobs: [{ backendFile, appRoot, outDir, context }] }`. For each job in turn it enters
 * appRoot, sets CDK_OUTDIR and CDK_CONTEXT_JSON, and imports the backend program in a tsx
 * namespace of its own: a fresh instance of every ES module it loads, so Amplify's
 * one-defineAuth-per-backend singletons start over, while aws-cdk-lib (CommonJS) loads once.
 * Then it asks an Amplify backend to synthesize as ampx's toolkit does (the `amplifySynth`
 * message). Plain CDK apps synthesize on exit by themselves (CDK_OUTDIR makes aws-cdk-lib's App
 * auto-synthesize).
 *
 * It reports on file descriptor 3, one JSON line per job: `{ index, ok: true }` or
 * `{ index, ok: false, error: { name, message, resolution?, stack? } }`. `imports` lists the local
 * files (not node_modules) the program imported, as tsx saw them: the cache key covers them.
 */
import { readFileSync, writeSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Job { backendFile: string; appRoot: string; outDir: string; context: Record<string, string> }
interface ChildError { name: string; message: string; resolution?: string; stack?: string }
interface TsxApi {
  register(options: { namespace: string; onImport?: (url: string) => void }): { import(specifier: string, parent: string): Promise<unknown>; unregister(): Promise<void> };
}

const { tsxApi, jobs } = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { tsxApi: string; jobs: Job[] };
const REPORT_FD = 3;
let current = -1;
const reported = new Set<number>();

function send(message: object): void {
  writeSync(REPORT_FD, `${JSON.stringify(message)}\n`);
}

function describe(error: unknown): ChildError {
  const e = error instanceof Error ? error : new Error(String(error));
  const resolution = (e as { resolution?: unknown }).resolution;
  return {
    name: e.name,
    message: e.message,
    ...(typeof resolution === 'string' ? { resolution } : {}),
    ...(e.stack ? { stack: e.stack } : {}),
  };
}

function fail(index: number, error: unknown): void {
  if (index < 0 || reported.has(index)) return;
  reported.add(index);
  send({ index, ok: false, error: describe(error) });
}

// An error thrown later by a backend's own callbacks belongs to the backend being synthesized.
process.on('uncaughtException', (error) => fail(current, error));
process.on('unhandledRejection', (error) => fail(current, error));

const { register } = await import(tsxApi) as TsxApi;
for (const [index, job] of jobs.entries()) {
  current = index;
  // As under ampx, the program runs from the app's folder (some read files relative to it).
  process.chdir(job.appRoot);
  process.env.CDK_OUTDIR = job.outDir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify(job.context);
  const imports = new Set<string>();
  const scope = register({
    namespace: `ase-synth-${index}`,
    onImport: (url) => {
      if (!url.startsWith('file:') || url.includes('/node_modules/')) return;
      try {
        imports.add(fileURLToPath(url.replace(/[?#].*$/, '')));
      } catch {
        // not a file
      }
    },
  });
  try {
    await scope.import(pathToFileURL(job.backendFile).href, import.meta.url);
    (process as NodeJS.EventEmitter).emit('message', 'amplifySynth');
    if (!reported.has(index)) {
      reported.add(index);
      send({ index, ok: true, imports: [...imports] });
    }
  } catch (error) {
    fail(index, error);
  } finally {
    await scope.unregister();
  }
}
current = -1;
