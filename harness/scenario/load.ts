/**
 * Loading scenario files (../../shared/spec/scenario-v1.md): parse the YAML with positions,
 * validate it against scenario-v1.schema.json, check what the schema cannot express, read the
 * files it references, and normalise it into a {@link Scenario}. Every problem is collected
 * and thrown at once as a {@link ScenarioError} whose issues carry file, line and column.
 */
import { readUserTextFile, UserFileError } from '../../emulator/user-file.js';
import { dirname, resolve } from 'node:path';
import { DEFAULT_PASSWORD_POLICY, passwordPolicyViolation } from '../../emulator/cognito-idp/password-policy.js';
import type { IamPolicyDocument, PathsMap } from '../../emulator/policy/types.js';
import { ScenarioError } from './errors.js';
import type { ScenarioIssue } from './errors.js';
import { checkPolicyDocument } from './iam-check.js';
import type { PolicyKind } from './iam-check.js';
import { BackendError, type SynthesizeOptions } from '../backend/index.js';
import { applyBackend, loadBackendSource, outputsFromApp, type LoadedBackend } from './backend-source.js';
import { readOutputs } from './outputs.js';
import type { OutputsContent } from './outputs.js';
import { parseStoragePaths } from '../../emulator/policy/paths.js';
import { amplifyPathRules } from './paths-check.js';
import type { PathsValidator } from './paths-check.js';
import { generatePassword } from './password.js';
import { findPlaceholders } from './placeholders.js';
import { unsupportedKeyMessage, unsupportedKeyProblem } from './object-keys.js';
import { checkPolicyDocumentSchema, checkScenarioSchema, describePath, SCENARIO_SCHEMA } from './schema-check.js';
import { closest } from './suggest.js';
import type {
  Expectation,
  NamedPolicy,
  Scenario,
  ScenarioAuth,
  ScenarioBucket,
  ScenarioCase,
  ScenarioObject,
  ScenarioPolicies,
  ScenarioUser,
  StorageOp,
  ScenarioClientKind,
} from './types.js';
import { YamlSource } from './yaml-source.js';
import { validateCorsConfiguration } from '../../emulator/s3-cors/validate.js';
import type { Anchor, Segment } from './yaml-source.js';

export { ScenarioError } from './errors.js';
export type { ScenarioIssue } from './errors.js';
export type { PathsProblem, PathsValidator } from './paths-check.js';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';

/** The role ARNs a scenario gets when `auth.roles` does not name them. */
export const defaultRoleArn = {
  guest: (accountId: string): string => `arn:aws:iam::${accountId}:role/ase-guest`,
  authenticated: (accountId: string): string => `arn:aws:iam::${accountId}:role/ase-authenticated`,
  group: (accountId: string, group: string): string => `arn:aws:iam::${accountId}:role/ase-group-${group}`,
};

