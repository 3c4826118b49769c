import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Stack } from '../../emulator/stack.js';
import type { TransportTargets } from '../../emulator/transport/node.js';
import { createReporters } from '../../harness/reporters/index.js';
import { ClientWorkerPool, clientWorkersAvailable } from '../../harness/runner/client-workers.js';
import { runScenarios } from '../../harness/runner/run.js';
import { WarmApps } from '../../harness/runner/warm-apps.js';
import type { Shard } from '../../harness/runner/shard.js';
import { expandScenarioArgs } from '../../harness/scenario/files.js';
import { appFlagDependencies, backendDependencies } from '../../harness/scenario/backend-source.js';
import { loadScenarioFiles } from '../../harness/scenario/load-many.js';
import { seededPasswords } from '../../harness/scenario/password.js';
import { scenarioDependencies, touches, type Dependency } from '../../harness/watch/dependencies.js';
import { ChangeWatcher } from '../../harness/watch/watcher.js';
import { progressToStderr } from './progress.js';

export interface WatchOptions {
  args: string[];
  reporterNames: string[];
  out: string;
  filter?: string;
  derive?: boolean;
  concurrency?: number;
  shard?: Shard;
  /** --backend / --template: the app of files that name neither (absolute). */
  backend?: string;
  template?: string;
}

const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

/**
 * `ase test --watch`: one stack (and one set of client workers) kept warm; runs every file once,
 * then re-runs the scenario files that change, and those whose policy, outputs or backend files
 * change, each time with a cleared screen and the same report as `ase test`. Ctrl-C stops the
 * watchers, the workers and the stack (MinIO included) and exits 0.
 */
