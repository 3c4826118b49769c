/**
 * The checks the schema cannot express: names that must be declared (users, groups, buckets),
 * names that must be unique, passwords, `paths` rules, placeholders and object keys. Each is a
 * pure function of the parsed file that reports to the one {@link IssueSink}.
 */
import { DEFAULT_PASSWORD_POLICY, passwordPolicyViolation } from '../../emulator/cognito-idp/password-policy.js';
import { signInAttributeFor } from '../../emulator/cognito-idp/username-attributes.js';
import { parseStoragePaths } from '../../emulator/policy/paths.js';
import type { PathsMap } from '../../emulator/policy/types.js';
import { validateCorsConfiguration } from '../../emulator/s3-cors/validate.js';
import type { IssueSink } from './issue-sink.js';
import { unsupportedKeyMessage, unsupportedKeyProblem } from './object-keys.js';
import type { PathsValidator } from './paths-check.js';
import { findPlaceholders } from './placeholders.js';
import type { LoadedOutputs } from './references.js';
import { describePath } from './schema-check.js';
import { closest } from './suggest.js';
import { lowerFirst, record } from './values.js';
import type { Dict } from './values.js';
import type { Anchor, Segment } from './yaml-source.js';

export interface Group {
  name: string;
  precedence: number;
}

/** What a check of a group name says when the group is not declared. */
export type GroupHint = (name: string) => string;

/** A bucket as the checks see it, whether written in the scenario or read from the outputs file. */
export interface BucketView {
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

// --- auth --------------------------------------------------------------------------------------

/** The groups: the scenario's own (each name once), else the outputs file's. */
export function checkGroups(sink: IssueSink, auth: Dict | undefined, outputs: LoadedOutputs | undefined): Group[] {
  const list = auth?.['groups'];
  if (!Array.isArray(list)) {
    return (outputs?.content.groups ?? []).map(({ name, precedence }) => ({ name, precedence }));
  }
  const groups: Group[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry, i) => {
    const name = typeof entry === 'string' ? entry : record(entry)?.['name'];
    if (typeof name !== 'string') return;
    const explicit = record(entry)?.['precedence'];
    const first = seen.get(name);
    if (first !== undefined) {
      sink.report(['auth', 'groups', i], `group \`${name}\` is declared twice (also auth.groups[${first}]); remove one of them`);
      return;
    }
    seen.set(name, i);
    groups.push({ name, precedence: typeof explicit === 'number' ? explicit : i });
  });
  return groups;
}

/** "declared groups: a, b (did you mean `a`?)", naming the outputs file when the groups came from it. */
export function groupHint(groups: Set<string>, auth: Dict | undefined, outputs: LoadedOutputs | undefined): GroupHint {
  return (name) => {
    const declared = [...groups];
    const guess = closest(name, declared);
    const origin = outputs && !Array.isArray(auth?.['groups']) ? ` (in ${outputs.ref})` : '';
    return declared.length === 0
      ? `declare it under auth.groups`
      : `declared groups${origin}: ${declared.join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}`;
  };
}

/** The user names; each password against Cognito's default policy, each group membership declared. */
export function checkUsers(sink: IssueSink, auth: Dict | undefined, groups: Set<string>, hint: GroupHint): Set<string> {
  const users = record(auth?.['users']);
  const names = new Set<string>();
  if (!users) return names;
  for (const [name, value] of Object.entries(users)) {
    if (name === 'guest') continue; // reported by the schema
    names.add(name);
    const user = record(value);
    if (!user) continue;
    const password = user['password'];
    if (typeof password === 'string') {
      const violation = passwordPolicyViolation(password, DEFAULT_PASSWORD_POLICY);
      if (violation) {
        sink.report(
          ['auth', 'users', name, 'password'],
          `the password of user \`${name}\` breaks Cognito's default password policy (${lowerFirst(violation.replace(/^Password did not conform with policy: /, ''))}); use 8 or more characters with an uppercase and a lowercase letter, a digit and a symbol, or leave \`password\` out to have one generated`,
        );
      }
    }
    const memberOf = user['groups'];
    if (!Array.isArray(memberOf)) continue;
    memberOf.forEach((group, k) => {
      if (typeof group === 'string' && !groups.has(group)) {
        sink.report(['auth', 'users', name, 'groups', k], `user \`${name}\` is in group \`${group}\`, which is not declared; ${hint(group)}`);
      }
    });
  }
  return names;
}

/**
 * In a pool that signs users in by phone number only (the outputs' username_attributes), every user
 * must be named by one (in an email pool every user has an address: its own, or a stand-in).
 */