export interface LoadOptions {
  /**
   * Checks `paths` maps as written (owner token `{entity_id}` or `${cognito-identity.amazonaws.com:sub}`).
   * Default: Amplify Gen2's path rules, from the policy module (emulator/policy/validate-paths.ts).
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
  let text: string;
  try {
    // Refuses FIFOs, devices, files over the size limit and binary content before parsing.
    text = await readUserTextFile(abs, { kind: 'scenario file', label: 'the file' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'the scenario file does not exist; check the path'
        : code === 'EISDIR'
          ? 'this is a directory, not a scenario file; give the path of a .yaml file'
          : error instanceof UserFileError
            ? error.message.replace(/^the file/, 'this')
            : `cannot read the scenario file (${code ?? String(error)}); check the path and its permissions`;
    throw new ScenarioError([{ file: abs, line: 0, column: 0, message }]);
  }
  return loadScenarioText(text, abs, options);
}

/**
 * Validates and normalises the text of a scenario file. `file` names it in messages and is the
 * base for the relative paths it references.
 */
export async function loadScenarioText(text: string, file: string, options: LoadOptions = {}): Promise<Scenario> {
  const abs = resolve(file);
  const { source, problems } = YamlSource.parse(text.replace(/^\uFEFF/, ''));
  if (problems.length > 0) {
    throw new ScenarioError(problems.map((p) => ({ file: abs, line: p.line, column: p.column, message: p.message })));
  }
  let data: unknown;
  try {
    data = source.toJS();
  } catch (error) {
    throw new ScenarioError([{ file: abs, line: 1, column: 1, message: `cannot read the YAML (${(error as Error).message}); use fewer aliases` }]);
  }
  if (data === null || data === undefined) {
    throw new ScenarioError([
      {
        file: abs,
        line: 1,
        column: 1,
        message: 'the file is empty; a scenario needs at least `version: 1`, `name`, `buckets` (or `outputs`) and `cases` (or `derive: true`)',
      },
    ]);
  }
  if (typeof data === 'object' && !Array.isArray(data)) {
    // Not a scenario at all (some other file named by mistake): one line, none of its content.
    const keys = Object.keys(data as object);
    const known = Object.keys((SCENARIO_SCHEMA['properties'] as object | undefined) ?? {});
    if (keys.length > 0 && !keys.some((k) => known.includes(k))) {
      throw new ScenarioError([{
        file: abs, line: 1, column: 1,
        message: `this is not a scenario file: none of its ${keys.length === 1 ? 'top-level key is' : `${keys.length} top-level keys is`} a scenario key (version, name, buckets, cases, ...); check the path`,
      }]);
    }
  }
  const loader = new Loader(abs, source, options);
  return loader.load(data);
}

// ---------------------------------------------------------------------------------------------

interface JsonFile {
  abs: string;
  data: unknown;
  source?: YamlSource;
}

interface LoadedOutputs {
  ref: string;
  file: JsonFile;
  content: OutputsContent;
  /** The scenario key its problems are reported at (default `outputs`). */
  refPath?: Segment[];
}

/** A bucket as the checks see it, whether written in the scenario or read from the outputs file. */
interface BucketView {
  name: string;
  bucketName: string;
  region: string | undefined;
  isDefault: boolean;
  rawPaths: Record<string, unknown>;
  /** `cors:` as written (scenario buckets only). */
  rawCors?: unknown;
  /** Reports a problem at a path relative to the bucket (`paths`, key, access key...). */
  report: (path: Segment[], message: string, anchor?: Anchor) => void;
}

type Dict = Record<string, unknown>;

class Loader {
  private readonly issues: ScenarioIssue[] = [];
  private readonly dir: string;
  private readonly validatePaths: PathsValidator;
  /** Policy documents by the scenario path of their reference (`buckets/0/bucketPolicy`, `policies/guest/1`). */
  private readonly documents = new Map<string, NamedPolicy>();
  /** Normalised paths maps, by friendly bucket name. */
  private readonly normalisedPaths = new Map<string, PathsMap>();

  constructor(
    private readonly file: string,
    private readonly source: YamlSource,
    private readonly options: LoadOptions,
  ) {
    this.dir = dirname(file);
    this.validatePaths = options.validatePaths ?? amplifyPathRules;
  }

  /** Where the scenario's schema check found problems (a policy document there is not checked again). */
  private readonly schemaProblemPaths: Segment[][] = [];

  async load(input: unknown): Promise<Scenario> {
    let data = input;
    // --backend / --template apply to files that name neither.
    if (isDict(data) && data['backend'] === undefined && data['template'] === undefined) {
      if (this.options.backend) data = { ...data, backend: this.options.backend };
      else if (this.options.template) data = { ...data, template: this.options.template };
    }
    for (const p of checkScenarioSchema(data)) {
      this.report(p.path, p.message, p.anchor);
      this.schemaProblemPaths.push(p.path);
    }
    if (!isDict(data)) throw new ScenarioError(this.issues);

    const backend = await this.loadBackend(data);
    const outputs = typeof data['outputs'] === 'string'
      ? await this.loadOutputs(data['outputs'], data)
      : backend ? this.backendOutputs(backend, data) : undefined;
    const auth = dict(data['auth']);

    // Groups: the scenario's own, else the outputs file's.
    const groups = this.checkGroups(auth, outputs);
    const groupNames = new Set(groups.map((g) => g.name));
    const groupHint = (name: string): string => {
      const declared = [...groupNames];
      const guess = closest(name, declared);
      const origin = outputs && !Array.isArray(auth?.['groups']) ? ` (in ${outputs.ref})` : '';
      return declared.length === 0
        ? `declare it under auth.groups`
        : `declared groups${origin}: ${declared.join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}`;
    };

    const users = this.checkUsers(auth, groupNames, groupHint);
    this.checkGroupKeyedMap(['auth', 'roles', 'groups'], dict(dict(auth?.['roles'])?.['groups']), groupNames, groupHint);
    this.checkGroupKeyedMap(['policies', 'groups'], dict(dict(data['policies'])?.['groups']), groupNames, groupHint);

    const buckets = this.bucketViews(data, outputs);
    this.checkBuckets(data, buckets, groupNames, groupHint);
    await this.loadBucketPolicies(data);
    await this.loadPolicies(data);

    const bucketNames = buckets.map((b) => b.name);
    this.checkObjects(data, users, bucketNames);
    this.checkCases(data, users, bucketNames);

    if (this.issues.length > 0) throw new ScenarioError(this.issues);
    const scenario = this.normalise(data, groups, buckets, outputs);
    if (backend) applyBackend(scenario, data, backend);
    return scenario;
  }

