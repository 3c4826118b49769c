/**
 * Runs differential cases: each case's role policy (and bucket policy) through the emulator's
 * real compiler, credentials and a real MinIO, each request as a real S3 call; the same
 * request through the independent evaluator; every disagreement either matched by one entry of
 * the exception list or reported as unexplained, with both sides' inputs.
 */
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { MinioStsError } from '../../emulator/minio/sts.js';
import { PolicyValidationError } from '../../emulator/policy/validate-iam.js';
import { settle, type PolicyHarness } from '../helpers/minio-policy-harness.js';
import { BUCKETS, EXISTING_KEYS, MAIN, generateCase, type DiffCase, type DiffRequest } from './cases.js';
import { explain, type ExceptionEntry } from './exceptions.js';
import { awsAction, forOracle, oracleDecision, requestContext, type Decision } from './oracle.js';

/** `refused`: the emulator refused the documents; `too-large`: MinIO refused the cross-account session policy (over 2048 bytes). */
export type OurDecision = Decision | 'refused' | 'too-large' | `error: ${string}`;

export interface Disagreement {
  caseId: string;
  request: DiffRequest;
  awsAction: string;
  requestContext: Record<string, string | string[]>;
  ours: OurDecision;
  oracle: Decision;
  oracleResult: string;
  /** The exception entry that explains it, if any. */
  exception?: string;
  rolePolicy: DiffCase['rolePolicy'];
  bucketPolicy?: DiffCase['bucketPolicy'];
  crossAccount: boolean;
  /** What the emulator installed in MinIO for the role, and its decisions. */
  compiled?: unknown;
  sessionPolicy?: unknown;
  decisions?: string[];
}

export interface DifferentialReport {
  seed: string;
  cases: number;
  requests: number;
  agreed: number;
  explained: Disagreement[];
  unexplained: Disagreement[];
  /** Exception entries and how many disagreements each explained. */
  byException: Record<string, number>;
}

/** Objects and versions every case's requests may touch; call once per harness. */
export async function prepareBuckets(h: PolicyHarness): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const bucket of BUCKETS) {
    await h.admin.client.setBucketVersioning(bucket, { Status: 'Enabled' });
    for (const key of EXISTING_KEYS) {
      await h.admin.putObject(bucket, key, key);
      versions.set(`${bucket}/${key}`, (await h.admin.client.statObject(bucket, key)).versionId!);
    }
  }
  return versions;
}

async function classify(call: Promise<unknown>): Promise<OurDecision> {
  const settled = await settle(call);
  if (settled.ok) return 'allowed';
  const { name, status } = settled;
  if (status === 403) return 'denied';
  if (status === 404 || name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound') return 'allowed';
  return `error: ${status ?? '?'} ${name}`;
}

function send(s3: S3Client, req: DiffRequest, versionId: string | undefined): Promise<OurDecision> {
  switch (req.op) {
    case 'GetObject': return classify(s3.send(new GetObjectCommand({ Bucket: req.bucket, Key: req.key, ...(req.versioned ? { VersionId: versionId } : {}) })));
    case 'HeadObject': return classify(s3.send(new HeadObjectCommand({ Bucket: req.bucket, Key: req.key, ...(req.versioned ? { VersionId: versionId } : {}) })));
    case 'PutObject': return classify(s3.send(new PutObjectCommand({ Bucket: req.bucket, Key: req.key, Body: 'x' })));
    case 'DeleteObject': return classify(s3.send(new DeleteObjectCommand({ Bucket: req.bucket, Key: req.key })));
    case 'ListObjectsV2': return classify(s3.send(new ListObjectsV2Command({
      Bucket: req.bucket,
      ...(req.prefix !== undefined ? { Prefix: req.prefix } : {}),
      ...(req.delimiter !== undefined ? { Delimiter: req.delimiter } : {}),
      ...(req.maxKeys !== undefined ? { MaxKeys: req.maxKeys } : {}),
    })));
  }
}

/** Runs one case on both sides; returns each request's disagreement or undefined. */
export async function runCase(h: PolicyHarness, c: DiffCase, versions: Map<string, string>, exceptions: readonly ExceptionEntry[]): Promise<Array<Disagreement | undefined>> {
  let session: Awaited<ReturnType<PolicyHarness['credentialsFor']>> | undefined;
  let unavailable: OurDecision = 'refused';
  try {
    session = await h.credentialsFor([c.rolePolicy], { bucket: MAIN, crossAccount: c.crossAccount, ...(c.bucketPolicy ? { bucketPolicy: c.bucketPolicy } : {}) });
  } catch (err) {
    if (err instanceof MinioStsError && /should not exceed 2048/.test(err.message)) unavailable = 'too-large';
    else if (!(err instanceof PolicyValidationError)) throw err;
  }
  return Promise.all(c.requests.map(async (req) => {
    const versionId = 'key' in req ? versions.get(`${req.bucket}/${req.key}`) : undefined;
    const ours: OurDecision = session ? await send(session.s3, req, versionId) : unavailable;
    const theirs = oracleDecision(c, req, versionId);
    if (ours === theirs.decision) return undefined;
    const d: Disagreement = {
      caseId: c.id, request: req, awsAction: awsAction(req), requestContext: requestContext(req, versionId),
      ours, oracle: theirs.decision, oracleResult: theirs.result,
      rolePolicy: c.rolePolicy, ...(c.bucketPolicy ? { bucketPolicy: c.bucketPolicy } : {}), crossAccount: c.crossAccount,
      ...(session ? { compiled: session.installed, decisions: session.warnings } : {}),
      ...(session?.build.sessionPolicy ? { sessionPolicy: session.build.sessionPolicy } : {}),
    };
    const entry = explain(exceptions, c, req, ours, theirs.decision);
    if (entry) d.exception = entry.id;
    return d;
  }));
}

/** Runs `cases` cases of `seed`, `concurrency` cases at a time. */
export async function runDifferential(
  h: PolicyHarness,
  options: { seed: string; cases: number; requestsPerCase?: number; concurrency?: number; exceptions: readonly ExceptionEntry[]; onProgress?: (done: number) => void },
): Promise<DifferentialReport> {
  const versions = await prepareBuckets(h);
  const report: DifferentialReport = { seed: options.seed, cases: 0, requests: 0, agreed: 0, explained: [], unexplained: [], byException: {} };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < options.cases; i = next++) {
      const c = generateCase(options.seed, i, options.requestsPerCase);
      const results = await runCase(h, c, versions, options.exceptions);
      report.cases++;
      for (const d of results) {
        report.requests++;
        if (!d) report.agreed++;
        else if (d.exception) {
          report.explained.push(d);
          report.byException[d.exception] = (report.byException[d.exception] ?? 0) + 1;
        } else report.unexplained.push(d);
      }
      options.onProgress?.(report.cases);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return report;
}

export { forOracle };