export function checkSignInNames(sink: IssueSink, auth: Dict | undefined, outputs: LoadedOutputs | undefined): void {
  const attributes = outputs?.content.usernameAttributes ?? [];
  if (attributes.length === 0) return;
  for (const [name, value] of Object.entries(record(auth?.['users']) ?? {})) {
    const email = record(value)?.['email'];
    if (signInNameOf(attributes, name, typeof email === 'string' ? email : undefined) !== undefined) continue;
    sink.report(
      ['auth', 'users', name],
      `${outputs!.ref} signs users in by ${attributes.join(' or ')} (username_attributes), so ${name} needs a phone number to sign in with: name the user by it in E.164 form, e.g. "+15555550100"`,
      'key',
    );
  }
}

/**
 * What a user signs in with in a pool with these username attributes: the user name when there are
 * none; in an email pool the user's email, else its name when that is an address, else the stand-in
 * `<name>@example.com`; in a phone-number pool its name when that is an E.164 number. Undefined when
 * the user cannot sign in to such a pool.
 */
export function signInNameOf(attributes: ReadonlyArray<'email' | 'phone_number'>, name: string, email: string | undefined): string | undefined {
  if (attributes.length === 0) return name;
  const candidates = [email, name, attributes.includes('email') ? `${name}@example.com` : undefined];
  return candidates.find((c): c is string => c !== undefined && signInAttributeFor(attributes, c) !== undefined);
}

/** A mapping keyed by group name (`auth.roles.groups`, `policies.groups`): every key a declared group. */
export function checkGroupKeyedMap(sink: IssueSink, path: Segment[], map: Dict | undefined, groups: Set<string>, hint: GroupHint): void {
  for (const name of Object.keys(map ?? {})) {
    if (!groups.has(name)) sink.report([...path, name], `${describePath(path)} names group \`${name}\`, which is not declared; ${hint(name)}`, 'key');
  }
}

// --- buckets -----------------------------------------------------------------------------------

/** The buckets: the scenario's own `buckets:`, else the outputs file's storage section. */
export function bucketViews(sink: IssueSink, data: Dict, outputs: LoadedOutputs | undefined): BucketView[] {
  const list = data['buckets'];
  if (Array.isArray(list)) {
    return list.flatMap((entry, i): BucketView[] => {
      const bucket = record(entry);
      if (!bucket || typeof bucket['name'] !== 'string') return [];
      return [
        {
          name: bucket['name'],
          bucketName: typeof bucket['bucketName'] === 'string' ? bucket['bucketName'] : '',
          region: typeof bucket['region'] === 'string' ? bucket['region'] : undefined,
          isDefault: bucket['default'] === true,
          rawPaths: record(bucket['paths']) ?? {},
          rawCors: bucket['cors'],
          report: (path, message, anchor) => sink.report(['buckets', i, ...path], message, anchor),
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
    report: (path, message, anchor) => sink.reportInFile(outputs.refPath ?? ['outputs'], ref, file, [...b.at, ...path], message, anchor),
  }));
}

/**
 * Unique names and S3 buckets, at most one default, each `paths` map and CORS configuration.
 * Returns each bucket's `paths` in the model's normalised form, by friendly name.
 */
export function checkBuckets(data: Dict, buckets: BucketView[], groups: Set<string>, hint: GroupHint, validatePaths: PathsValidator): Map<string, PathsMap> {
  const fromScenario = Array.isArray(data['buckets']);
  const names = new Map<string, number>();
  const bucketNames = new Map<string, number>();
  const normalised = new Map<string, PathsMap>();
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
    normalised.set(bucket.name, checkPaths(bucket, groups, hint, fromScenario, validatePaths));
    if (bucket.rawCors !== undefined && bucket.rawCors !== 'none') {
      for (const problem of validateCorsConfiguration(bucket.rawCors)) {
        bucket.report(['cors', ...problem.path], `cors: ${problem.message} (PutBucketCors would answer ${problem.code})`, problem.path.length > 0 && typeof problem.path.at(-1) === 'string' && problem.message.startsWith('unknown key') ? 'key' : 'value');
      }
    }
  });
  return normalised;
}