  // --- reporting ---------------------------------------------------------------------------

  private report(path: Segment[], message: string, anchor: Anchor = 'value'): void {
    const { line, column } = this.source.position(path, anchor);
    this.issues.push({ file: this.file, line, column, message });
  }

  private reportWithin(path: Segment[], needle: string, message: string): void {
    const { line, column } = this.source.positionWithin(path, needle);
    this.issues.push({ file: this.file, line, column, message });
  }

  /** A problem inside a referenced file: located at the reference, naming the file and the place in it. */
  private reportInFile(refPath: Segment[], ref: string, json: JsonFile, inner: Segment[], message: string, anchor: Anchor = 'value'): void {
    const pos = json.source?.position(inner, anchor);
    this.report(refPath, `in ${ref}${pos ? ` (line ${pos.line}, column ${pos.column})` : ''}: ${message}`);
  }

  // --- referenced files --------------------------------------------------------------------

  private async readJson(refPath: Segment[], ref: string, kind: string): Promise<JsonFile | undefined> {
    const abs = resolve(this.dir, ref);
    let text: string;
    try {
      text = await readUserTextFile(abs, { kind: `${kind} file`, label: `${kind} file ${ref}` });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.report(
        refPath,
        code === 'ENOENT'
          ? `${kind} file ${ref} does not exist (looked for ${abs}); paths are relative to the scenario file`
          : code === 'EISDIR'
            ? `${kind} file ${ref} is a directory; give the path of a JSON file`
            : error instanceof UserFileError
              ? error.message
              : `cannot read ${kind} file ${ref} (${code ?? String(error)}); check the path and its permissions`,
      );
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      const { detail, offset } = jsonSyntaxDetail((error as Error).message, text);
      const { source } = YamlSource.parse(text);
      const pos = offset === undefined ? undefined : source.at(offset);
      this.report(
        refPath,
        `${kind} file ${ref} is not valid JSON: ${detail}${pos ? ` (line ${pos.line}, column ${pos.column})` : ''}; fix the JSON syntax (JSON allows no comments and no trailing commas)`,
      );
      return undefined;
    }
    const { source, problems } = YamlSource.parse(text);
    return problems.length === 0 ? { abs, data, source } : { abs, data };
  }

  private async loadOutputs(ref: string, data: Dict): Promise<LoadedOutputs | undefined> {
    const refPath = ['outputs'];
    const file = await this.readJson(refPath, ref, 'outputs');
    if (!file) return undefined;
    const { content, problems: all } = readOutputs(file.data);
    // Sections the scenario overrides are not read, so their problems do not matter.
    const ownBuckets = Array.isArray(data['buckets']);
    const ownGroups = Array.isArray(dict(data['auth'])?.['groups']);
    const ownGuestAccess = typeof dict(data['auth'])?.['guestAccess'] === 'boolean';
    const problems = all.filter(
      (p) =>
        !(ownBuckets && p.path[0] === 'storage') &&
        !(ownGroups && p.path[0] === 'auth' && p.path[1] === 'groups') &&
        !(ownGuestAccess && p.path[0] === 'auth' && p.path[1] === 'unauthenticated_identities_enabled'),
    );
    for (const p of problems) this.reportInFile(refPath, ref, file, p.path, p.message, p.anchor);
    if (!content) return undefined;
    if (!Array.isArray(data['buckets']) && content.buckets === undefined && problems.length === 0) {
      this.report(
        refPath,
        `${ref} has no "storage" section, so it names no buckets; add \`buckets:\` to the scenario, or point \`outputs:\` at the amplify_outputs.json of an app that uses storage`,
      );
    }
    return { ref, file, content };
  }

  /** `backend:` (synthesized offline) or `template:` (read as it is). */
  private async loadBackend(data: Dict): Promise<LoadedBackend | undefined> {
    const kind = typeof data['backend'] === 'string' ? 'backend' : typeof data['template'] === 'string' ? 'template' : undefined;
    if (!kind) return undefined;
    if (typeof data['backend'] === 'string' && typeof data['template'] === 'string') {
      this.report(['template'], 'give `backend:` (the amplify/ folder) or `template:` (a cdk.out folder or template), not both');
      return undefined;
    }
    const region = typeof data['region'] === 'string' ? data['region'] : DEFAULT_REGION;
    const accountId = typeof dict(data['auth'])?.['accountId'] === 'string' ? dict(data['auth'])!['accountId'] as string : DEFAULT_ACCOUNT_ID;
    try {
      return await loadBackendSource(kind, data[kind] as string, this.dir, {
        region, accountId, ...(this.options.synthesize ? { synthesize: this.options.synthesize } : {}),
      });
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      this.report([kind], e.message);
      return undefined;
    }
  }

