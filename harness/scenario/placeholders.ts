/**
 * Placeholders in scenario paths and keys (../../shared/spec/scenario-v1.md, "Cases"):
 * `{identity}` the actor's identity ID, `{identity:<user>}` that user's identity ID,
 * `{sub:<user>}` that user's user-pool `sub`.
 *
 * Every `{` starts a placeholder: a `{` that is not closed, or a `{...}` that is none of
 * the three forms, is an error (scenario keys cannot hold literal braces).
 */
import { closest } from './suggest.js';

export const PLACEHOLDER_FORMS = '{identity}, {identity:<user>} or {sub:<user>}';

interface PlaceholderBase {
  /** The placeholder as written, braces included (e.g. `{identity:alice}`). */
  text: string;
  /** Offset of `text` in the string searched. */
  offset: number;
}

export type Placeholder =
  | (PlaceholderBase & { kind: 'identity' })
  | (PlaceholderBase & { kind: 'identityOf'; user: string })
  | (PlaceholderBase & { kind: 'subOf'; user: string })
  | (PlaceholderBase & { kind: 'invalid'; problem: string });

const OWNER_POLICY_VARIABLE = 'cognito-identity.amazonaws.com:sub';

/** Every placeholder in `text`, in order, well-formed or not (kind `invalid` with the problem). */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  let i = text.indexOf('{');
  while (i !== -1) {
    const dollar = i > 0 && text[i - 1] === '$';
    const start = dollar ? i - 1 : i;
    const close = text.indexOf('}', i + 1);
    const reopen = text.indexOf('{', i + 1);
    if (close === -1 || (reopen !== -1 && reopen < close)) {
      const end = reopen === -1 ? text.length : reopen;
      found.push({
        kind: 'invalid',
        text: text.slice(start, end),
        offset: start,
        problem: `\`${text.slice(start, end)}\` opens a \`{\` that is not closed; placeholders are written ${PLACEHOLDER_FORMS}`,
      });
      i = reopen;
      continue;
    }
    const raw = text.slice(start, close + 1);
    found.push(classify(text.slice(i + 1, close), raw, start, dollar));
    i = text.indexOf('{', close + 1);
  }
  return found;
}

function classify(inner: string, raw: string, offset: number, dollar: boolean): Placeholder {
  const invalid = (problem: string): Placeholder => ({ kind: 'invalid', text: raw, offset, problem });
  if (dollar) {
    return invalid(
      inner === OWNER_POLICY_VARIABLE
        ? `\`${raw}\` is an IAM policy variable, not a scenario placeholder; write {identity} for the actor's identity ID, or {identity:<user>}`
        : `\`${raw}\` is not a placeholder; placeholders are written ${PLACEHOLDER_FORMS}`,
    );
  }
  if (inner === 'identity') return { kind: 'identity', text: raw, offset };
  const match = /^(identity|sub):(.*)$/s.exec(inner);
  if (match) {
    const [, form, user = ''] = match;
    if (user.trim() === '') return invalid(`\`${raw}\` names no user; write {${form}:<user>} with a user from auth.users`);
    if (/\s/.test(user)) return invalid(`\`${raw}\` has a space; write {${form}:${user.trim()}}`);
    return form === 'identity'
      ? { kind: 'identityOf', user, text: raw, offset }
      : { kind: 'subOf', user, text: raw, offset };
  }
  if (inner === 'sub') return invalid(`\`{sub}\` needs a user; write {sub:<user>} (that user's user-pool sub)`);
  if (inner === 'entity_id') {
    return invalid(
      '`{entity_id}` is the owner token of `paths` keys, not a placeholder; write {identity} for the actor\'s identity ID, or {identity:<user>}',
    );
  }
  const colon = inner.indexOf(':');
  const head = colon === -1 ? inner : inner.slice(0, colon);
  const guess = closest(head, ['identity', 'sub']);
  const hint = guess === undefined ? '' : ` (did you mean \`{${guess}${colon === -1 ? '' : inner.slice(colon)}}\`?)`;
  return invalid(`unknown placeholder \`${raw}\`; expected ${PLACEHOLDER_FORMS}${hint}`);
}

export interface PlaceholderValues {
  /** The actor's identity ID; absent where no one acts (objects). */
  identity?: string;
  /** A user's identity ID. */
  identityOf(user: string): string;
  /** A user's user-pool `sub`. */
  subOf(user: string): string;
}

export class PlaceholderError extends Error {
  override readonly name = 'PlaceholderError';
  constructor(
    message: string,
    /** The string being resolved. */
    readonly input: string,
    /** The placeholder at fault, as written. */
    readonly placeholder: string,
  ) {
    super(message);
  }
}

/** `text` with every placeholder replaced; throws PlaceholderError for one that cannot be resolved. */
export function resolvePlaceholders(text: string, values: PlaceholderValues): string {
  let out = '';
  let last = 0;
  for (const p of findPlaceholders(text)) {
    out += text.slice(last, p.offset);
    last = p.offset + p.text.length;
    switch (p.kind) {
      case 'invalid':
        throw new PlaceholderError(`in \`${text}\`: ${p.problem}`, text, p.text);
      case 'identity':
        if (values.identity === undefined) {
          throw new PlaceholderError(
            `in \`${text}\`: \`{identity}\` means the actor's identity ID, and no one acts here; write {identity:<user>}`,
            text,
            p.text,
          );
        }
        out += values.identity;
        break;
      case 'identityOf':
        out += values.identityOf(p.user);
        break;
      case 'subOf':
        out += values.subOf(p.user);
        break;
    }
  }
  return out + text.slice(last);
}
