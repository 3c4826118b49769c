/**
 * What a scenario file points at, read and checked where the file points: the `outputs:` file,
 * the app of `backend:` / `template:`, and the IAM policy documents of `bucketPolicy` and
 * `policies` (files or inline). Problems are reported at the reference.
 */
import { BackendError, type SynthesizeOptions } from '../backend/index.js';
import type { IamPolicyDocument } from '../../emulator/policy/types.js';
import { loadBackendSource, outputsFromApp, type LoadedBackend } from './backend-source.js';
import { checkPolicyDocument } from './iam-check.js';
import type { PolicyKind } from './iam-check.js';
import type { IssueSink, ReferencedFile } from './issue-sink.js';
import { readOutputs } from './outputs.js';
import type { OutputsContent } from './outputs.js';
import { readReferencedJson } from './read.js';
import { checkPolicyDocumentSchema, describePath } from './schema-check.js';
import type { NamedPolicy } from './types.js';
import { isRecord, record } from './values.js';
import type { Dict } from './values.js';
import type { Segment } from './yaml-source.js';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';

/** The amplify_outputs a scenario takes buckets, groups and guest access from. */
export interface LoadedOutputs {
  ref: string;
  file: ReferencedFile;
  content: OutputsContent;
  /** The scenario key its problems are reported at (default `outputs`). */
  refPath?: Segment[];
}

/** `outputs: <file>`: read, with the problems of the sections the scenario does not override. */
export async function loadOutputs(sink: IssueSink, dir: string, ref: string, data: Dict): Promise<LoadedOutputs | undefined> {
  const refPath = ['outputs'];
  const file = await readReferencedJson(sink, dir, refPath, ref, 'outputs');
  if (!file) return undefined;
  const { content, problems: all } = readOutputs(file.data);
  // Sections the scenario overrides are not read, so their problems do not matter.
  const ownBuckets = Array.isArray(data['buckets']);
  const ownGroups = Array.isArray(record(data['auth'])?.['groups']);
  const ownGuestAccess = typeof record(data['auth'])?.['guestAccess'] === 'boolean';
  const problems = all.filter(
    (p) =>
      !(ownBuckets && p.path[0] === 'storage') &&
      !(ownGroups && p.path[0] === 'auth' && p.path[1] === 'groups') &&
      !(ownGuestAccess && p.path[0] === 'auth' && p.path[1] === 'unauthenticated_identities_enabled'),
  );
  for (const p of problems) sink.reportInFile(refPath, ref, file, p.path, p.message, p.anchor);
  if (!content) return undefined;
  if (!Array.isArray(data['buckets']) && content.buckets === undefined && problems.length === 0) {
    sink.report(
      refPath,
      `${ref} has no "storage" section, so it names no buckets; add \`buckets:\` to the scenario, or point \`outputs:\` at the amplify_outputs.json of an app that uses storage`,
    );
  }
  return { ref, file, content };
}

/** `backend:` (synthesized offline) or `template:` (read as it is). */
export async function loadBackend(sink: IssueSink, dir: string, data: Dict, synthesize?: SynthesizeOptions): Promise<LoadedBackend | undefined> {
  const kind = typeof data['backend'] === 'string' ? 'backend' : typeof data['template'] === 'string' ? 'template' : undefined;
  if (!kind) return undefined;
  if (typeof data['backend'] === 'string' && typeof data['template'] === 'string') {
    sink.report(['template'], 'give `backend:` (the amplify/ folder) or `template:` (a cdk.out folder or template), not both');
    return undefined;
  }
  const region = typeof data['region'] === 'string' ? data['region'] : DEFAULT_REGION;
  const accountId = typeof record(data['auth'])?.['accountId'] === 'string' ? record(data['auth'])!['accountId'] as string : DEFAULT_ACCOUNT_ID;
  try {
    return await loadBackendSource(kind, data[kind] as string, dir, { region, accountId, ...(synthesize ? { synthesize } : {}) });
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    sink.report([kind], e.message);
    return undefined;
  }
}