  /** The amplify_outputs the backend would write, read as an `outputs:` file is. */
  private backendOutputs(backend: LoadedBackend, data: Dict): LoadedOutputs | undefined {
    const { kind, app } = backend.info;
    const ref = `the amplify_outputs of ${data[kind] as string}`;
    const json = backend.outputs ?? outputsFromApp(app);
    const { content, problems } = readOutputs(json);
    const ownBuckets = Array.isArray(data['buckets']);
    for (const p of problems) {
      if (ownBuckets && p.path[0] === 'storage') continue;
      this.report([kind], `in ${ref}: ${p.message}`);
    }
    if (!content) return undefined;
    content.groups ??= app.groups.map((g, i) => ({ name: g.name, precedence: g.precedence, at: ['auth', 'groups', i] }));
    content.guestAccess ??= app.guestAccess;
    if (!ownBuckets && content.buckets === undefined) {
      this.report([kind], `${data[kind] as string} writes no storage buckets to amplify_outputs (no defineStorage, no backend.addOutput({ storage })); list them under \`buckets:\``);
    }
    return { ref, refPath: [kind], file: { abs: backend.info.source, data: json }, content };
  }

  private async loadBucketPolicies(data: Dict): Promise<void> {
    const buckets = Array.isArray(data['buckets']) ? data['buckets'] : [];
    for (const [i, bucket] of buckets.entries()) {
      const policy = dict(bucket)?.['bucketPolicy'];
      if (policy === undefined) continue;
      const bucketName = dict(bucket)?.['bucketName'];
      await this.loadDocument(['buckets', i, 'bucketPolicy'], policy, 'bucket', 'bucket policy', typeof bucketName === 'string' ? bucketName : undefined);
    }
  }

  private async loadPolicies(data: Dict): Promise<void> {
    const policies = dict(data['policies']);
    if (!policies) return;
    const lists: Array<[Segment[], unknown]> = [
      [['policies', 'guest'], policies['guest']],
      [['policies', 'authenticated'], policies['authenticated']],
      ...Object.entries(dict(policies['groups']) ?? {}).map(([name, list]): [Segment[], unknown] => [['policies', 'groups', name], list]),
    ];
    for (const [path, list] of lists) {
      if (!Array.isArray(list)) continue;
      for (const [i, entry] of list.entries()) await this.loadDocument([...path, i], entry, 'identity', 'policy');
    }
  }

  /** Reads (file) or takes (inline) one policy document, checks it and remembers it under its path. */
  private async loadDocument(path: Segment[], entry: unknown, kind: PolicyKind, label: string, bucket?: string): Promise<void> {
    if (typeof entry === 'string' && entry !== '') {
      const json = await this.readJson(path, entry, label);
      if (!json) return;
      const schemaProblems = checkPolicyDocumentSchema(json.data);
      for (const p of schemaProblems) this.reportInFile(path, entry, json, p.path, p.message, p.anchor);
      if (schemaProblems.length > 0) return;
      const problems = checkPolicyDocument(json.data, kind, bucket);
      for (const p of problems) this.reportInFile(path, entry, json, p.path, p.message, p.anchor);
      if (problems.length === 0) this.documents.set(pathKey(path), { source: json.abs, document: json.data as IamPolicyDocument });
    } else if (isDict(entry)) {
      // The scenario's schema check has reported this document's shape; the validator adds the rest.
      const shapeReported = this.schemaProblemPaths.some((p) => path.every((seg, i) => p[i] === seg));
      const problems = shapeReported ? [] : checkPolicyDocument(entry, kind, bucket);
      for (const p of problems) this.report([...path, ...p.path], p.message, p.anchor);
      this.documents.set(pathKey(path), { source: kind === 'bucket' ? 'inline' : `${this.file}#${describePath(path)}`, document: entry as unknown as IamPolicyDocument });
    }
  }

  // --- auth ----------------------------------------------------------------------------------

  private checkGroups(auth: Dict | undefined, outputs: LoadedOutputs | undefined): Array<{ name: string; precedence: number }> {
    const list = auth?.['groups'];
    if (!Array.isArray(list)) {
      return (outputs?.content.groups ?? []).map(({ name, precedence }) => ({ name, precedence }));
    }
    const groups: Array<{ name: string; precedence: number }> = [];
    const seen = new Map<string, number>();
    list.forEach((entry, i) => {
      const name = typeof entry === 'string' ? entry : dict(entry)?.['name'];
      if (typeof name !== 'string') return;
      const explicit = dict(entry)?.['precedence'];
      const first = seen.get(name);
      if (first !== undefined) {
        this.report(['auth', 'groups', i], `group \`${name}\` is declared twice (also auth.groups[${first}]); remove one of them`);
        return;
      }
      seen.set(name, i);
      groups.push({ name, precedence: typeof explicit === 'number' ? explicit : i });
    });
    return groups;
  }

