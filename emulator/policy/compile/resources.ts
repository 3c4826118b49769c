/**
 * Stage 2 of a statement: its Resource / NotResource, resolved once (policy variables, ARN forms)
 * and then written per action level. MinIO matches bucket-level actions against `bucket/`, so a
 * bucket-level action keeps only patterns that can match a bucket ARN, an object-level action
 * only patterns that can match an object ARN.
 */
import { S3_ARN_PREFIX } from '../constants.js';
import { globMatch, hasWildcard } from '../glob.js';
import type { ActionLevel, MinioAction } from '../minio-model.js';
import type { IamStatement } from '../types.js';
import { resolveVariables } from '../variables.js';
import { asList, unique, uniqueBy, type Ctx, type StatementCtx } from './model.js';

export interface PreparedResources {
  mode: 'Resource' | 'NotResource';
  /** `all` for "*"; otherwise the part after `arn:aws:s3:::`. */
  entries: Array<{ raw: string; all: boolean; pattern: string }>;
}

export type ResourceSpec = { Resource: string[] } | { NotResource: string[] };

export function prepareResources(st: IamStatement, ctx: Ctx, s: StatementCtx): PreparedResources {
  const mode = st.NotResource !== undefined ? 'NotResource' : 'Resource';
  // Where a broader pattern fails closed: a Deny's Resource, an Allow's NotResource.
  const wideningIsSafe = (mode === 'Resource') === (s.effect === 'Deny');
  const entries: PreparedResources['entries'] = [];
  const dropEntry = (raw: string, reason: string) => {
    s.decide('resource', `${mode} ${raw} dropped: ${reason}`, { kind: 'resource', item: raw, reason });
  };
  for (const raw of asList(mode === 'Resource' ? st.Resource : st.NotResource)) {
    if (raw === '*') {
      entries.push({ raw, all: true, pattern: '*' });
      continue;
    }
    let value = raw;
    const resolved = resolveVariables(raw, 'pattern', ctx.variablesSupported, ctx.staticContext);
    if (resolved.kind === 'absent') {
      dropEntry(raw, `${resolved.variable} has no value for a role session, so AWS never matches it`);
      continue;
    }
    if (resolved.kind === 'inexact') {
      if (wideningIsSafe && resolved.widened !== undefined) {
        s.decide('resource', `${mode} ${raw} widened to ${resolved.widened} (fail closed): ${resolved.problems.join('; ')}`);
        value = resolved.widened;
      } else {
        dropEntry(raw, `${resolved.problems.join('; ')} (fail closed)`);
        continue;
      }
    } else {
      value = resolved.value;
    }
    if (value.startsWith(S3_ARN_PREFIX)) {
      const pattern = value.slice(S3_ARN_PREFIX.length);
      if (pattern === '' || pattern.startsWith('/')) {
        dropEntry(raw, 'a bucket name cannot be empty or start with "/", so it never matches');
        continue;
      }
      entries.push({ raw, all: false, pattern });
      continue;
    }
    const parts = value.split(':');
    const head = parts.slice(0, 5);
    if (parts.length >= 6 && head.every((part, i) => globMatch(part, ['arn', 'aws', 's3', '', ''][i]!))) {
      // e.g. arn:aws:s3:*:*:bucket/* — the wildcards cover the empty region and account.
      entries.push({ raw, all: false, pattern: parts.slice(5).join(':') });
      continue;
    }
    if (value.startsWith('arn:') && !hasWildcard(head.join(':'))) {
      dropEntry(raw, 'not an S3 bucket or object ARN (arn:aws:s3:::...); the emulator serves S3 buckets only');
      continue;
    }
    if (wideningIsSafe) {
      s.decide('resource', `${mode} ${raw} read as "*" (fail closed): it cannot be matched exactly against S3 ARNs`);
      entries.push({ raw, all: true, pattern: '*' });
    } else {
      dropEntry(raw, 'it cannot be matched exactly against S3 ARNs (fail closed)');
    }
  }
  return { mode, entries: uniqueBy(entries, (e) => `${e.all}:${e.pattern}`) };
}


const canMatchBucket = (e: { all: boolean; pattern: string }) => e.all || !e.pattern.includes('/');
const canMatchObject = (e: { all: boolean; pattern: string }) => e.all || /[/*?]/.test(e.pattern);
const isAllStars = (e: { all: boolean; pattern: string }) => e.all || /^\*+$/.test(e.pattern);

/**
 * MinIO matches a bucket-level action against `bucket/`. A pattern ending in `*` already covers
 * the slash; a plain name matches through MinIO's path.Clean comparison; a pattern with a
 * wildcard elsewhere (`b*x`, `b?`) would not, so it gets the slash appended.
 */
function bucketPatternForMinio(pattern: string): string {
  return hasWildcard(pattern) && !pattern.endsWith('*') ? `${pattern}/` : pattern;
}

function toArn(e: { all: boolean; pattern: string }, level: ActionLevel): string {
  if (e.all) return '*';
  return `${S3_ARN_PREFIX}${level === 'bucket' ? bucketPatternForMinio(e.pattern) : e.pattern}`;
}

/**
 * The Resource / NotResource of each action level present in the statement. An entry that fits
 * no level is reported, and so is a level left with nothing (`s3:ListBucket on
 * arn:aws:s3:::b/* never matches in AWS`); an entry that only some levels use is not.
 */
export function resourceSpecs(res: PreparedResources, actions: MinioAction[], s: StatementCtx): Map<ActionLevel, ResourceSpec | undefined> {
  const levels = unique(actions.map((a) => a.level));
  const fits = (level: ActionLevel) => (level === 'bucket' ? canMatchBucket : level === 'object' ? canMatchObject : isAllStars);
  const specs = new Map<ActionLevel, ResourceSpec | undefined>();
  for (const level of levels) specs.set(level, resourcesForLevel(res, level, fits(level)));
  if (res.mode === 'NotResource') return specs;
  for (const level of levels) {
    const names = actions.filter((a) => a.level === level).map((a) => a.name);
    const levelEmpty = specs.get(level) === undefined;
    for (const e of res.entries.filter((x) => !fits(level)(x))) {
      const usedElsewhere = levels.some((l) => l !== level && fits(l)(e));
      if (usedElsewhere && !levelEmpty) continue;
      const fix = level === 'bucket' ? e.raw.slice(0, e.raw.indexOf('/', S3_ARN_PREFIX.length)) : level === 'object' ? `${e.raw}/*` : '"*"';
      const reason = `${names.join(', ')} on ${e.raw} never ${names.length > 1 ? 'match' : 'matches'} in AWS; use ${fix}`;
      s.decide('resource', reason, { kind: 'resource', item: `${e.raw} for ${names.join(', ')}`, reason });
    }
  }
  return specs;
}

function resourcesForLevel(res: PreparedResources, level: ActionLevel, fits: (e: PreparedResources['entries'][number]) => boolean): ResourceSpec | undefined {
  if (res.mode === 'Resource') {
    const kept = res.entries.filter(fits);
    return kept.length === 0 ? undefined : { Resource: unique(kept.map((e) => toArn(e, level))) };
  }
  // NotResource: entries that cannot match at this level exclude nothing there.
  if (level === 'service') return res.entries.some(isAllStars) ? undefined : { Resource: ['*'] };
  const kept = res.entries.filter(fits);
  if (kept.length === 0) return { Resource: ['*'] };
  if (kept.some((e) => e.all)) return undefined;
  return { NotResource: unique(kept.map((e) => toArn(e, level))) };
}

// ---------------------------------------------------------------------------------------------
// Conditions
