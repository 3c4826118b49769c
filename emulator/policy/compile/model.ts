import type { ParsedOperator } from '../aws-model.js';
import type { IamPolicyDocument, IamStatement } from '../types.js';

/** The compiler's inputs, outputs and the shapes its stages pass to each other. */

export interface CompileOptions {
  /** Names the document in warnings (a file name, `role authenticated policy 1`, ...). */
  source: string;
  /**
   * Request-context values AWS would have that MinIO cannot supply, known ahead of time for this
   * role (e.g. `aws:PrincipalArn`, `aws:PrincipalAccount`). Conditions on them are decided now.
   * Key names are case-insensitive, as in AWS.
   */
  staticContext?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Amplify always talks HTTPS to S3, while MinIO behind the emulator sees plain HTTP. Default
   * true: `aws:SecureTransport` is decided as "true". false: MinIO evaluates it.
   */
  assumeSecureTransport?: boolean;
  /** Statement numbers to report when the document is a selection of another (bucket-policy statements for a role). */
  statementIndexes?: readonly number[];
}

export type DecisionKind = 'document' | 'statement' | 'principal' | 'action' | 'resource' | 'condition';

/** Something of the source document that the compiled policy does not carry. */
export interface DroppedPart {
  kind: Exclude<DecisionKind, 'document'>;
  /** The action, resource, condition clause (`StringLike s3:prefix`), principal or statement dropped. */
  item: string;
  reason: string;
}

/**
 * One entry of the decision log: what the compiler decided about one part of the source, in plain
 * words, and what it removed. The log is the single record of the compilation; the warnings and
 * the dropped list are views of it.
 */
export interface Decision {
  /** The document, as {@link CompileOptions.source} names it. */
  source: string;
  /** Absent for decisions about the whole document (its Version). */
  statementIndex?: number;
  sid?: string;
  kind: DecisionKind;
  message: string;
  dropped?: DroppedPart[];
}

/** A dropped part with the statement it came from (a view of the decision log). */
export interface DroppedItem extends DroppedPart {
  source: string;
  statementIndex: number;
  sid?: string;
}

export interface CompileResult {
  /** A policy MinIO accepts: Version 2012-10-17, Statement always a list, explicit actions. */
  policy: IamPolicyDocument & { Statement: IamStatement[] };
  /** Every decision, in the order made. */
  decisions: Decision[];
  /** The decisions as one line each: `<source> Statement[i] (Sid "x"): <message>`. */
  warnings: string[];
  /** Every part of the source the compiled policy does not carry. */
  dropped: DroppedItem[];
}

/** One decision as a line of text, naming the document and the statement. */
export function formatDecision(d: Decision): string {
  if (d.statementIndex === undefined) return `${d.source}: ${d.message}`;
  return `${d.source} Statement[${d.statementIndex}]${d.sid !== undefined ? ` (Sid "${d.sid}")` : ''}: ${d.message}`;
}

/** The dropped parts of a decision log, each with its statement. */
export function droppedParts(decisions: readonly Decision[]): DroppedItem[] {
  return decisions.flatMap((d) => (d.statementIndex === undefined ? [] : (d.dropped ?? []).map((x) => ({
    source: d.source, statementIndex: d.statementIndex!, ...(d.sid !== undefined ? { sid: d.sid } : {}), ...x,
  }))));
}

/** A condition clause in MinIO's terms: full operator name, MinIO key spelling, string values. */
export interface MClause {
  op: string;
  key: string;
  values: string[];
}
export type Conj = MClause[];

export type ClauseOutcome =
  | { kind: 'true'; why?: string }
  | { kind: 'false'; why: string }
  | { kind: 'alts'; alts: Conj[]; note?: string }
  | { kind: 'unsupported'; why: string };

export interface SourceClause {
  opRaw: string;
  op: ParsedOperator | undefined;
  key: string;
  values: Array<string | number | boolean>;
}

/** Upper bound on statements one source statement may turn into through OR-splitting. */
export const MAX_ALTERNATIVES = 16;

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
export const unique = <T>(xs: readonly T[]): T[] => Array.from(new Set(xs));

/** What every stage of one document's compilation shares. */
export interface Ctx extends CompileOptions {
  variablesSupported: boolean;
  decisions: Decision[];
}

/** What the stages of one statement's compilation share. */
export interface StatementCtx {
  effect: 'Allow' | 'Deny';
  /** Records a decision about this statement; `dropped` when it removed something. */
  decide: (kind: Exclude<DecisionKind, 'document'>, message: string, dropped?: DroppedPart | DroppedPart[]) => void;
}
export const uniqueBy = <T>(xs: T[], key: (x: T) => string): T[] => {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
};