  private checkUsers(auth: Dict | undefined, groups: Set<string>, groupHint: (name: string) => string): Set<string> {
    const users = dict(auth?.['users']);
    const names = new Set<string>();
    if (!users) return names;
    for (const [name, value] of Object.entries(users)) {
      if (name === 'guest') continue; // reported by the schema
      names.add(name);
      const user = dict(value);
      if (!user) continue;
      const password = user['password'];
      if (typeof password === 'string') {
        const violation = passwordPolicyViolation(password, DEFAULT_PASSWORD_POLICY);
        if (violation) {
          this.report(
            ['auth', 'users', name, 'password'],
            `the password of user \`${name}\` breaks Cognito's default password policy (${lowerFirst(violation.replace(/^Password did not conform with policy: /, ''))}); use 8 or more characters with an uppercase and a lowercase letter, a digit and a symbol, or leave \`password\` out to have one generated`,
          );
        }
      }
      const memberOf = user['groups'];
      if (!Array.isArray(memberOf)) continue;
      memberOf.forEach((group, k) => {
        if (typeof group === 'string' && !groups.has(group)) {
          this.report(['auth', 'users', name, 'groups', k], `user \`${name}\` is in group \`${group}\`, which is not declared; ${groupHint(group)}`);
        }
      });
    }
    return names;
  }

  private checkGroupKeyedMap(path: Segment[], map: Dict | undefined, groups: Set<string>, groupHint: (name: string) => string): void {
    for (const name of Object.keys(map ?? {})) {
      if (!groups.has(name)) this.report([...path, name], `${describePath(path)} names group \`${name}\`, which is not declared; ${groupHint(name)}`, 'key');
    }
  }

  // --- buckets -------------------------------------------------------------------------------

  private bucketViews(data: Dict, outputs: LoadedOutputs | undefined): BucketView[] {
    const list = data['buckets'];
    if (Array.isArray(list)) {
      return list.flatMap((entry, i): BucketView[] => {
        const bucket = dict(entry);
        if (!bucket || typeof bucket['name'] !== 'string') return [];
        return [
          {
            name: bucket['name'],
            bucketName: typeof bucket['bucketName'] === 'string' ? bucket['bucketName'] : '',
            region: typeof bucket['region'] === 'string' ? bucket['region'] : undefined,
            isDefault: bucket['default'] === true,
            rawPaths: dict(bucket['paths']) ?? {},
            rawCors: bucket['cors'],
            report: (path, message, anchor) => this.report(['buckets', i, ...path], message, anchor),
          },
        ];
      });
    }
    if (!outputs?.content.buckets) return [];
    const { ref, file } = outputs;
    return outputs.content.buckets.map((b) => ({
      name: b.name,
      bucketName: b.bucketName,
      region: b.region,
      isDefault: b.isDefault,
      rawPaths: b.paths,
      report: (path, message, anchor) => this.reportInFile(outputs.refPath ?? ['outputs'], ref, file, [...b.at, ...path], message, anchor),
    }));
  }

  private checkBuckets(data: Dict, buckets: BucketView[], groups: Set<string>, groupHint: (name: string) => string): void {
    const fromScenario = Array.isArray(data['buckets']);
    const names = new Map<string, number>();
    const bucketNames = new Map<string, number>();
    let firstDefault: number | undefined;
    buckets.forEach((bucket, i) => {
      if (fromScenario) {
        const sameName = names.get(bucket.name);
        if (sameName !== undefined) {
          bucket.report(['name'], `bucket name \`${bucket.name}\` is used twice (also buckets[${sameName}]); friendly names must be unique`);
        } else names.set(bucket.name, i);
        const sameBucket = bucketNames.get(bucket.bucketName);
        if (bucket.bucketName !== '' && sameBucket !== undefined) {
          bucket.report(['bucketName'], `bucketName \`${bucket.bucketName}\` is used twice (also buckets[${sameBucket}]); give each bucket entry its own S3 bucket`);
        } else if (bucket.bucketName !== '') bucketNames.set(bucket.bucketName, i);
        if (bucket.isDefault) {
          if (firstDefault !== undefined) {
            bucket.report(['default'], `more than one bucket says \`default: true\` (also buckets[${firstDefault}]); mark at most one bucket as the default`);
          } else firstDefault = i;
        }
      }
      this.checkPaths(bucket, groups, groupHint, fromScenario);
      if (bucket.rawCors !== undefined && bucket.rawCors !== 'none') {
        for (const problem of validateCorsConfiguration(bucket.rawCors)) {
          bucket.report(['cors', ...problem.path], `cors: ${problem.message} (PutBucketCors would answer ${problem.code})`, problem.path.length > 0 && typeof problem.path.at(-1) === 'string' && problem.message.startsWith('unknown key') ? 'key' : 'value');
        }
      }
    });
  }

