/**
 * Small readers of parsed JSON/YAML values and of JSON.parse's errors, shared by emulator/ and
 * harness/ (the emulator imports nothing from the harness, so they live here).
 */

/** A mapping (a plain object, not a list and not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "Password did not..." → "password did not..." (acronyms such as "JSON" are kept). */
export function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** Where and why a text is not JSON, in words that quote none of its content. */
export interface JsonSyntaxProblem {
  /** What is wrong: "the file ends too early", "unexpected token ']'", "unexpected character", ... */
  detail: string;
  /** True when the text is cut short (a truncated file): `detail` is then "the file ends too early". */
  endsEarly: boolean;
  /** Offset of the mistake in the text (its length when it ends early). */
  offset: number;
  /** 1-based line and column of `offset`. */
  line: number;
  column: number;
}

/**
 * What JSON.parse's `error` says is wrong with `text`, without V8's quote of the text (which may
 * be a secret: a file named by mistake), and where: the offset V8 names, or else the one
 * {@link jsonErrorOffset} finds (V8 does not always name it).
 */
export function jsonSyntaxProblem(error: unknown, text: string): JsonSyntaxProblem {
  const message = error instanceof Error ? error.message : String(error);
  const at = (offset: number, detail: string, endsEarly = false): JsonSyntaxProblem => {
    const before = text.slice(0, offset);
    return { detail, endsEarly, offset, line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
  };
  // "Unterminated string", "end of data": cut short inside a string or a number.
  if (/Unexpected end of JSON input|Unterminated string|end of data/i.test(message)) return at(text.length, 'the file ends too early', true);
  const position = / in JSON at position (\d+)/.exec(message);
  if (position) return at(Number(position[1]), lowerFirst(message.slice(0, position.index)));
  // V8 quotes the start of the text (`Unexpected token 'r', "root:x:0:0"... is not valid JSON`):
  // keep neither the quote nor a letter or digit (JSON punctuation, like a `]` after a trailing
  // comma, says what is wrong); the line and column locate the mistake.
  const detail = lowerFirst(message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '').replace(/ is not valid JSON$/, '').replace(/^Unexpected token '([^'\]\[{}:,"])'$/s, 'Unexpected character'));
  return at(jsonErrorOffset(text), detail);
}

/**
 * Offset of the first character that keeps `text` from being JSON, asked of JSON.parse itself
 * (V8 does not always name the position): the shortest prefix that fails for a reason other than
 * ending too early ends at the mistake. A prefix only fails earlier than a longer one would, so
 * a binary search finds it.
 */
export function jsonErrorOffset(text: string): number {
  const failsBeforeEnd = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      if (/Unexpected end of JSON input/.test(message)) return false;
      const at = / in JSON at position (\d+)/.exec(message);
      // "Unterminated string", "No number after minus sign"... at the very end: only cut short.
      return !(at && Number(at[1]) >= length);
    }
  };
  let low = 1;
  let high = text.length;
  if (!failsBeforeEnd(high)) return text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsBeforeEnd(mid)) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}
