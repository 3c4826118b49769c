/** A parsed YAML (or JSON) text that can tell where a value sits: line and column by path. */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLError } from 'yaml';
import { lowerFirst } from './values.js';

export type Segment = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface SyntaxProblem extends Position {
  message: string;
}

/**
 * Where to point for a path:
 * - `value`: the value (falls back to its key when the value is empty);
 * - `key`: the key of the last segment (for unknown or misspelt keys);
 * - `container`: the key that holds the value when it is a mapping entry, else the value
 *   (for "missing key" problems: point at `auth:` rather than at its first child).
 */
export type Anchor = 'value' | 'key' | 'container';

export class YamlSource {
  private constructor(
    readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Parses `text`; `problems` lists every syntax error with its position (none: `source` is usable). */
  static parse(text: string): { source: YamlSource; problems: SyntaxProblem[] } {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, merge: true });
    const source = new YamlSource(text, doc, lineCounter);
    const problems: SyntaxProblem[] = [];
    const explained = new Set<number>();
    for (const error of doc.errors) {
      const pos = source.at(error.pos[0]);
      const unquoted = unquotedPlaceholder(source.lineText(pos.line));
      if (unquoted) {
        // One message per line: the parser's follow-up errors there have the same cause.
        if (explained.has(pos.line)) continue;
        explained.add(pos.line);
        problems.push({
          line: pos.line,
          column: unquoted.column,
          message: `invalid YAML: \`${unquoted.text}\` must be quoted inside [ ] or { } (there \`{\` starts a mapping); write "${unquoted.text}"`,
        });
        continue;
      }
      problems.push({ ...source.at(errorOffset(error, text)), message: syntaxMessage(error, text) });
    }
    return { source, problems };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineCounter.lineStarts[line - 1] ?? 0;
    const next = this.lineCounter.lineStarts[line];
    return this.text.slice(start, next ?? this.text.length).replace(/\r?\n$/, '');
  }

  /** The document as plain JS (mappings become objects); throws only on alias bombs. */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  /** Line and column (1-based) of a character offset. */
  at(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** Position of the node at `path` (the deepest existing node when the path goes further). */
  position(path: readonly Segment[], anchor: Anchor = 'value'): Position {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    let inMap = false;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      node = this.resolve(node);
      if (isMap(node)) {
        const found = node.items.find((item) => isPair(item) && keyText(item.key) === String(seg));
        if (!found) return this.nodePosition(pair?.key ?? node, pair);
        pair = found;
        inMap = true;
        node = found.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) return this.nodePosition(node, pair);
        pair = undefined;
        inMap = false;
        node = item;
      } else {
        break;
      }
    }
    if (anchor === 'key' || (anchor === 'container' && inMap)) {
      if (pair && inMap) return this.nodePosition(pair.key, undefined);
    }
    return this.nodePosition(node, inMap ? pair : undefined);
  }

  /** Position of `needle` inside the source text of the scalar at `path` (for placeholders), else of the scalar. */
  positionWithin(path: readonly Segment[], needle: string): Position {
    const base = this.position(path);
    const node = this.nodeAt(path);
    if (isScalar(node) && node.range) {
      const raw = this.text.slice(node.range[0], node.range[1]);
      const index = raw.indexOf(needle);
      if (index >= 0) return this.at(node.range[0] + index);
    }
    return base;
  }

  private nodeAt(path: readonly Segment[]): unknown {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      node = this.resolve(node);
      if (isMap(node)) node = node.items.find((item) => isPair(item) && keyText(item.key) === String(seg))?.value;
      else if (isSeq(node)) node = node.items[Number(seg)];
      else return undefined;
    }
    return this.resolve(node);
  }

  private resolve(node: unknown): unknown {
    let current = node;
    for (let guard = 0; guard < 100 && isAlias(current); guard++) current = current.resolve(this.doc);
    return current;
  }

  private nodePosition(node: unknown, pair: Pair | undefined): Position {
    const empty = isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
    if ((node === null || node === undefined || empty) && pair && hasRange(pair.key)) return this.at(pair.key.range[0]);
    if (hasRange(node)) return this.at(node.range[0]);
    return { line: 1, column: 1 };
  }
}

/**
 * A plain (unquoted) scalar holding a placeholder inside a flow collection, as in
 * `keys: [protected/{identity:alice}/photo.jpg]`: not valid YAML, and an easy mistake.
 */
function unquotedPlaceholder(line: string): { text: string; column: number } | undefined {
  const pattern = /(^|[\s[,])([^\s[\]{},"'#]*\{(?:identity|sub|entity_id)[^}\s]*\}[^\s[\]{},"'#]*)/g;
  for (const match of line.matchAll(pattern)) {
    const before = line.slice(0, match.index + match[1]!.length);
    const quotes = (before.match(/"/g)?.length ?? 0) + (before.match(/'/g)?.length ?? 0);
    if (quotes % 2 === 1 || !/[[{]/.test(before)) continue;
    return { text: match[2]!, column: match.index + match[1]!.length + 1 };
  }
  return undefined;
}

function hasRange(node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** Where to point for a syntax error: an unclosed quote is reported at the end of the text; point at the quote. */
function errorOffset(error: YAMLError, text: string): number {
  const quote = error.code === 'MISSING_CHAR' ? /Missing closing (["'])quote/.exec(error.message)?.[1] : undefined;
  if (quote) {
    const opening = text.lastIndexOf(quote, Math.max(0, error.pos[0] - 1));
    if (opening >= 0) return opening;
  }
  return error.pos[0];
}

function syntaxMessage(error: YAMLError, text: string): string {
  // The parser quotes the token it stopped at (`unexpected scalar token in YAML stream: "…"`):
  // dropped, the line and column locate it without echoing the file.
  const raw = error.message.replace(/\s+/g, ' ').trim().replace(/: "[^"]*"$/, '');
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^:#\n]*?)\s*:/.exec(text.slice(error.pos[0]))?.[1];
      return `invalid YAML: duplicate key${key ? ` \`${key}\`` : ''}; a key may appear only once in a mapping, remove or merge the repeated one`;
    }
    case 'TAB_AS_INDENT':
      return 'invalid YAML: a tab is used for indentation; YAML indents with spaces only';
    case 'MULTIPLE_DOCS':
      return 'invalid YAML: the file holds more than one YAML document; a scenario file is one document, remove the extra `---`';
    case 'BAD_INDENT':
      return `invalid YAML: ${lowerFirst(raw)}; indent entries of the same mapping or list by the same number of spaces`;
    case 'MISSING_CHAR':
      if (/Missing closing (["'])quote/.test(raw)) return 'invalid YAML: this quote is never closed; add the closing quote at the end of the value';
      return `invalid YAML: ${lowerFirst(raw)}; check the quotes, brackets and \`- \` list markers before this point`;
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return `invalid YAML: ${lowerFirst(raw)}; put a nested mapping on its own indented lines, or quote a value that contains \`: \``;
    default:
      return `invalid YAML: ${lowerFirst(raw)}; check the indentation, colons and quotes around this point`;
  }
}
