/**
 * `derive: true` (../../shared/spec/scenario-v1.md, "Derived cases"): the cases that each bucket's
 * `paths` map implies, for every path, every action and every kind of actor, with the expectation
 * `paths` promises. Run against the enforced policies, a failing derived case is drift between the
 * client-side map and IAM.
 *
 * Pure: the runner adds `actors` to the scenario's users and `objects` to its objects, and appends
 * `cases` after the written ones (their `index` already continues the written cases').
 *
 * Design:
 * - Actors are always synthetic users, never the file's own (a declared user "fits" only by luck,
 *   and its written cases may move its objects or rely on its groups). Names: `derived-user`
 *   (signed in, no group), `derived-owner` and `derived-other` (owner paths), and
 *   `derived-<group>-member` (in exactly that group, so it holds that group's role). A name the
 *   file already uses gets a `-2`, `-3`… suffix, with a note. Only actors that get cases are returned.
 * - On a path without the owner token: guest, `derived-user`, each group member. On an owner path:
 *   guest and `derived-other` act on `derived-owner`'s folder, `derived-owner` on its own, and each
 *   group member on its own folder (there entity rules would apply to a user in no group, so the
 *   note shows what the group's role loses).
 * - Keys: every case has its own object, so cases never depend on each other's order. Downloads
 *   read `<folder>derived-probe.txt` (seeded once per folder, never removed), uploads write a new
 *   `<folder>derived-upload-<actor>.txt`, removes delete a seeded `<folder>derived-remove-<actor>.txt`.
 *   Keys sit directly in the path's folder (no further `/`), so a parent's probe never falls into a
 *   child path. Owner folders use `{identity:<user>}`.
 * - Guest access off: the client asks for no credentials and every Storage call throws
 *   StorageError `NoCredentials` before reaching S3 (runner outcome `error`). A guest case then
 *   expects `{ outcome: error, error: NoCredentials }`, except where `paths` grants guests the
 *   action: that case still expects `allow` (what `paths` promises) with a note, and its failure
 *   shows the map promising guests what the app cannot give.
 */
import type { Expectation, Scenario, ScenarioBucket, ScenarioCase, ScenarioObject, ScenarioUser, StorageOp } from '../scenario/types.js';
import {
  decide,
  ENTITY_KEY,
  OWNER_TOKEN,
  parsePaths,
  PROBE_ACTIONS,
  unknownAccessKeys,
  type AccessSubject,
  type PathEntry,
  type ProbeAction,
} from './access.js';

/** Meets Cognito's default password policy: 8+ characters, upper, lower, digit, symbol. */
export const DERIVED_PASSWORD = 'Derived-Probe-1!';
/** Body of every seeded derived object; allowed downloads expect it back. */
export const PROBE_BODY = 'derived probe';

export type DerivedActorRole = 'signed-in' | 'owner' | 'other' | 'group-member';

/** A synthetic user the derived cases act as; add it to the scenario's users. */
export interface DerivedActor extends ScenarioUser {
  role: DerivedActorRole;
}

export interface DerivedCases {
  cases: ScenarioCase[];
  /** Users to create besides the file's. */
  actors: DerivedActor[];
  /** Objects to write before the cases besides the file's (paths may hold `{identity:<user>}`). */
  objects: ScenarioObject[];
  /** Scenario-level remarks for the report. */
  notes: string[];
}

const OP_OF: Record<ProbeAction, StorageOp> = { get: 'download', list: 'list', write: 'upload', delete: 'remove' };

/** A user name Cognito and the placeholder syntax both accept. */
const safeName = (text: string): string => text.replace(/[^A-Za-z0-9._+=,@-]/g, '_');
/** A key segment without `/`, braces or spaces. */
const keySlug = (text: string): string => text.replace(/[^A-Za-z0-9._-]/g, '_');

interface Actor {
  name: string;
  subject: AccessSubject;
  /** The access key a denial is reported against. */
  primaryKey: string;
  /** For owner paths: whose folder the actor works in. */
  folderOf: 'self' | 'owner';
}

