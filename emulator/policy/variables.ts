/**
 * Policy variables (`${...}`) in Resource ARNs and condition values, translated for MinIO.
 *
 * AWS (policy version 2012-10-17) replaces `${key}` by the request-context value of `key`,
 * `${key, 'default'}` by a default when the key is absent, and `${*}`, `${?}`, `${$}` by the
 * literal characters. When a variable has no value, the element holding it does not match.
 * MinIO replaces only its own keys (`${jwt:sub}`, `${aws:username}`, ...) and leaves anything else
 * as literal text, so every variable must be resolved here: none may reach MinIO unresolved.
 */

import { COGNITO_KEY_TO_MINIO } from './constants.js';
import { KNOWN_ABSENT_VARIABLE } from './aws-model.js';
import { MINIO_COMMON_KEYS } from './minio-model.js';

/** Variables MinIO substitutes (`${<common key>}`), lower-cased. */
const MINIO_VARIABLE_NAMES: ReadonlySet<string> = new Set(MINIO_COMMON_KEYS.map((k) => k.toLowerCase()));

export type VariableResolution =
  /** The value for MinIO, exact. */
  | { kind: 'ok'; value: string }
  /** A variable AWS has no value for (and no default): the element never matches in AWS. */
  | { kind: 'absent'; variable: string }
  /**
   * Not expressible exactly. `widened` (pattern mode only) matches everything the AWS element
   * matches and more: each unknown variable became `*`, each literal `*`/`?` became `?`.
   */
  | { kind: 'inexact'; problems: string[]; widened?: string };

/** `pattern`: `*` and `?` are wildcards (Resource, StringLike); `literal`: they are plain characters. */
export type VariableMode = 'pattern' | 'literal';

const VARIABLE = /\$\{([^}]*)\}/g;
const WITH_DEFAULT = /^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$/;

export function hasVariable(s: string): boolean {
  return /\$\{[^}]*\}/.test(s);
}

/**
 * Resolves the variables in one string. `variablesSupported` is false for policy version
 * 2008-10-17 (or none), where AWS treats `${...}` as plain text, which MinIO might not.
 */
export function resolveVariables(
  s: string,
  mode: VariableMode,
  variablesSupported = true,
  /** Values known for this role when compiling (e.g. the identity pool ID): substituted literally. */
  known?: Readonly<Record<string, string | readonly string[]>>,
): VariableResolution {
  if (!hasVariable(s)) return { kind: 'ok', value: s };
  if (!variablesSupported) {
    // AWS reads the text literally. MinIO substitutes only its own keys' variables and leaves
    // any other "${...}" as plain text, so only those would change meaning.
    const names = [...s.matchAll(VARIABLE)].map((m) => m[1]!.trim().toLowerCase());
    if (!names.some((n) => MINIO_VARIABLE_NAMES.has(n))) return { kind: 'ok', value: s };
    return {
      kind: 'inexact',
      problems: [`"${s}" holds "\${" text, which AWS takes literally under policy version 2008-10-17 but MinIO may substitute`],
      ...(mode === 'pattern' ? { widened: s.replace(VARIABLE, '*') } : {}),
    };
  }
  const problems: string[] = [];
  let out = '';
  let widened = '';
  let last = 0;
  for (const m of s.matchAll(VARIABLE)) {
    const literalBefore = s.slice(last, m.index);
    out += literalBefore;
    widened += literalBefore;
    last = m.index + m[0].length;
    const inner = m[1]!;
    if (inner === '*' || inner === '?') {
      if (mode === 'literal') {
        out += inner;
        widened += inner;
      } else {
        problems.push(`\${${inner}} is a literal "${inner}", which a MinIO pattern cannot express`);
        widened += '?';
      }
      continue;
    }
    if (inner === '$') {
      if (s[last] === '{') problems.push(`\${$} followed by "{" would read as a MinIO variable`);
      out += '$';
      widened += '$';
      continue;
    }
    const withDefault = WITH_DEFAULT.exec(inner);
    const name = (withDefault ? withDefault[1]! : inner).trim();
    const knownValue = known ? Object.entries(known).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] : undefined;
    if (typeof knownValue === 'string' && !(mode === 'pattern' && /[*?]/.test(knownValue))) {
      out += knownValue;
      widened += knownValue;
      continue;
    }
    const mapped = COGNITO_KEY_TO_MINIO[name.toLowerCase()];
    if (mapped) {
      out += `\${${mapped}}`;
      widened += `\${${mapped}}`;
      continue;
    }
    if (KNOWN_ABSENT_VARIABLE(name)) {
      if (withDefault) {
        const def = withDefault[2]!;
        if (mode === 'pattern' && /[*?]/.test(def)) {
          problems.push(`the default '${def}' of \${${name}} holds a wildcard character`);
          widened += def;
        } else {
          out += def;
          widened += def;
        }
        continue;
      }
      return { kind: 'absent', variable: `\${${inner}}` };
    }
    problems.push(`\${${inner}} has a value in AWS that the emulator cannot supply`);
    widened += '*';
  }
  out += s.slice(last);
  widened += s.slice(last);
  if (problems.length === 0) return { kind: 'ok', value: out };
  return { kind: 'inexact', problems, ...(mode === 'pattern' ? { widened } : {}) };
}