/** The amplify_outputs the backend would write, read as an `outputs:` file is. */
export function backendOutputs(sink: IssueSink, backend: LoadedBackend, data: Dict): LoadedOutputs | undefined {
  const { kind, app } = backend.info;
  const ref = `the amplify_outputs of ${data[kind] as string}`;
  const json = backend.outputs ?? outputsFromApp(app);
  const { content, problems } = readOutputs(json);
  const ownBuckets = Array.isArray(data['buckets']);
  for (const p of problems) {
    if (ownBuckets && p.path[0] === 'storage') continue;
    sink.report([kind], `in ${ref}: ${p.message}`);
  }
  if (!content) return undefined;
  content.groups ??= app.groups.map((g, i) => ({ name: g.name, precedence: g.precedence, at: ['auth', 'groups', i] }));
  content.guestAccess ??= app.guestAccess;
  if (!ownBuckets && content.buckets === undefined) {
    sink.report([kind], `${data[kind] as string} writes no storage buckets to amplify_outputs (no defineStorage, no backend.addOutput({ storage })); list them under \`buckets:\``);
  }
  return { ref, refPath: [kind], file: { abs: backend.info.source, data: json }, content };
}

/** The scenario's IAM documents, read and checked, by the scenario path of their reference. */
export class PolicyDocuments {
  private readonly byPath = new Map<string, NamedPolicy>();

  /** `schemaProblemPaths`: where the scenario's schema check found problems (a document there is not checked again). */
  constructor(
    private readonly sink: IssueSink,
    private readonly dir: string,
    private readonly schemaProblemPaths: readonly Segment[][],
  ) {}

  /** The document at `buckets/0/bucketPolicy`, `policies/guest/1`..., when it was read and is valid. */
  get(path: Segment[]): NamedPolicy | undefined {
    return this.byPath.get(JSON.stringify(path));
  }

  async loadAll(data: Dict): Promise<void> {
    const buckets = Array.isArray(data['buckets']) ? data['buckets'] : [];
    for (const [i, bucket] of buckets.entries()) {
      const policy = record(bucket)?.['bucketPolicy'];
      if (policy === undefined) continue;
      const bucketName = record(bucket)?.['bucketName'];
      await this.load(['buckets', i, 'bucketPolicy'], policy, 'bucket', 'bucket policy', typeof bucketName === 'string' ? bucketName : undefined);
    }
    const policies = record(data['policies']);
    if (!policies) return;
    const lists: Array<[Segment[], unknown]> = [
      [['policies', 'guest'], policies['guest']],
      [['policies', 'authenticated'], policies['authenticated']],
      ...Object.entries(record(policies['groups']) ?? {}).map(([name, list]): [Segment[], unknown] => [['policies', 'groups', name], list]),
    ];
    for (const [path, list] of lists) {
      if (!Array.isArray(list)) continue;
      for (const [i, entry] of list.entries()) await this.load([...path, i], entry, 'identity', 'policy');
    }
  }

  /** Reads (file) or takes (inline) one policy document, checks it and remembers it under its path. */
  private async load(path: Segment[], entry: unknown, kind: PolicyKind, label: string, bucket?: string): Promise<void> {
    if (typeof entry === 'string' && entry !== '') {
      const json = await readReferencedJson(this.sink, this.dir, path, entry, label);
      if (!json) return;
      const schemaProblems = checkPolicyDocumentSchema(json.data);
      for (const p of schemaProblems) this.sink.reportInFile(path, entry, json, p.path, p.message, p.anchor);
      if (schemaProblems.length > 0) return;
      const problems = checkPolicyDocument(json.data, kind, bucket);
      for (const p of problems) this.sink.reportInFile(path, entry, json, p.path, p.message, p.anchor);
      if (problems.length === 0) this.byPath.set(JSON.stringify(path), { source: json.abs, document: json.data as IamPolicyDocument });
    } else if (isRecord(entry)) {
      // The scenario's schema check has reported this document's shape; the validator adds the rest.
      const shapeReported = this.schemaProblemPaths.some((p) => path.every((seg, i) => p[i] === seg));
      const problems = shapeReported ? [] : checkPolicyDocument(entry, kind, bucket);
      for (const p of problems) this.sink.report([...path, ...p.path], p.message, p.anchor);
      this.byPath.set(JSON.stringify(path), { source: kind === 'bucket' ? 'inline' : `${this.sink.file}#${describePath(path)}`, document: entry as unknown as IamPolicyDocument });
    }
  }
}