/** Hands out names not taken by the file's users (or by each other). */
class NameAllocator {
  private readonly taken: Set<string>;
  readonly renamed: string[] = [];
  constructor(declared: string[]) {
    this.taken = new Set(['guest', ...declared]);
  }
  take(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}-${n}`;
    this.taken.add(name);
    if (name !== base) this.renamed.push(`${base} → ${name}`);
    return name;
  }
}

/** Hands out keys in one bucket that no written object or case uses (compared as written). */
class KeyAllocator {
  constructor(private readonly used: Set<string>) {}
  take(key: string): string {
    const dot = key.lastIndexOf('.');
    const [stem, ext] = dot > key.lastIndexOf('/') ? [key.slice(0, dot), key.slice(dot)] : [key, ''];
    let candidate = key;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
    this.used.add(candidate);
    return candidate;
  }
}

export function deriveCases(scenario: Scenario): DerivedCases {
  const notes: string[] = [];
  const groups = scenario.auth.groups.map((g) => g.name);
  const parsed = scenario.buckets.map((bucket) => ({ bucket, entries: parsePaths(bucket.paths) }));
  const all = parsed.flatMap((p) => p.entries);
  const hasPlain = all.some((e) => !e.owner);
  const hasOwner = all.some((e) => e.owner);

  for (const { bucket, entries } of parsed) {
    if (entries.length === 0) notes.push(`derive: bucket ${bucket.name} has no paths; nothing is derived for it.`);
    const unknown = unknownAccessKeys(entries, groups);
    if (unknown.length > 0) {
      notes.push(
        `derive: bucket ${bucket.name} paths use ${unknown.join(', ')}, which no derived actor holds ` +
          `(not a group in auth.groups, or not an access key Amplify writes); those rules are not probed.`,
      );
    }
    for (const e of entries) {
      const collapsed = collapsedOwnerRules(e, entries);
      if (collapsed.length > 0) {
        const folderPath = folderPathOf(e);
        notes.push(
          `derive: ${e.key} (bucket ${bucket.name}) gives ${collapsed.join(', ')}, which Amplify generates on ${folderPath} ` +
            `(the owner token becomes * and /*/* collapses to /*): IAM grants that on all of ${folderPath}, paths only in owner folders` +
            (entries.some((x) => x.key === folderPath) ? `, so derived cases on ${folderPath} itself may fail with generated policies.` : '.'),
        );
      }
      if (!e.owner && e.rules.has(ENTITY_KEY)) {
        notes.push(
          `derive: ${e.key} (bucket ${bucket.name}) has ${ENTITY_KEY} rules but no owner token; Amplify rejects that. ` +
            `Derived cases read them as rules for every user in no group, as the generated statement would apply.`,
        );
      }
    }
  }

  // Actors: only those that will get cases.
  const names = new NameAllocator(scenario.auth.users.map((u) => u.name));
  const derivedActors: DerivedActor[] = [];
  const addUser = (base: string, role: DerivedActorRole, userGroups: string[]): string => {
    const name = names.take(base);
    derivedActors.push({ name, password: DERIVED_PASSWORD, groups: userGroups, role });
    return name;
  };
  const any = all.length > 0;
  const user = hasPlain ? addUser('derived-user', 'signed-in', []) : undefined;
  const owner = hasOwner ? addUser('derived-owner', 'owner', []) : undefined;
  const other = hasOwner ? addUser('derived-other', 'other', []) : undefined;
  const members = any ? groups.map((g) => ({ group: g, name: addUser(`derived-${safeName(g)}-member`, 'group-member', [g]) })) : [];
  if (names.renamed.length > 0) {
    notes.push(`derive: the file already uses some derived user names, so these were renamed: ${names.renamed.join(', ')}.`);
  }
  if (any && !scenario.auth.guestAccess) {
    notes.push(
      'derive: auth.guestAccess is false, so the guest gets no credentials and the client throws NoCredentials before ' +
        'reaching S3. Derived guest cases expect that error, except where paths grants guests an action: those expect ' +
        'allow, as paths promises, and fail.',
    );
  }

  const actor = (name: string, subject: AccessSubject, primaryKey: string, folderOf: Actor['folderOf']): Actor => ({ name, subject, primaryKey, folderOf });
  const guest = actor('guest', { kind: 'guest' }, 'guest', 'owner');
  const plainActors: Actor[] = [
    guest,
    ...(user ? [actor(user, { kind: 'signed-in', ownFolder: false }, 'authenticated', 'owner')] : []),
    ...members.map((m) => actor(m.name, { kind: 'group', group: m.group, ownFolder: false }, `groups${m.group}`, 'owner')),
  ];
  const ownerActors: Actor[] = [
    guest,
    ...(owner ? [actor(owner, { kind: 'signed-in', ownFolder: true }, ENTITY_KEY, 'self')] : []),
    ...(other ? [actor(other, { kind: 'signed-in', ownFolder: false }, 'authenticated', 'owner')] : []),
    ...members.map((m) => actor(m.name, { kind: 'group', group: m.group, ownFolder: true }, `groups${m.group}`, 'self')),
  ];

  const cases: ScenarioCase[] = [];
  const objects: ScenarioObject[] = [];
  const defaultBucket = scenario.buckets.find((b) => b.default)?.name ?? scenario.buckets[0]?.name;
  for (const { bucket, entries } of parsed) {
    const keys = new KeyAllocator(reservedKeys(scenario, bucket, defaultBucket));
    const probes = new Map<string, string>();
    const seed = (path: string) => objects.push({ path, body: PROBE_BODY, bucket: bucket.name });
    for (const entry of entries) {
      for (const who of entry.owner ? ownerActors : plainActors) {
        const folder = folderFor(entry, who.folderOf === 'self' ? who.name : (owner ?? who.name));
        for (const action of PROBE_ACTIONS) {
          let path: string;
          switch (action) {
            case 'get': {
              let probe = probes.get(folder);
              if (probe === undefined) {
                probe = keys.take(`${folder}derived-probe.txt`);
                probes.set(folder, probe);
                seed(probe);
              }
              path = probe;
              break;
            }
            case 'list':
              path = folder;
              break;
            case 'write':
              path = keys.take(`${folder}derived-upload-${keySlug(who.name)}.txt`);
              break;
            case 'delete':
              path = keys.take(`${folder}derived-remove-${keySlug(who.name)}.txt`);
              seed(path);
              break;
          }
          cases.push(buildCase(scenario, bucket, entry, who, action, path, scenario.cases.length + cases.length));
        }
      }
    }
  }
  return { cases, actors: derivedActors, objects, notes };
}

/** `p/${sub}/*` → `p/*`: where Amplify puts an owner path's rules for everyone but the owner. */
function folderPathOf(entry: PathEntry): string {
  return `${entry.prefix.replace(`${OWNER_TOKEN}/`, '')}*`;
}

/** `<accessKey> <action>` pairs an owner path grants to non-owners that its folder path does not grant itself. */
function collapsedOwnerRules(entry: PathEntry, entries: PathEntry[]): string[] {
  if (!entry.owner) return [];
  const folder = entries.find((x) => x.key === folderPathOf(entry));
  const out: string[] = [];
  for (const [key, actions] of entry.rules) {
    if (key === ENTITY_KEY) continue;
    const missing = [...actions].filter((a) => !folder?.rules.get(key)?.has(a));
    if (missing.length > 0) out.push(`${key} ${missing.join('/')}`);
  }
  return out;
}

/** The folder an actor works in: the path's prefix, with an owner token resolved to `{identity:<user>}`. */
function folderFor(entry: PathEntry, folderUser: string): string {
  return entry.owner
    ? entry.prefix.replaceAll(OWNER_TOKEN, `{identity:${folderUser}}`)
    : entry.prefix;
}

function reservedKeys(scenario: Scenario, bucket: ScenarioBucket, defaultBucket: string | undefined): Set<string> {
  const inBucket = (name: string | undefined) => (name ?? defaultBucket) === bucket.name;
  const used = new Set<string>();
  for (const o of scenario.objects) if (inBucket(o.bucket)) used.add(o.path);
  for (const c of scenario.cases) {
    if (!inBucket(c.bucket)) continue;
    used.add(c.path);
    if (c.from !== undefined) used.add(c.from);
  }
  return used;
}

function buildCase(
  scenario: Scenario,
  bucket: ScenarioBucket,
  entry: PathEntry,
  actor: Actor,
  action: ProbeAction,
  path: string,
  index: number,
): ScenarioCase {
  const op = OP_OF[action];
  const decision = decide(actor.subject, entry, action);
  const noGuestCredentials = actor.subject.kind === 'guest' && !scenario.auth.guestAccess;
  const allow: Expectation = op === 'download' ? { outcome: 'allow', body: PROBE_BODY } : { outcome: 'allow' };
  let expect: Expectation;
  let note: string | undefined;
  let verdict: string;
  if (decision.allowed) {
    expect = allow;
    verdict = 'paths: allowed';
    if (noGuestCredentials) {
      note = `paths grants guests ${action} here, but guest access is off: the client gets no credentials (NoCredentials)`;
    }
  } else if (noGuestCredentials) {
    expect = { outcome: 'error', error: 'NoCredentials' };
    verdict = 'paths: denied; no guest credentials';
  } else {
    expect = { outcome: 'deny' };
    verdict = 'paths: denied';
    note = suggestionNote(actor, action, decision.alsoGrantedTo);
  }
  const rule = decision.grant
    ? `${decision.grant.path} ${decision.grant.accessKey} ${action}`
    : `${entry.key} ${actor.primaryKey} ${action}`;
  return {
    index,
    name: `${actor.name} ${op} ${path} (${verdict})`,
    as: actor.name,
    op,
    path,
    bucket: bucket.name,
    expect,
    line: 0,
    derived: note === undefined ? { rule } : { rule, note },
  };
}

/** Where `paths` promises this action to others on the same folder but not to this actor's role. */
function suggestionNote(actor: Actor, action: ProbeAction, also: string[]): string | undefined {
  if (also.length === 0) return undefined;
  const subject = actor.subject;
  if (subject.kind === 'group') {
    return (
      `paths also grants ${action} here to ${also.join(', ')}; a member of ${subject.group} holds only that group's role, ` +
      `so only groups${subject.group} rules count`
    );
  }
  if (subject.kind === 'signed-in') {
    return `paths grants ${action} here to ${also.join(', ')}; a signed-in user holds the authenticated role, not the guest role`;
  }
  return undefined;
}
