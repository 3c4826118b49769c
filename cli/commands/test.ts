import { Stack, type StackFailure } from '../../emulator/stack.js';
import { createReporters, type Reporter } from '../../harness/reporters/index.js';
import type { RunSummary } from '../../harness/results.js';
import { availableParallelism } from 'node:os';
import type { TransportTargets } from '../../emulator/transport/node.js';
import { ClientWorkerPool, clientWorkersAvailable } from '../../harness/runner/client-workers.js';
import { planRun, reportEmptyRun, runScenarios, type RunStop } from '../../harness/runner/run.js';
import { parseShard, type Shard } from '../../harness/runner/shard.js';
import { loadScenarioFiles } from '../../harness/scenario/load-many.js';
import { expandScenarioArgs } from '../../harness/scenario/files.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, exitCodeForSignal } from '../exit-codes.js';
import { watchInterrupts } from '../interrupts.js';
import { UsageError, withUsageErrors } from '../main.js';
import { describeStackFailure } from '../stack-failure.js';
import { progressToStderr } from './progress.js';

/**
 * `ase test`: load every file first (a bad file stops the run before anything starts), then run.
 * If MinIO dies the run stops at once (exit 3, reports marked ABORTED); on SIGINT/SIGTERM it stops,
 * writes what ran marked INTERRUPTED, stops MinIO, and exits 128 + the signal.
 */
export async function runTest(args: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() => parseArgs({ args, allowPositionals: true, options: {
    reporter: { type: 'string', multiple: true },
    out: { type: 'string' },
    filter: { type: 'string' },
    derive: { type: 'boolean' },
    concurrency: { type: 'string' },
    shard: { type: 'string' },
    watch: { type: 'boolean' },
    backend: { type: 'string' },
    template: { type: 'string' },
    client: { type: 'string' },
  } }));
  const client = values.client;
  if (client !== undefined && client !== 'node' && client !== 'browser' && client !== 'both') {
    throw new UsageError(`--client takes node, browser or both, not '${client}'`);
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new UsageError(`--concurrency takes a whole number ≥ 1, not '${values.concurrency}'`);
  }
  let shard: Shard | undefined;
  if (values.shard !== undefined) {
    try {
      shard = parseShard(values.shard);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const reporterNames = values.reporter && values.reporter.length > 0 ? values.reporter : ['pretty'];
  // Set when the stack breaks mid-run; its block goes to stderr before the reporters' last lines.
  let failure: StackFailure | undefined;
  const failureBlock: Reporter = {
    name: 'stack-failure',
    onRunEnd(summary: RunSummary) {
      if (failure) process.stderr.write(describeStackFailure(failure, 'test', summary.aborted?.notRun));
    },
  };
  let reporter;
  try {
    reporter = createReporters([...reporterNames, failureBlock], { out: values.out ?? 'reports/', cwd: process.cwd() });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.watch) {
    const { runWatch } = await import('./test-watch.js');
    return runWatch({
      args: positionals.length > 0 ? positionals : ['scenarios'],
      reporterNames,
      out: values.out ?? 'reports/',
      ...(values.filter !== undefined ? { filter: values.filter } : {}),
      ...(values.derive ? { derive: true } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(shard ? { shard } : {}),
      ...(values.backend !== undefined ? { backend: path.resolve(values.backend) } : {}),
      ...(values.template !== undefined ? { template: path.resolve(values.template) } : {}),
    });
  }

  let files: string[];
  try {
    files = await expandScenarioArgs(positionals.length > 0 ? positionals : ['scenarios']);
  } catch (e) {
    process.stderr.write(`ase test: ${(e as Error).message}\n`);
    return 2;
  }
  // --backend / --template: the app the files test, unless a file names its own.
  const loaded = await loadScenarioFiles(files, {
    ...(values.backend !== undefined ? { backend: path.resolve(values.backend) } : {}),
    ...(values.template !== undefined ? { template: path.resolve(values.template) } : {}),
  });
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    process.stdout.write(`\n${loaded.errors.length === 1 ? 'A scenario file was' : `${loaded.errors.length} scenario files were`} rejected; nothing ran.\n`);
    process.stdout.write(`0 passed, ${loaded.rejectedFiles} failed\n`);
    return 1;
  }

  const selection = {
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...(values.derive ? { derive: true } : {}),
    ...(shard ? { shard } : {}),
  };
  if (shard && planRun(loaded.scenarios, selection).length === 0) {
    // More shards than files with cases: this one has nothing to do, which is not a failure.
    await reportEmptyRun(reporter, shard);
    process.stdout.write(`Shard ${shard.index}/${shard.count} got no scenario files (${loaded.scenarios.length} for ${shard.count} shards); nothing to run.\n`);
    if (!reporterNames.includes('pretty')) process.stdout.write('0 passed, 0 failed\n');
    return 0;
  }

  // The client workers load aws-amplify while the stack starts; they learn where it is after.
  const workers = Math.max(1, concurrency ?? availableParallelism());
  let stackStarted: (targets: TransportTargets) => void = () => {};
  const clients = clientWorkersAvailable() ? new ClientWorkerPool(workers, new Promise((resolve) => { stackStarted = resolve; })) : undefined;
  const controller = new AbortController();
  const interrupts = watchInterrupts((signal) => {
    process.stderr.write(`\nase test: ${signal}: stopping; the results so far are written marked INTERRUPTED. Again to exit at once.\n`);
    controller.abort({ kind: 'interrupted', reason: `interrupted by ${signal}` } satisfies RunStop);
  });
  let stack: Stack;
  try {
    stack = await Stack.start({ onProgress: progressToStderr });
  } catch (e) {
    await clients?.close();
    interrupts.dispose();
    throw e;
  }
  stackStarted(stack.transportTargets);
  void stack.failure.then((f) => {
    failure = f;
    controller.abort({ kind: 'infrastructure', reason: f.message } satisfies RunStop);
  });
  try {
    const summary = await runScenarios(loaded.scenarios, {
      stack,
      reporter,
      ...selection,
      ...(clients ? { clients } : {}),
      concurrency: workers,
      signal: controller.signal,
      ...(client !== undefined ? { client } : {}),
    });
    const skipped = summary.scenarios.flatMap((s) => s.warnings.filter((w) => w.startsWith('not run in the browser client:')));
    if (skipped.length > 0) process.stderr.write(`ase test: ${skipped[0]} (${skipped.length} scenario${skipped.length > 1 ? 's' : ''} ran in Node only)\n`);
    if (!summary.aborted && summary.passed + summary.failed === 0) {
      process.stderr.write(values.filter !== undefined
        ? `ase test: no case matched --filter ${JSON.stringify(values.filter)}; nothing ran.\n`
        : 'ase test: the scenario files hold no cases; nothing ran.\n');
    }
    // The spec promises `N passed, N failed` as the last line; the pretty reporter prints it, so
    // print it here when only file reporters run.
    if (!reporterNames.includes('pretty')) process.stdout.write(`${summary.passed} passed, ${summary.failed} failed\n`);
    if (failure) return EXIT.infrastructure;
    if (interrupts.signal) return exitCodeForSignal(interrupts.signal);
    return summary.failed === 0 && summary.passed > 0 ? EXIT.ok : EXIT.failed;
  } finally {
    // MinIO is stopped before the command returns, whatever ended the run.
    await clients?.close();
    await stack.close();
    interrupts.dispose();
  }
}

