/**
 * Reading a real amplify_outputs.json (schema 1.x, ../../shared/reference/amplify.md §2) for
 * `outputs:`: its storage buckets, its user groups and whether guests are allowed.
 */
import { bucketNameMessage, bucketNameProblem, describePath, describeValue } from './schema-check.js';
import { isRecord } from './values.js';
import type { Anchor, Segment } from './yaml-source.js';

export interface OutputsBucket {
  name: string;
  bucketName: string;
  region: string;
  /** As written in the file (owner token `${cognito-identity.amazonaws.com:sub}`), for the `paths` model to read. */
  paths: Record<string, Record<string, unknown[]>>;
  /** The bucket the client uses when a call names none: the one matching storage.bucket_name. */
  isDefault: boolean;
  /** Where the bucket sits in the file. */
  at: Segment[];
}

export interface OutputsGroup {
  name: string;
  precedence: number;
  at: Segment[];
}

export interface OutputsContent {
  version: string;
  /** Absent when the file has no `storage` section. */
  buckets?: OutputsBucket[];
  /** Absent when the file has no `auth.groups`. */
  groups?: OutputsGroup[];
  /** auth.unauthenticated_identities_enabled, when present. */
  guestAccess?: boolean;
  /**
   * auth.username_attributes as the user pool takes them: `email` and/or `phone_number` make that
   * attribute the sign-in name (`username`, plain user names, adds nothing). Absent when not given.
   */
  usernameAttributes?: Array<'email' | 'phone_number'>;
}