function checkPaths(bucket: BucketView, groups: Set<string>, hint: GroupHint, written: boolean, validatePaths: PathsValidator): PathsMap {
  const asWritten: Record<string, Record<string, unknown[]>> = {};
  for (const [key, rule] of Object.entries(bucket.rawPaths)) {
    const access: Record<string, unknown[]> = {};
    for (const [accessKey, actions] of Object.entries(record(rule) ?? {})) {
      access[accessKey] = Array.isArray(actions) ? actions : [];
      const group = /^groups(.+)$/.exec(accessKey)?.[1];
      if (group !== undefined && !groups.has(group)) {
        bucket.report(['paths', key, accessKey], `access key \`${accessKey}\` names group \`${group}\`, which is not declared; ${hint(group)}`, 'key');
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
  for (const problem of validatePaths(asWritten)) {
    // A scenario file's schema has reported unknown access keys and actions already.
    if (written && (problem.kind === 'access-key' || problem.kind === 'action')) continue;
    const at: Segment[] = ['paths', problem.path, ...(problem.accessKey ? [problem.accessKey] : []), ...(problem.index !== undefined ? [problem.index] : [])];
    bucket.report(at, problem.message, problem.index !== undefined ? 'value' : 'key');
  }
  return parseStoragePaths(asWritten).outputs;
}

// --- objects and cases -------------------------------------------------------------------------

/** Seeded objects: a declared bucket, placeholders naming declared users, keys MinIO can store. */
export function checkObjects(sink: IssueSink, data: Dict, users: Set<string>, buckets: string[]): void {
  const objects = Array.isArray(data['objects']) ? data['objects'] : [];
  objects.forEach((entry, i) => {
    const object = record(entry);
    if (!object) return;
    checkBucketRef(sink, ['objects', i, 'bucket'], object['bucket'], buckets);
    if (typeof object['path'] === 'string') {
      checkPlaceholders(sink, ['objects', i, 'path'], object['path'], users, false);
      const problem = unsupportedKeyProblem(object['path']);
      if (problem) sink.report(['objects', i, 'path'], unsupportedKeyMessage('path', problem));
    }
  });
}

/** Cases: a declared actor and bucket, `body` or `size`, placeholders and keys as for objects. */
export function checkCases(sink: IssueSink, data: Dict, users: Set<string>, buckets: string[]): void {
  const cases = Array.isArray(data['cases']) ? data['cases'] : [];
  cases.forEach((entry, i) => {
    const c = record(entry);
    if (!c) return;
    const as = c['as'];
    if (typeof as === 'string' && as !== '' && as !== 'guest' && !users.has(as)) {
      const declared = [...users];
      const guess = closest(as, ['guest', ...declared]);
      sink.report(
        ['cases', i, 'as'],
        `\`as\` names \`${as}\`, who is not declared; expected guest${declared.length ? ` or one of ${declared.join(', ')}` : ''}, or declare ${as} under auth.users${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
      );
    }
    checkBucketRef(sink, ['cases', i, 'bucket'], c['bucket'], buckets);
    if (c['body'] !== undefined && c['size'] !== undefined) {
      sink.report(['cases', i, 'size'], 'an upload takes `body` (the content) or `size` (that many generated bytes), not both; drop one', 'key');
    }
    for (const field of ['path', 'from'] as const) {
      const key = c[field];
      if (typeof key !== 'string') continue;
      checkPlaceholders(sink, ['cases', i, field], key, users, true);
      const problem = unsupportedKeyProblem(key, { prefix: field === 'path' && c['op'] === 'list' });
      if (problem) sink.report(['cases', i, field], unsupportedKeyMessage(field, problem));
    }
    const expect = record(c['expect']);
    for (const field of ['keys', 'contains'] as const) {
      const list = expect?.[field];
      if (!Array.isArray(list)) continue;
      list.forEach((key, k) => {
        if (typeof key === 'string') checkPlaceholders(sink, ['cases', i, 'expect', field, k], key, users, true);
      });
    }
  });
}

function checkBucketRef(sink: IssueSink, path: Segment[], name: unknown, buckets: string[]): void {
  if (typeof name !== 'string' || name === '' || buckets.length === 0 || buckets.includes(name)) return;
  const guess = closest(name, buckets);
  sink.report(path, `\`bucket\` names \`${name}\`, which is not declared; expected one of ${buckets.join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
}

function checkPlaceholders(sink: IssueSink, path: Segment[], text: string, users: Set<string>, actorPresent: boolean): void {
  for (const p of findPlaceholders(text)) {
    if (p.kind === 'invalid') {
      sink.reportWithin(path, p.text, p.problem);
    } else if (p.kind === 'identity') {
      if (!actorPresent) {
        sink.reportWithin(path, p.text, '`{identity}` cannot be used in objects: no one acts there (an administrator writes them); write {identity:<user>}');
      }
    } else if (!users.has(p.user)) {
      const declared = [...users];
      const guess = closest(p.user, declared);
      sink.reportWithin(
        path,
        p.text,
        `\`${p.text}\` names \`${p.user}\`, who is not declared; ${declared.length ? `declared users: ${declared.join(', ')}` : 'declare the user under auth.users'}${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
      );
    }
  }
}
