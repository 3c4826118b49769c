import { parseArgs } from 'node:util';
import { createReporters } from '../../harness/reporters/index.js';
import { findResultsFiles, MergeError, mergeRunSummaries, readRunResults, replayRun } from '../../harness/reporters/merge.js';
import { UsageError, withUsageErrors } from '../main.js';

/**
 * `ase merge-reports <dirs or files...>`: joins the json results of several `ase test` runs
 * (the shards of one run) and writes the reports one run over all their files would have written.
 */
export async function runMergeReports(args: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() => parseArgs({ args, allowPositionals: true, options: {
    reporter: { type: 'string', multiple: true },
    out: { type: 'string' },
  } }));
  if (positionals.length === 0) throw new UsageError('name the folders (or results.json files) to merge, e.g. ase merge-reports shards/ --reporter html --out reports/');
  const reporterNames = values.reporter && values.reporter.length > 0 ? values.reporter : ['pretty'];
  let reporter;
  try {
    reporter = createReporters(reporterNames, { out: values.out ?? 'reports/', cwd: process.cwd() });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let merged;
  let count = 0;
  try {
    const files = await findResultsFiles(positionals);
    count = files.length;
    merged = mergeRunSummaries(await Promise.all(files.map((f) => readRunResults(f))));
  } catch (e) {
    if (e instanceof MergeError) {
      process.stderr.write(`ase merge-reports: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const { summary, problems } = merged;
  process.stderr.write(`Merging ${count} results ${count === 1 ? 'file' : 'files'}${summary.shards ? ` (shards ${summary.shards.map((s) => s.index).join(', ')} of ${summary.shards[0]!.count})` : ''}\n`);
  await replayRun(summary, reporter);
  for (const problem of problems) process.stderr.write(`ase merge-reports: ${problem}\n`);
  if (!reporterNames.includes('pretty')) process.stdout.write(`${summary.passed} passed, ${summary.failed} failed\n`);
  return problems.length === 0 && summary.failed === 0 && summary.passed > 0 ? 0 : 1;
}
