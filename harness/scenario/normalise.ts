/**
 * Normalising: a scenario file that passed every check, with its defaults filled in (region,
 * account, role ARNs, generated passwords, the default bucket), into a {@link Scenario}.
 */
import type { PathsMap } from '../../emulator/policy/types.js';
import { signInNameOf, type BucketView, type Group } from './checks.js';
import type { IssueSink } from './issue-sink.js';
import { generatePassword } from './password.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, type LoadedOutputs, type PolicyDocuments } from './references.js';
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
} from './types.js';
import type { AuthFile, ExpectationFile, PoliciesFile, PolicyRef, ScenarioFile } from './file-types.js';
import type { Segment } from './yaml-source.js';

/** The role ARNs a scenario gets when `auth.roles` does not name them. */
export const defaultRoleArn = {
  guest: (accountId: string): string => `arn:aws:iam::${accountId}:role/ase-guest`,
  authenticated: (accountId: string): string => `arn:aws:iam::${accountId}:role/ase-authenticated`,
  group: (accountId: string, group: string): string => `arn:aws:iam::${accountId}:role/ase-group-${group}`,
};

/** What the checks found, for normalising. */
export interface Checked {
  sink: IssueSink;
  groups: Group[];
  buckets: BucketView[];
  /** Each bucket's `paths`, normalised, by friendly name. */
  paths: Map<string, PathsMap>;
  documents: PolicyDocuments;
  outputs: LoadedOutputs | undefined;
  /** Makes passwords for users without one. */
  generatePassword?: () => string;
}

/** `file`: a document the schema and every check accepted. */
export function normaliseScenario(file: ScenarioFile, checked: Checked): Scenario {
  const region = file.region ?? DEFAULT_REGION;
  const auth = normaliseAuth(file.auth ?? {}, checked);
  const buckets = normaliseBuckets(file, checked, region);
  const defaultBucket = (buckets.find((b) => b.default) ?? buckets[0])?.name ?? '';

  const objects: ScenarioObject[] = (file.objects ?? []).map((o) => ({
    path: o.path,
    body: o.body ?? 'seed',
    bucket: o.bucket ?? defaultBucket,
  }));

  const cases: ScenarioCase[] = (file.cases ?? []).map((c, index) => {
    const normalised: ScenarioCase = {
      index,
      as: c.as,
      op: c.op,
      path: c.path,
      bucket: c.bucket ?? defaultBucket,
      expect: normaliseExpectation(c.expect),
      line: checked.sink.line(['cases', index]),
    };
    if (c.name !== undefined) normalised.name = c.name;
    if (c.from !== undefined) normalised.from = c.from;
    if (c.body !== undefined) normalised.body = c.body;
    if (c.inBrowser !== undefined) normalised.inBrowser = normaliseExpectation(c.inBrowser);
    const size = parseSize(c.size);
    if (size !== undefined) normalised.size = size;
    if (c.options !== undefined) normalised.options = c.options;
    return normalised;
  });

  const scenario: Scenario = {
    file: checked.sink.file,
    version: 1,
    name: file.name,
    region,
    auth,
    buckets,
    objects,
    derive: file.derive === true,
    cases,
  };
  if (file.description !== undefined) scenario.description = file.description;
  const clients = file.client === undefined ? [] : Array.isArray(file.client) ? file.client : [file.client];
  if (clients.length > 0) scenario.clients = [...new Set(clients)];
  if (file.origin !== undefined) scenario.origin = file.origin;
  const policies = normalisePolicies(file.policies, checked.documents);
  if (policies) scenario.policies = policies;
  return scenario;
}

function normaliseAuth(auth: AuthFile, { groups, outputs, generatePassword: makePassword = generatePassword }: Checked): ScenarioAuth {
  const accountId = auth.accountId ?? DEFAULT_ACCOUNT_ID;
  const roles = auth.roles ?? {};
  const groupRoles = roles.groups ?? {};
  // The outputs' username_attributes (email as the sign-in name) hold for the scenario's pool too.
  const usernameAttributes = outputs?.content.usernameAttributes ?? [];
  const users: ScenarioUser[] = Object.entries(auth.users ?? {}).map(([name, u]) => {
    const user: ScenarioUser = { name, password: u?.password ?? makePassword(), groups: u?.groups ?? [] };
    if (u?.email !== undefined) user.email = u.email;
    const signInName = signInNameOf(usernameAttributes, name, u?.email);
    if (signInName !== undefined && signInName !== name) user.signInName = signInName;
    return user;
  });
  return {
    guestAccess: auth.guestAccess ?? outputs?.content.guestAccess ?? true,
    ...(auth.allowClassicFlow === true ? { allowClassicFlow: true } : {}),
    ...(usernameAttributes.length > 0 ? { usernameAttributes } : {}),
    groups,
    users,
    accountId,
    roles: {
      guest: roles.guest ?? defaultRoleArn.guest(accountId),
      authenticated: roles.authenticated ?? defaultRoleArn.authenticated(accountId),
      groups: Object.fromEntries(groups.map((g) => [g.name, groupRoles[g.name] ?? defaultRoleArn.group(accountId, g.name)])),
    },
  };
}

function normaliseBuckets(file: ScenarioFile, { buckets: views, paths, documents }: Checked, region: string): ScenarioBucket[] {
  const written = file.buckets;
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
      paths: paths.get(view.name) ?? {},
      crossAccount: written?.[i]?.crossAccount === true,
    };
    const cors = written?.[i]?.cors;
    // As written: validateCorsConfiguration accepted it as PutBucketCors would.
    if (cors !== undefined) bucket.cors = cors as NonNullable<ScenarioBucket['cors']>;
    const policy = documents.get(['buckets', i, 'bucketPolicy']);
    if (written && policy) {
      bucket.bucketPolicy = policy.document;
      bucket.bucketPolicySource = policy.source;
    }
    return bucket;
  });
}

function normalisePolicies(policies: PoliciesFile | undefined, documents: PolicyDocuments): ScenarioPolicies | undefined {
  if (!policies) return undefined;
  const list = (path: Segment[], entries: PolicyRef[] | undefined): NamedPolicy[] => (entries ?? []).map((_, i) => documents.get([...path, i])!);
  return {
    guest: list(['policies', 'guest'], policies.guest),
    authenticated: list(['policies', 'authenticated'], policies.authenticated),
    groups: Object.fromEntries(Object.entries(policies.groups ?? {}).map(([name, entries]) => [name, list(['policies', 'groups', name], entries)])),
  };
}

/** `size:` of an upload case in bytes: a whole number, or a number with B, KiB or MiB (the schema checked the form). */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB)?\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * ({ B: 1, KiB: 1024, MiB: 1024 * 1024 }[m[2] ?? 'B'] ?? 1));
}

function normaliseExpectation(expect: ExpectationFile): Expectation {
  if (typeof expect === 'string') return { outcome: expect };
  const out: Expectation = { outcome: expect.outcome };
  if (expect.error !== undefined) out.error = expect.error;
  if (expect.body !== undefined) out.body = expect.body;
  if (expect.keys !== undefined) out.keys = expect.keys;
  if (expect.contains !== undefined) out.contains = expect.contains;
  return out;
}