  private checkPaths(bucket: BucketView, groups: Set<string>, groupHint: (name: string) => string, written: boolean): void {
    const asWritten: Record<string, Record<string, unknown[]>> = {};
    for (const [key, rule] of Object.entries(bucket.rawPaths)) {
      const access: Record<string, unknown[]> = {};
      for (const [accessKey, actions] of Object.entries(dict(rule) ?? {})) {
        access[accessKey] = Array.isArray(actions) ? actions : [];
        const group = /^groups(.+)$/.exec(accessKey)?.[1];
        if (group !== undefined && !groups.has(group)) {
          bucket.report(['paths', key, accessKey], `access key \`${accessKey}\` names group \`${group}\`, which is not declared; ${groupHint(group)}`, 'key');
        }
      }
      asWritten[key] = access;
      const placeholder = written ? findPlaceholders(key).find((p) => p.kind !== 'invalid') : undefined;
      if (placeholder) {
        bucket.report(
          ['paths', key],
          `path ${JSON.stringify(key)} holds the case placeholder \`${placeholder.text}\`; in \`paths\` the owner is written {entity_id} (or \${cognito-identity.amazonaws.com:sub})`,
          'key',
        );
      }
    }
    for (const problem of this.validatePaths(asWritten)) {
      // A scenario file's schema has reported unknown access keys and actions already.
      if (written && (problem.kind === 'access-key' || problem.kind === 'action')) continue;
      const at: Segment[] = ['paths', problem.path, ...(problem.accessKey ? [problem.accessKey] : []), ...(problem.index !== undefined ? [problem.index] : [])];
      bucket.report(at, problem.message, problem.index !== undefined ? 'value' : 'key');
    }
    this.normalisedPaths.set(bucket.name, parseStoragePaths(asWritten).outputs);
  }

  // --- objects and cases ---------------------------------------------------------------------

  private checkObjects(data: Dict, users: Set<string>, buckets: string[]): void {
    const objects = Array.isArray(data['objects']) ? data['objects'] : [];
    objects.forEach((entry, i) => {
      const object = dict(entry);
      if (!object) return;
      this.checkBucketRef(['objects', i, 'bucket'], object['bucket'], buckets);
      if (typeof object['path'] === 'string') {
        this.checkPlaceholders(['objects', i, 'path'], object['path'], users, false);
        const problem = unsupportedKeyProblem(object['path']);
        if (problem) this.report(['objects', i, 'path'], unsupportedKeyMessage('path', problem));
      }
    });
  }

