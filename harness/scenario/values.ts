/** Small readers of parsed YAML/JSON values, shared by the scenario loader's stages. */

export type Dict = Record<string, unknown>;

/** A mapping (a plain object, not a list and not null). */
export function isRecord(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a mapping, else undefined. */
export function record(value: unknown): Dict | undefined {
  return isRecord(value) ? value : undefined;
}

/** "Password did not..." → "password did not..." (acronyms such as "JSON" are kept). */
export function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
