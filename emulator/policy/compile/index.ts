/**
 * AWS IAM policy → MinIO canned policy that MinIO evaluates with AWS's meaning.
 *
 * MinIO's engine (minio/pkg v3.1.3) differs from AWS in ways that would silently grant or refuse
 * access; each difference is closed here. The rule for what cannot be closed exactly is
 * "fail closed": an Allow may only lose permissions (never gain), a Deny may only apply more
 * widely (never less). Every decision is reported in plain words naming the document and the
 * statement.
 *
 * The compilation is per statement, so compiling documents one by one and concatenating the
 * results equals compiling their concatenation.
 *
 * Per statement, each stage in its own module:
 * 1. Principal / NotPrincipal: removed (identity policies name none; MinIO rejects them).
 * 2. (actions.ts) Actions and NotAction are expanded to the explicit actions MinIO and AWS both know
 *    (AWS action names are case-insensitive, MinIO's are not; MinIO rejects unknown actions).
 * 3. (resources.ts) Resources are filtered per action level: bucket-level actions keep only patterns that can
 *    match a bucket ARN (MinIO matches them against `bucket/`, so `bucket/*` would grant
 *    s3:ListBucket); object-level actions keep patterns that can match an object ARN.
 * 4. (conditions.ts: translate; evaluate.ts: AWS-evaluate; emit.ts: MinIO form) Conditions are
 *    decided per action: keys AWS never sets for that action are evaluated now
 *    (positive operators false, negated true), keys and operators MinIO lacks fail closed,
 *    `...IfExists` becomes "key absent OR operator", negated multi-value qualifiers are swapped
 *    to MinIO's reading, keys MinIO sets to "" where AWS leaves them out are corrected.
 * 5. (merge.ts) Actions with the same resources and conditions are grouped back into one statement, so each
 *    MinIO statement only carries keys MinIO accepts for all of its actions.
 */

import { POLICY_VERSION } from '../constants.js';
import type { MinioAction } from '../minio-model.js';
import type { IamPolicyDocument, IamStatement } from '../types.js';
import { expandActions } from './actions.js';
import { conditionsFor, grantsBothGetForms, parseClauses } from './conditions.js';
import { toConditionBlock } from './merge.js';
import {
  asList, droppedParts, formatDecision, unique, type CompileOptions, type CompileResult, type Conj, type Ctx, type Decision,
  type DroppedPart, type StatementCtx,
} from './model.js';
import { prepareResources, resourceSpecs, type ResourceSpec } from './resources.js';

export { evaluateStatically } from './evaluate.js';
export {
  formatDecision, type CompileOptions, type CompileResult, type Decision, type DecisionKind, type DroppedItem, type DroppedPart,
} from './model.js';

/** Compiles one IAM document (identity, session, or bucket statements already picked for a role). */
export function compileForMinio(doc: IamPolicyDocument, options: CompileOptions): CompileResult {
  const decisions: Decision[] = [];
  const variablesSupported = doc.Version === POLICY_VERSION;
  if (doc.Version !== POLICY_VERSION) {
    decisions.push({
      source: options.source,
      kind: 'document',
      message: `Version is ${doc.Version === undefined ? 'missing' : `"${doc.Version}"`}, so AWS reads "\${...}" literally (no policy variables); compiled as such`,
    });
  }
  const statements: IamStatement[] = [];
  asList(doc.Statement).forEach((st, i) => {
    const index = options.statementIndexes?.[i] ?? i;
    statements.push(...compileStatement(st, index, { ...options, variablesSupported, decisions }));
  });
  return {
    policy: { Version: POLICY_VERSION, Statement: statements },
    decisions,
    warnings: decisions.map(formatDecision),
    dropped: droppedParts(decisions),
  };
}
function compileStatement(st: IamStatement, index: number, ctx: Ctx): IamStatement[] {
  const sid = typeof st.Sid === 'string' ? st.Sid : undefined;
  const effect = st.Effect;
  const s: StatementCtx = {
    effect,
    decide: (kind, message, dropped) => ctx.decisions.push({
      source: ctx.source, statementIndex: index, ...(sid !== undefined ? { sid } : {}), kind, message,
      ...(dropped ? { dropped: [dropped].flat() } : {}),
    }),
  };
  const dropStatement = (reason: string): IamStatement[] => {
    s.decide('statement', `statement dropped: ${reason}`, { kind: 'statement', item: `Statement[${index}]`, reason });
    return [];
  };

  // 1. Principals.
  if (st.Principal !== undefined) {
    s.decide('principal', 'Principal removed: an identity policy applies to the role it is attached to',
      { kind: 'principal', item: JSON.stringify(st.Principal), reason: 'identity policies name no Principal' });
  }
  if (st.NotPrincipal !== undefined) {
    if (effect === 'Allow') return dropStatement('an Allow with NotPrincipal cannot be expressed for one role; dropped to fail closed');
    s.decide('principal', 'NotPrincipal removed: the Deny now applies to this role in every case (fail closed)',
      { kind: 'principal', item: JSON.stringify(st.NotPrincipal), reason: 'NotPrincipal cannot be expressed in MinIO' });
  }

  // 2. Actions.
  const actions = expandActions(st, s);
  if (actions.length === 0) return dropStatement('no action in it exists in MinIO');

  // 3. Resources, once per statement, then per level.
  const specs = resourceSpecs(prepareResources(st, ctx, s), actions, s);

  // 4. Conditions, per action.
  const clauses = parseClauses(st);
  // Per-action decisions with the same words become one entry naming all the actions.
  const notes = new Map<string, { kind: 'action' | 'condition'; actions: string[]; dropped: DroppedPart[] }>();
  const note = (message: string, action: MinioAction, dropped?: DroppedPart) => {
    const entry = notes.get(message) ?? { kind: dropped?.kind === 'action' ? 'action' : 'condition', actions: [], dropped: [] };
    notes.set(message, entry);
    entry.actions.push(action.name);
    if (dropped) entry.dropped.push(dropped);
  };

  const versionGate = !grantsBothGetForms(actions, clauses, ctx, s);
  const groups = new Map<string, { actions: string[]; spec: ResourceSpec; conj: Conj }>();
  for (const action of actions) {
    const spec = specs.get(action.level);
    if (!spec) continue;
    const alts = conditionsFor(action, clauses, ctx, s, note, versionGate);
    for (const conj of alts) {
      const key = JSON.stringify([spec, conj]);
      const group = groups.get(key);
      if (group) group.actions.push(action.name);
      else groups.set(key, { actions: [action.name], spec, conj });
    }
  }
  for (const [message, { kind, actions: names, dropped }] of notes) {
    s.decide(kind, `${message} (${unique(names).join(', ')})`, dropped.length ? dropped : undefined);
  }

  if (groups.size === 0) return dropStatement('nothing in it can match in AWS or be expressed in MinIO');
  const out: IamStatement[] = [];
  for (const { actions: names, spec, conj } of groups.values()) {
    const condition = toConditionBlock(conj);
    out.push({
      ...(sid !== undefined ? { Sid: sid } : {}),
      Effect: effect,
      Action: names,
      ...spec,
      ...(condition ? { Condition: condition } : {}),
    });
  }
  return out;
}