  private checkCases(data: Dict, users: Set<string>, buckets: string[]): void {
    const cases = Array.isArray(data['cases']) ? data['cases'] : [];
    cases.forEach((entry, i) => {
      const c = dict(entry);
      if (!c) return;
      const as = c['as'];
      if (typeof as === 'string' && as !== '' && as !== 'guest' && !users.has(as)) {
        const declared = [...users];
        const guess = closest(as, ['guest', ...declared]);
        this.report(
          ['cases', i, 'as'],
          `\`as\` names \`${as}\`, who is not declared; expected guest${declared.length ? ` or one of ${declared.join(', ')}` : ''}, or declare ${as} under auth.users${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
        );
      }
      this.checkBucketRef(['cases', i, 'bucket'], c['bucket'], buckets);
      if (c['body'] !== undefined && c['size'] !== undefined) {
        this.report(['cases', i, 'size'], 'an upload takes `body` (the content) or `size` (that many generated bytes), not both; drop one', 'key');
      }
      for (const field of ['path', 'from'] as const) {
        const key = c[field];
        if (typeof key !== 'string') continue;
        this.checkPlaceholders(['cases', i, field], key, users, true);
        const problem = unsupportedKeyProblem(key, { prefix: field === 'path' && c['op'] === 'list' });
        if (problem) this.report(['cases', i, field], unsupportedKeyMessage(field, problem));
      }
      const expect = dict(c['expect']);
      for (const field of ['keys', 'contains'] as const) {
        const list = expect?.[field];
        if (!Array.isArray(list)) continue;
        list.forEach((key, k) => {
          if (typeof key === 'string') this.checkPlaceholders(['cases', i, 'expect', field, k], key, users, true);
        });
      }
    });
  }

  private checkBucketRef(path: Segment[], name: unknown, buckets: string[]): void {
    if (typeof name !== 'string' || name === '' || buckets.length === 0 || buckets.includes(name)) return;
    const guess = closest(name, buckets);
    this.report(path, `\`bucket\` names \`${name}\`, which is not declared; expected one of ${buckets.join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
  }

  private checkPlaceholders(path: Segment[], text: string, users: Set<string>, actorPresent: boolean): void {
    for (const p of findPlaceholders(text)) {
      if (p.kind === 'invalid') {
        this.reportWithin(path, p.text, p.problem);
      } else if (p.kind === 'identity') {
        if (!actorPresent) {
          this.reportWithin(path, p.text, '`{identity}` cannot be used in objects: no one acts there (an administrator writes them); write {identity:<user>}');
        }
      } else if (!users.has(p.user)) {
        const declared = [...users];
        const guess = closest(p.user, declared);
        this.reportWithin(
          path,
          p.text,
          `\`${p.text}\` names \`${p.user}\`, who is not declared; ${declared.length ? `declared users: ${declared.join(', ')}` : 'declare the user under auth.users'}${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
        );
      }
    }
  }

  // --- normalisation -------------------------------------------------------------------------

  private normalise(
    data: Dict,
    groups: Array<{ name: string; precedence: number }>,
    views: BucketView[],
    outputs: LoadedOutputs | undefined,
  ): Scenario {
    const region = typeof data['region'] === 'string' ? data['region'] : DEFAULT_REGION;
    const auth = this.normaliseAuth(dict(data['auth']) ?? {}, groups, outputs);
    const buckets = this.normaliseBuckets(data, views, region);
    const defaultBucket = (buckets.find((b) => b.default) ?? buckets[0])?.name ?? '';

    const objects: ScenarioObject[] = (Array.isArray(data['objects']) ? data['objects'] : []).map((entry) => {
      const o = entry as Dict;
      return {
        path: o['path'] as string,
        body: typeof o['body'] === 'string' ? o['body'] : 'seed',
        bucket: typeof o['bucket'] === 'string' ? o['bucket'] : defaultBucket,
      };
    });

    const cases: ScenarioCase[] = (Array.isArray(data['cases']) ? data['cases'] : []).map((entry, index) => {
      const c = entry as Dict;
      const normalised: ScenarioCase = {
        index,
        as: c['as'] as string,
        op: c['op'] as StorageOp,
        path: c['path'] as string,
        bucket: typeof c['bucket'] === 'string' ? c['bucket'] : defaultBucket,
        expect: normaliseExpectation(c['expect']),
        line: this.source.position(['cases', index]).line,
      };
      if (typeof c['name'] === 'string') normalised.name = c['name'];
      if (typeof c['from'] === 'string') normalised.from = c['from'];
      if (typeof c['body'] === 'string') normalised.body = c['body'];
      if (c['inBrowser'] !== undefined) normalised.inBrowser = normaliseExpectation(c['inBrowser']);
      const size = parseSize(c['size']);
      if (size !== undefined) normalised.size = size;
      if (isDict(c['options'])) normalised.options = c['options'];
      return normalised;
    });

    const scenario: Scenario = {
      file: this.file,
      version: 1,
      name: data['name'] as string,
      region,
      auth,
      buckets,
      objects,
      derive: data['derive'] === true,
      cases,
    };
    if (typeof data['description'] === 'string') scenario.description = data['description'];
    const clients = (Array.isArray(data['client']) ? data['client'] : [data['client']]).filter((k): k is ScenarioClientKind => k === 'node' || k === 'browser');
    if (clients.length > 0) scenario.clients = [...new Set(clients)];
    if (typeof data['origin'] === 'string') scenario.origin = data['origin'];
    const policies = this.normalisePolicies(dict(data['policies']));
    if (policies) scenario.policies = policies;
    return scenario;
  }

  private normaliseAuth(auth: Dict, groups: Array<{ name: string; precedence: number }>, outputs: LoadedOutputs | undefined): ScenarioAuth {
    const accountId = typeof auth['accountId'] === 'string' ? auth['accountId'] : DEFAULT_ACCOUNT_ID;
    const roles = dict(auth['roles']) ?? {};
    const groupRoles = dict(roles['groups']) ?? {};
    const makePassword = this.options.generatePassword ?? generatePassword;
    const users: ScenarioUser[] = Object.entries(dict(auth['users']) ?? {}).map(([name, value]) => {
      const u = dict(value) ?? {};
      const user: ScenarioUser = {
        name,
        password: typeof u['password'] === 'string' ? u['password'] : makePassword(),
        groups: Array.isArray(u['groups']) ? (u['groups'] as string[]) : [],
      };
      if (typeof u['email'] === 'string') user.email = u['email'];
      return user;
    });
    const guestAccess =
      typeof auth['guestAccess'] === 'boolean' ? auth['guestAccess'] : (outputs?.content.guestAccess ?? true);
    return {
      guestAccess,
      groups,
      users,
      accountId,
      roles: {
        guest: typeof roles['guest'] === 'string' ? roles['guest'] : defaultRoleArn.guest(accountId),
        authenticated: typeof roles['authenticated'] === 'string' ? roles['authenticated'] : defaultRoleArn.authenticated(accountId),
        groups: Object.fromEntries(
          groups.map((g) => [g.name, typeof groupRoles[g.name] === 'string' ? (groupRoles[g.name] as string) : defaultRoleArn.group(accountId, g.name)]),
        ),
      },
    };
  }

  private normaliseBuckets(data: Dict, views: BucketView[], region: string): ScenarioBucket[] {
    const written = Array.isArray(data['buckets']) ? (data['buckets'] as Dict[]) : undefined;
    const defaultIndex = Math.max(
      0,
      views.findIndex((v) => v.isDefault),
    );
    return views.map((view, i) => {
      const bucket: ScenarioBucket = {
        name: view.name,
        bucketName: view.bucketName,
        region: view.region ?? region,
        default: i === defaultIndex,
        paths: this.normalisedPaths.get(view.name) ?? {},
        crossAccount: written?.[i]?.['crossAccount'] === true,
      };
      const cors = written?.[i]?.['cors'];
      if (cors !== undefined) bucket.cors = cors as NonNullable<ScenarioBucket['cors']>;
      const policy = this.documents.get(pathKey(['buckets', i, 'bucketPolicy']));
      if (written && policy) {
        bucket.bucketPolicy = policy.document;
        bucket.bucketPolicySource = policy.source;
      }
      return bucket;
    });
  }

  private normalisePolicies(policies: Dict | undefined): ScenarioPolicies | undefined {
    if (!policies) return undefined;
    const list = (path: Segment[], entries: unknown): NamedPolicy[] =>
      (Array.isArray(entries) ? entries : []).map((_, i) => this.documents.get(pathKey([...path, i]))!);
    return {
      guest: list(['policies', 'guest'], policies['guest']),
      authenticated: list(['policies', 'authenticated'], policies['authenticated']),
      groups: Object.fromEntries(
        Object.entries(dict(policies['groups']) ?? {}).map(([name, entries]) => [name, list(['policies', 'groups', name], entries)]),
      ),
    };
  }
}

/** `size:` of an upload case in bytes: a whole number, or a number with B, KiB or MiB (the schema checked the form). */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB)?\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * ({ B: 1, KiB: 1024, MiB: 1024 * 1024 }[m[2] ?? 'B'] ?? 1));
}

function normaliseExpectation(expect: unknown): Expectation {
  if (typeof expect === 'string') return { outcome: expect as Expectation['outcome'] };
  const e = expect as Dict;
  const out: Expectation = { outcome: e['outcome'] as Expectation['outcome'] };
  if (typeof e['error'] === 'string') out.error = e['error'];
  if (typeof e['body'] === 'string') out.body = e['body'];
  if (Array.isArray(e['keys'])) out.keys = e['keys'] as string[];
  if (Array.isArray(e['contains'])) out.contains = e['contains'] as string[];
  return out;
}

/** The JSON.parse message without V8's position suffix, and the offset it names. */
function jsonSyntaxDetail(message: string, text: string): { detail: string; offset?: number } {
  const position = / in JSON at position (\d+)/.exec(message);
  if (position) {
    return { detail: lowerFirst(message.slice(0, position.index)), offset: Number(position[1]) };
  }
  if (/Unexpected end of JSON input/.test(message)) return { detail: 'the file ends too early', offset: text.length };
  // V8 quotes the start of the text (`Unexpected token 'r', "root:x:0:0"... is not valid JSON`):
  // keep neither the quote nor a letter or digit (JSON punctuation, like a `]` after a trailing
  // comma, says what is wrong); the line and column locate the mistake.
  const detail = lowerFirst(message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '').replace(/ is not valid JSON$/, '').replace(/^Unexpected token '([^'\]\[{}:,"])'$/s, 'Unexpected character'));
  const offset = jsonErrorOffset(text);
  return offset === undefined ? { detail } : { detail, offset };
}

/** Offset of the first character that keeps `text` from being JSON (V8 does not always say). */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  class Stop {
    constructor(readonly at: number) {}
  }
  const fail = (): never => {
    throw new Stop(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = (): void => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      const ch = text[i]!;
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    } else if (ch === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else number();
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (error) {
    if (error instanceof Stop) return error.at;
    throw error;
  }
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function pathKey(path: Segment[]): string {
  return JSON.stringify(path);
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dict(value: unknown): Dict | undefined {
  return isDict(value) ? value : undefined;
}
