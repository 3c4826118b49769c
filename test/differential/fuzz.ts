/**
 * `npm run fuzz -- --cases N --seed S [--out FILE]`: N seeded differential cases (requests; 10
 * per generated policy) against a fresh MinIO, compared with iam-simulate. Writes every
 * disagreement, explained or not, with both sides' inputs to FILE (default
 * reports/fuzz-<seed>.json) and exits 1 when any is unexplained.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startMinioPolicyHarness } from '../helpers/minio-policy-harness.js';
import { BUCKETS } from './cases.js';
import { EXCEPTIONS } from './exceptions.js';
import { runDifferential } from './run.js';

const REQUESTS_PER_CASE = 10;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { cases: { type: 'string', default: '1000' }, seed: { type: 'string', default: 'fuzz' }, out: { type: 'string' }, concurrency: { type: 'string', default: '4' } },
  });
  const requests = Number(values.cases);
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`--cases must be a positive integer, not ${values.cases}`);
  const seed = values.seed!;
  const out = path.resolve(values.out ?? `reports/fuzz-${seed}.json`);
  const policies = Math.ceil(requests / REQUESTS_PER_CASE);
  const started = Date.now();
  const harness = await startMinioPolicyHarness({ buckets: [...BUCKETS] });
  let report;
  try {
    report = await runDifferential(harness, {
      seed, cases: policies, requestsPerCase: REQUESTS_PER_CASE, exceptions: EXCEPTIONS, concurrency: Number(values.concurrency),
      onProgress: (done) => { if (done % 50 === 0) process.stderr.write(`  ${done}/${policies} policies\n`); },
    });
  } finally {
    await harness.stop();
  }
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...report, explained: report.explained, unexplained: report.unexplained }, null, 2)}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const lines = [
    `seed ${seed}: ${report.requests} cases (${report.cases} policies) in ${seconds} s`,
    `  agree with iam-simulate: ${report.agreed} (${((100 * report.agreed) / report.requests).toFixed(2)} %)`,
    `  documented exceptions:   ${report.explained.length}${Object.entries(report.byException).map(([id, n]) => `\n    ${id}: ${n}`).join('')}`,
    `  unexplained:             ${report.unexplained.length}`,
    `  every disagreement, with both sides' inputs: ${path.relative(process.cwd(), out)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return report.unexplained.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`fuzz: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