export interface OutputsProblem {
  path: Segment[];
  anchor: Anchor;
  message: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;

/** Interprets the parsed JSON of an outputs file; `content` is undefined when the file cannot be used at all. */
export function readOutputs(data: unknown): { content?: OutputsContent; problems: OutputsProblem[] } {
  const problems: OutputsProblem[] = [];
  const problem = (path: Segment[], message: string, anchor: Anchor = 'value'): void => {
    problems.push({ path, anchor, message });
  };
  if (!isRecord(data)) {
    problem([], `the file holds ${describeValue(data)}, not a JSON object; expected the amplify_outputs.json that \`ampx\` writes`);
    return { problems };
  }
  const version = data['version'];
  if (version === undefined) {
    problem([], 'the file has no "version"; expected an amplify_outputs.json of schema 1.x ("version": "1" or "1.x"); Gen1 aws-exports / amplifyconfiguration.json files are not supported', 'value');
    return { problems };
  }
  if (typeof version !== 'string') {
    problem(['version'], `"version" is ${describeValue(version)}; expected a string such as "1.4"`);
    return { problems };
  }
  if (!version.startsWith('1')) {
    problem(['version'], `"version" is ${JSON.stringify(version)}; only amplify_outputs.json schema 1.x is supported (version "1", "1.1", ... "1.4"); regenerate the file with a schema 1 release of @aws-amplify/backend, or list \`buckets:\` in the scenario instead`);
    return { problems };
  }
  const content: OutputsContent = { version };

  const storage = data['storage'];
  if (storage !== undefined) {
    const buckets = readStorage(storage, problem);
    if (buckets) content.buckets = buckets;
  }

  const auth = data['auth'];
  if (auth !== undefined) {
    if (!isRecord(auth)) {
      problem(['auth'], `"auth" is ${describeValue(auth)}; expected an object`);
    } else {
      const guest = auth['unauthenticated_identities_enabled'];
      if (typeof guest === 'boolean') content.guestAccess = guest;
      else if (guest !== undefined) problem(['auth', 'unauthenticated_identities_enabled'], `"unauthenticated_identities_enabled" is ${describeValue(guest)}; expected true or false`);
      const attributes = readUsernameAttributes(auth['username_attributes'], problem);
      if (attributes) content.usernameAttributes = attributes;
      const groups = auth['groups'];
      if (groups !== undefined) {
        const read = readGroups(groups, problem);
        if (read) content.groups = read;
      }
    }
  }
  return { content, problems };
}

type Report = (path: Segment[], message: string, anchor?: Anchor) => void;

function readUsernameAttributes(value: unknown, problem: Report): Array<'email' | 'phone_number'> | undefined {
  if (value === undefined) return undefined;
  const at = ['auth', 'username_attributes'];
  if (!Array.isArray(value)) {
    problem(at, `"username_attributes" is ${describeValue(value)}; expected a list such as ["email"]`);
    return undefined;
  }
  const attributes: Array<'email' | 'phone_number'> = [];
  value.forEach((a, i) => {
    if (a === 'email' || a === 'phone_number') attributes.push(a);
    else if (a !== 'username') problem([...at, i], `"username_attributes" holds ${describeValue(a)}; expected "email", "phone_number" or "username"`);
  });
  return attributes;
}

function readStorage(storage: unknown, problem: Report): OutputsBucket[] | undefined {
  if (!isRecord(storage)) {
    problem(['storage'], `"storage" is ${describeValue(storage)}; expected an object with aws_region, bucket_name and optionally buckets`);
    return undefined;
  }
  const region = stringField(storage, ['storage'], 'aws_region', problem);
  const bucketName = stringField(storage, ['storage'], 'bucket_name', problem);
  const list = storage['buckets'];
  if (list === undefined || (Array.isArray(list) && list.length === 0)) {
    if (region === undefined || bucketName === undefined) return undefined;
    if (!checkBucketFields(bucketName, region, ['storage'], problem)) return undefined;
    return [{ name: bucketName, bucketName, region, paths: {}, isDefault: true, at: ['storage'] }];
  }
  if (!Array.isArray(list)) {
    problem(['storage', 'buckets'], `"storage.buckets" is ${describeValue(list)}; expected a list of { name, bucket_name, aws_region, paths }`);
    return undefined;
  }
  const buckets: OutputsBucket[] = [];
  list.forEach((entry, i) => {
    const at: Segment[] = ['storage', 'buckets', i];
    if (!isRecord(entry)) {
      problem(at, `${describePath(at)} is ${describeValue(entry)}; expected an object { name, bucket_name, aws_region, paths }`);
      return;
    }
    const name = stringField(entry, at, 'name', problem);
    const bName = stringField(entry, at, 'bucket_name', problem);
    const bRegion = stringField(entry, at, 'aws_region', problem);
    const paths = readPaths(entry['paths'], [...at, 'paths'], problem);
    if (name === undefined || bName === undefined || bRegion === undefined || paths === undefined) return;
    if (!checkBucketFields(bName, bRegion, at, problem)) return;
    buckets.push({ name, bucketName: bName, region: bRegion, paths, isDefault: false, at });
  });
  const preferred = buckets.find((b) => b.bucketName === bucketName && b.region === region) ?? buckets[0];
  if (preferred) preferred.isDefault = true;
  return buckets;
}

function checkBucketFields(bucketName: string, region: string, at: Segment[], problem: Report): boolean {
  let ok = true;
  if (bucketNameProblem(bucketName) !== undefined) {
    problem([...at, 'bucket_name'], bucketNameMessage(bucketName).replace(/^bucketName/, 'bucket_name'));
    ok = false;
  }
  if (!REGION.test(region)) {
    problem([...at, 'aws_region'], `"aws_region" is ${JSON.stringify(region)}, not an AWS region name; expected a region such as us-east-1`);
    ok = false;
  }
  return ok;
}

function readPaths(paths: unknown, at: Segment[], problem: Report): Record<string, Record<string, unknown[]>> | undefined {
  if (paths === undefined) return {};
  if (!isRecord(paths)) {
    problem(at, `${describePath(at)} is ${describeValue(paths)}; expected an object mapping path prefixes to access rules`);
    return undefined;
  }
  const out: Record<string, Record<string, unknown[]>> = {};
  let ok = true;
  for (const [path, rule] of Object.entries(paths)) {
    const ruleAt = [...at, path];
    if (!isRecord(rule)) {
      problem(ruleAt, `${describePath(ruleAt)} is ${describeValue(rule)}; expected an object mapping access keys to actions`);
      ok = false;
      continue;
    }
    const kept: Record<string, unknown[]> = {};
    for (const [accessKey, actions] of Object.entries(rule)) {
      // Access keys and actions are the `paths` model's to check (emulator/policy/paths.ts).
      if (!Array.isArray(actions)) {
        problem([...ruleAt, accessKey], `${describePath([...ruleAt, accessKey])} is ${describeValue(actions)}; expected a list of actions (read, get, list, write, delete)`);
        ok = false;
        continue;
      }
      kept[accessKey] = actions;
    }
    out[path] = kept;
  }
  return ok ? out : undefined;
}

function readGroups(groups: unknown, problem: Report): OutputsGroup[] | undefined {
  const at: Segment[] = ['auth', 'groups'];
  if (!Array.isArray(groups)) {
    problem(at, `"auth.groups" is ${describeValue(groups)}; expected a list such as [{ "admin": { "precedence": 0 } }]`);
    return undefined;
  }
  const out: OutputsGroup[] = [];
  let ok = true;
  groups.forEach((entry, i) => {
    if (!isRecord(entry)) {
      problem([...at, i], `auth.groups[${i}] is ${describeValue(entry)}; expected an object such as { "admin": { "precedence": 0 } }`);
      ok = false;
      return;
    }
    for (const [name, config] of Object.entries(entry)) {
      const precedence = isRecord(config) ? config['precedence'] : undefined;
      if (!isRecord(config) || (precedence !== undefined && (typeof precedence !== 'number' || !Number.isInteger(precedence) || precedence < 0))) {
        problem([...at, i, name], `group "${name}" in auth.groups[${i}] should be { "precedence": <whole number, 0 or more> }`);
        ok = false;
        continue;
      }
      out.push({ name, precedence: typeof precedence === 'number' ? precedence : out.length, at: [...at, i, name] });
    }
  });
  return ok ? out : undefined;
}

function stringField(obj: Record<string, unknown>, at: Segment[], key: string, problem: Report): string | undefined {
  const value = obj[key];
  if (typeof value === 'string' && value !== '') return value;
  if (value === undefined) problem(at, `${at.length ? describePath(at) : 'the file'} has no "${key}"; amplify_outputs.json schema 1.x requires it`, 'container');
  else problem([...at, key], `"${key}" in ${describePath(at)} is ${describeValue(value)}; expected a non-empty string`);
  return undefined;
}
