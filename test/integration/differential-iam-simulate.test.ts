/**
 * The differential test: 1,100 seeded (role policy, bucket policy, request) cases decided twice,
 * by the emulator (real compiler, real credentials, real MinIO, real S3 calls) and by an
 * independent IAM evaluator (@cloud-copilot/iam-simulate). Every disagreement must be explained
 * by one entry of the exception list; `npm run fuzz -- --cases N --seed S` runs more.
 */
import { describe, expect, it } from 'vitest';
import { useMinioPolicyHarness } from '../helpers/minio-policy-harness.js';
import { BUCKETS } from '../differential/cases.js';
import { EXCEPTIONS } from '../differential/exceptions.js';
import { runDifferential } from '../differential/run.js';

const h = useMinioPolicyHarness({ buckets: [...BUCKETS] });

describe('differential test against iam-simulate', () => {
  it('1,100 seeded cases: every disagreement is a documented exception', async () => {
    const report = await runDifferential(h(), { seed: 'ase-ci', cases: 110, requestsPerCase: 10, exceptions: EXCEPTIONS });
    expect(report.requests).toBeGreaterThanOrEqual(1_000);
    const summary = `${report.agreed}/${report.requests} agree; explained: ${JSON.stringify(report.byException)}; unexplained: ${report.unexplained.length}`;
    console.log(summary);
    const classes = new Map<string, number>();
    for (const d of report.unexplained) {
      const k = `${d.ours}/${d.oracle} ${d.awsAction} xacct=${d.crossAccount} bp=${!!d.bucketPolicy}`;
      classes.set(k, (classes.get(k) ?? 0) + 1);
    }
    console.log([...classes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join('\n'));
    if (process.env.DIFF_DUMP) (await import('node:fs')).writeFileSync(process.env.DIFF_DUMP, JSON.stringify(report.unexplained, null, 1));
    expect(report.unexplained.slice(0, 3), summary).toStrictEqual([]);
  }, 600_000);
});
