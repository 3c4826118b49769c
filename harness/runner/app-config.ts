import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AppConfig, RoleConfig } from '../../emulator/config.js';
import { generateRolePolicies } from '../../emulator/policy/index.js';
import type { IamPolicyDocument } from '../../emulator/policy/types.js';
import type { NamedPolicy, Scenario, ScenarioUser } from '../scenario/types.js';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const POOL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random IDs by default; with a seed, the same IDs every time (for `ase up`, so an app's config stays valid). */
function idMaker(seed: string | undefined) {
  let counter = 0;
  const bytes = (n: number): Buffer => seed === undefined
    ? randomBytes(n)
    : createHash('sha256').update(`${seed}#${counter++}`).digest().subarray(0, n);
  return {
    id: (length: number, alphabet = ALNUM) => Array.from(bytes(length), (b) => alphabet[b % alphabet.length]).join(''),
    uuid: () => {
      if (seed === undefined) return randomUUID();
      const h = bytes(16).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}

/**
 * The stack config for one scenario run: fresh pool and client IDs (so scenarios never see each
 * other's users), the scenario's role ARNs, and the role policies — the file's own documents when
 * it has `policies`, otherwise generated from `paths` exactly as Amplify Gen2 does.
 */
export function appConfigForScenario(
  scenario: Scenario,
  users: ScenarioUser[],
  appId: string,
  options: { stableIdsSeed?: string } = {},
): AppConfig {
  const { region, auth } = scenario;
  const ids = idMaker(options.stableIdsSeed);
  const generated = scenario.policies
    ? undefined
    : generateRolePolicies({
        buckets: scenario.buckets.map((b) => ({ bucketName: b.bucketName, paths: b.paths })),
        groups: auth.groups.map((g) => g.name),
      });
  const docs = (named: NamedPolicy[] | undefined): IamPolicyDocument[] => (named ?? []).map((p) => p.document);
  const role = (arn: string, given: NamedPolicy[] | undefined, fromPaths: IamPolicyDocument | undefined): RoleConfig => (scenario.policies
    ? { arn, policies: docs(given), policySources: (given ?? []).map((p) => displaySource(p.source)) }
    : { arn, policies: fromPaths ? [fromPaths] : [] });
  return {
    id: appId,
    region,
    accountId: auth.accountId,
    userPool: {
      id: `${region}_${ids.id(9, POOL_ALPHABET)}`,
      name: scenario.name,
      clientIds: [ids.id(26)],
      groups: auth.groups.map((g) => ({ name: g.name, precedence: g.precedence, roleArn: auth.roles.groups[g.name] })),
      ...(auth.usernameAttributes ? { usernameAttributes: auth.usernameAttributes } : {}),
      users: users.map((u) => ({
        username: u.signInName ?? u.name,
        password: u.password,
        ...(u.email ? { email: u.email } : {}),
        groups: u.groups,
      })),
    },
    identityPool: { id: `${region}:${ids.uuid()}`, allowGuestAccess: auth.guestAccess, ...(auth.allowClassicFlow ? { allowClassicFlow: true } : {}) },
    roles: {
      guest: role(auth.roles.guest, scenario.policies?.guest, generated?.guest),
      authenticated: role(auth.roles.authenticated, scenario.policies?.authenticated, generated?.authenticated),
      groups: Object.fromEntries(auth.groups.map((g) => [
        g.name,
        role(auth.roles.groups[g.name]!, scenario.policies?.groups[g.name], generated?.groups[g.name]),
      ])),
    },
    buckets: scenario.buckets.map((b) => ({
      name: b.name,
      bucketName: b.bucketName,
      region: b.region,
      paths: b.paths,
      ...(b.bucketPolicy ? { bucketPolicy: b.bucketPolicy } : {}),
      ...(b.bucketPolicy && b.bucketPolicySource ? { bucketPolicySource: displaySource(b.bucketPolicySource) } : {}),
      crossAccount: b.crossAccount,
      ...(b.default ? { default: true } : {}),
      ...(b.cors !== undefined ? { cors: b.cors } : {}),
    })),
  };
}

/**
 * A policy's source as messages show it: a file (or `<file>#policies.guest[0]`) relative to the
 * working folder when it is below it; `<stack>/<logical ID>` as it is.
 */
function displaySource(source: string): string {
  const [file, fragment] = source.split('#', 2) as [string, string | undefined];
  if (!path.isAbsolute(file)) return source;
  const rel = path.relative(process.cwd(), file);
  const shown = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  return fragment === undefined ? shown : `${shown}#${fragment}`;
}