export async function runWatch(options: WatchOptions): Promise<number> {
  const cwd = process.cwd();
  const rel = (f: string) => path.relative(cwd, f) || f;
  let stopping = false;
  // Once stopping, nothing more reaches the terminal: a run cut short would only print noise.
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      if (stopping) done();
      else process.stdout.write(chunk, () => done());
    },
  });
  // Everything goes through the one stream, so the watcher's lines and the reports keep their order.
  const say = (text: string) => {
    if (!stopping) stdout.write(text);
  };

  let files: string[];
  try {
    files = await expandScenarioArgs(options.args, cwd);
  } catch (e) {
    process.stderr.write(`ase test: ${(e as Error).message}\n`);
    return 2;
  }
  // Listeners stay until the stack is down (`on`, not `once`): the MinIO safety net re-raises a
  // signal nobody else listens to, which would end the process before it has cleaned up.
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    onSignal = (signal) => resolve(signal);
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  // The client workers load aws-amplify while the stack starts, and stay warm across re-runs.
  let stackStarted: (targets: TransportTargets) => void = () => {};
  const clients = clientWorkersAvailable() ? new ClientWorkerPool(concurrency, new Promise((resolve) => { stackStarted = resolve; })) : undefined;
  let stack: Stack;
  try {
    stack = await Stack.start({ onProgress: progressToStderr });
  } catch (e) {
    await clients?.close();
    throw e;
  }
  stackStarted(stack.transportTargets);
  // Each scenario's app (pools, signed-in users) stays between its runs: a re-run signs in only
  // users whose part of the auth changed.
  const warm = new WarmApps(stack);
  const dependencies = new Map<string, Dependency[]>();
  const passwordSeed = randomBytes(16).toString('hex');
  const app = { ...(options.backend !== undefined ? { backend: options.backend } : {}), ...(options.template !== undefined ? { template: options.template } : {}) };
  const flagDependencies = appFlagDependencies(app);

  const watcher = new ChangeWatcher((changed) => onChange(changed));
  const watchFolders = () => {
    const folders: Array<{ path: string; recursive: boolean }> = [];
    for (const arg of options.args) {
      const abs = path.resolve(cwd, arg);
      // A folder or a glob argument: new scenario files may appear anywhere below it.
      if (/[*?]/.test(arg)) folders.push({ path: abs.slice(0, abs.search(/[*?]/)).replace(/[^/\\]*$/, '') || path.parse(abs).root, recursive: true });
      else if (!files.includes(abs)) folders.push({ path: abs, recursive: true });
    }
    for (const f of files) folders.push({ path: path.dirname(f), recursive: false });
    for (const deps of dependencies.values()) {
      for (const d of deps) folders.push(d.folder ? { path: d.path, recursive: true } : { path: path.dirname(d.path), recursive: false });
    }
    watcher.setFolders(folders);
  };

  let running: Promise<void> | undefined;
  let queued: { files: Set<string>; changed: Set<string> } | undefined;

  const runFiles = async (toRun: string[], changed: string[]): Promise<void> => {
    const startedAt = performance.now();
    if (process.stdout.isTTY) say(CLEAR_SCREEN);
    say(changed.length === 0
      ? `ase test --watch: running ${toRun.length} scenario ${toRun.length === 1 ? 'file' : 'files'}\n`
      : `ase test --watch: ${changed.map(rel).join(', ')} changed; re-running ${toRun.map(rel).join(', ')}\n`);
    // A user without a password in the file gets the same generated one on every load of the file
    // (random per watch session), so an unchanged user stays signed in across re-runs.
    const perFile = await Promise.all(toRun.map((f) => loadScenarioFiles([f], { ...app, generatePassword: seededPasswords(`${passwordSeed}\0${f}`) })));
    const loaded = { scenarios: perFile.flatMap((l) => l.scenarios), errors: perFile.flatMap((l) => l.errors) };
    // Besides what the file names: the backend it was read from (its amplify/ folder and the files
    // backend.ts imports from elsewhere), or the --backend / --template of a file that did not load.
    await Promise.all(toRun.map(async (f) => {
      const scenario = loaded.scenarios.find((s) => s.file === f);
      dependencies.set(f, [...await scenarioDependencies(f), ...(scenario ? backendDependencies(scenario) : flagDependencies)]);
    }));
    watchFolders();
    if (loaded.errors.length > 0) {
      for (const error of loaded.errors) say(`${error}\n`);
      say(`\n${loaded.errors.length === 1 ? 'A scenario file was' : `${loaded.errors.length} scenario files were`} rejected; fix it and save to run again.\n`);
    }
    if (loaded.scenarios.length > 0) {
      const reporter = createReporters(options.reporterNames, { out: options.out, cwd, stream: stdout });
      const summary = await runScenarios(loaded.scenarios, {
        stack,
        reporter,
        ...(clients ? { clients } : {}),
        warm,
        ...(options.filter !== undefined ? { filter: options.filter } : {}),
        ...(options.derive ? { derive: true } : {}),
        ...(options.shard ? { shard: options.shard } : {}),
        concurrency,
      });
      if (!options.reporterNames.includes('pretty')) say(`${summary.passed} passed, ${summary.failed} failed\n`);
    }
    const deps = new Set([...dependencies.values()].flat().map((d) => d.path));
    say(`\nWatching ${files.length} scenario ${files.length === 1 ? 'file' : 'files'}${deps.size ? ` and ${deps.size} ${deps.size === 1 ? 'file' : 'files'} they use` : ''} (run took ${Math.round(performance.now() - startedAt)} ms). Save a file to re-run it; Ctrl-C stops.\n`);
  };

  let pruning: Promise<void> = Promise.resolve();
  const schedulePrune = () => {
    pruning = pruning.then(() => running).then(() => warm.keepOnly(files)).catch(() => undefined);
  };

  const schedule = (toRun: string[], changed: string[]): void => {
    if (stopping) return;
    if (running) {
      queued ??= { files: new Set(), changed: new Set() };
      toRun.forEach((f) => queued!.files.add(f));
      changed.forEach((f) => queued!.changed.add(f));
      return;
    }
    running = runFiles(toRun, changed)
      .catch((e: Error) => say(`ase test --watch: the run failed: ${e.message}\n`))
      .finally(() => {
        running = undefined;
        const next = queued;
        queued = undefined;
        if (next) schedule([...next.files].sort(), [...next.changed]);
      });
  };

  function onChange(changed: string[]): void {
    if (stopping) return;
    void (async () => {
      const before = new Set(files);
      try {
        files = await expandScenarioArgs(options.args, cwd);
      } catch (e) {
        say(`ase test --watch: ${(e as Error).message}; waiting for changes.\n`);
        files = [];
      }
      for (const f of [...dependencies.keys()]) if (!files.includes(f)) dependencies.delete(f);
      // Scenario files gone from the watch take their warm apps with them (queued behind a run).
      if (!stopping) schedulePrune();
      const affected = files.filter((f) => changed.includes(f) || !before.has(f) || (dependencies.get(f) ?? []).some((d) => changed.some((c) => touches(d, c))));
      watchFolders();
      if (affected.length > 0) schedule(affected, changed.filter((c) => affected.includes(c) || [...dependencies.values()].flat().some((d) => touches(d, c))));
    })();
  }

  schedule(files, []);
  const signal = await stopped;
  stopping = true;
  watcher.close();
  process.stderr.write(`\nase test --watch: ${signal}, stopping the stack.\n`);
  // Workers and stack first: a run in progress then ends quickly (its output is dropped).
  await clients?.close();
  await stack.close();
  await running?.catch(() => undefined);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  return 0;
}
