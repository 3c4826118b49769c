/**
 * Loading scenario files (docs/scenario-format.md): the stages in order, each in its own module.
 *
 * 1. read.ts: the file's text, parsed as YAML with the parser's positions;
 * 2. schema-check.ts: the shape, against scenario-v1.schema.json (the one definition of the format);
 * 3. references.ts: the files and backend it points at (`outputs`, `backend`/`template`, policies);
 * 4. checks.ts: what the schema cannot say (declared names, unique names, passwords, `paths`, keys);
 * 5. normalise.ts: defaults filled in, into a {@link Scenario}.
 *
 * Every stage reports to one {@link IssueSink}; every problem is thrown at once as a
 * {@link ScenarioError} whose issues carry file, line and column.
 */
import { dirname, resolve } from 'node:path';
import type { SynthesizeOptions } from '../backend/index.js';
import { applyBackend } from './backend-source.js';
import { ScenarioError } from './errors.js';
import { bucketViews, checkBuckets, checkCases, checkGroupKeyedMap, checkGroups, checkObjects, checkSignInNames, checkUsers, groupHint } from './checks.js';
import { IssueSink } from './issue-sink.js';
import { normaliseScenario } from './normalise.js';
import { amplifyPathRules } from './paths-check.js';
import type { PathsValidator } from './paths-check.js';
import { parseScenarioText, readScenarioFile } from './read.js';
import { backendOutputs, loadBackend, loadOutputs, PolicyDocuments } from './references.js';
import { checkScenarioSchema } from './schema-check.js';
import type { ScenarioFile } from './file-types.js';
import type { Scenario } from './types.js';
import { isRecord, record } from './values.js';
import type { Segment, YamlSource } from './yaml-source.js';

export { ScenarioError } from './errors.js';
export type { ScenarioIssue } from './errors.js';
export type { PathsProblem, PathsValidator } from './paths-check.js';
export { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from './references.js';
export { defaultRoleArn, parseSize } from './normalise.js';

export interface LoadOptions {
  /**
   * Checks `paths` maps as written (owner token `{entity_id}` or `${cognito-identity.amazonaws.com:sub}`).
   * Default: Amplify Gen2's path rules, from the paths model (emulator/policy/paths.ts).
   */
  validatePaths?: PathsValidator;
  /** Makes passwords for users without one. Default: 16 random characters meeting Cognito's default policy. */
  generatePassword?: () => string;
  /** `--backend <dir>`: the backend of scenario files that name neither `backend:` nor `template:`. */
  backend?: string;
  /** `--template <cdk.out | template.json>`: likewise, for an app already synthesized or deployed with CDK/CloudFormation. */
  template?: string;
  /** How `backend:` is synthesized (cache folder, timeout). */
  synthesize?: SynthesizeOptions;
}

/** Reads, validates and normalises a scenario file. Throws {@link ScenarioError} listing every problem. */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<Scenario> {
  const abs = resolve(file);
  return loadScenarioText(await readScenarioFile(abs), abs, options);
}

/**
 * Validates and normalises the text of a scenario file. `file` names it in messages and is the
 * base for the relative paths it references.
 */
export async function loadScenarioText(text: string, file: string, options: LoadOptions = {}): Promise<Scenario> {
  const abs = resolve(file);
  const { source, data } = parseScenarioText(text, abs);
  return loadParsed(data, abs, source, options);
}

async function loadParsed(input: unknown, file: string, source: YamlSource, options: LoadOptions): Promise<Scenario> {
  const sink = new IssueSink(file, source);
  const dir = dirname(file);
  let data = input;
  // --backend / --template apply to files that name neither.
  if (isRecord(data) && data['backend'] === undefined && data['template'] === undefined) {
    if (options.backend) data = { ...data, backend: options.backend };
    else if (options.template) data = { ...data, template: options.template };
  }
  const schemaProblemPaths: Segment[][] = [];
  for (const p of checkScenarioSchema(data)) {
    sink.report(p.path, p.message, p.anchor);
    schemaProblemPaths.push(p.path);
  }
  if (!isRecord(data)) throw new ScenarioError(sink.issues);

  const backend = await loadBackend(sink, dir, data, options.synthesize);
  const outputs = typeof data['outputs'] === 'string'
    ? await loadOutputs(sink, dir, data['outputs'], data)
    : backend ? backendOutputs(sink, backend, data) : undefined;
  const auth = record(data['auth']);

  // Groups: the scenario's own, else the outputs file's.
  const groups = checkGroups(sink, auth, outputs);
  const groupNames = new Set(groups.map((g) => g.name));
  const hint = groupHint(groupNames, auth, outputs);
  const users = checkUsers(sink, auth, groupNames, hint);
  checkGroupKeyedMap(sink, ['auth', 'roles', 'groups'], record(record(auth?.['roles'])?.['groups']), groupNames, hint);
  checkGroupKeyedMap(sink, ['policies', 'groups'], record(record(data['policies'])?.['groups']), groupNames, hint);

  const buckets = bucketViews(sink, data, outputs);
  const paths = checkBuckets(data, buckets, groupNames, hint, options.validatePaths ?? amplifyPathRules);
  const documents = new PolicyDocuments(sink, dir, schemaProblemPaths);
  await documents.loadAll(data);

  const bucketNames = buckets.map((b) => b.name);
  checkObjects(sink, data, users, bucketNames);
  checkCases(sink, data, users, bucketNames);
  checkSignInNames(sink, auth, outputs);

  sink.throwIfAny();
  // Every check passed: the document is a scenario file as file-types.ts describes it.
  const scenario = normaliseScenario(data as unknown as ScenarioFile, {
    sink, groups, buckets, paths, documents, outputs,
    ...(options.generatePassword ? { generatePassword: options.generatePassword } : {}),
  });
  if (backend) {
    applyBackend(scenario, data, backend, (message) => sink.report([backend.info.kind], message));
    sink.throwIfAny();
  }
  return scenario;
}
