/**
 * Reading: a scenario file's text into a parsed YAML document (with the parser's own positions),
 * and the JSON files it references. Nothing here knows the format beyond its top-level keys.
 */
import { resolve } from 'node:path';
import { readUserTextFile, UserFileError } from '../../emulator/user-file.js';
import { ScenarioError } from './errors.js';
import type { IssueSink, ReferencedFile } from './issue-sink.js';
import { SCENARIO_SCHEMA } from './schema-check.js';
import { lowerFirst } from './values.js';
import { YamlSource } from './yaml-source.js';
import type { Segment } from './yaml-source.js';

/** The text of the scenario file at `abs`. Throws {@link ScenarioError} (one issue, line 0) when it cannot be read. */
export async function readScenarioFile(abs: string): Promise<string> {
  try {
    // Refuses FIFOs, devices, files over the size limit and binary content before parsing.
    return await readUserTextFile(abs, { kind: 'scenario file', label: 'the file' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'the scenario file does not exist; check the path'
        : code === 'EISDIR'
          ? 'this is a directory, not a scenario file; give the path of a .yaml file'
          : error instanceof UserFileError
            ? error.message.replace(/^the file/, 'this')
            : `cannot read the scenario file (${code ?? String(error)}); check the path and its permissions`;
    throw new ScenarioError([{ file: abs, line: 0, column: 0, message }]);
  }
}

/**
 * Parses the text of the scenario file `abs`: its YAML document with positions, and the plain
 * value. Throws {@link ScenarioError} for syntax errors, an empty file, or a file that is plainly
 * not a scenario.
 */
export function parseScenarioText(text: string, abs: string): { source: YamlSource; data: unknown } {
  const { source, problems } = YamlSource.parse(text.replace(/^\uFEFF/, ''));
  if (problems.length > 0) {
    throw new ScenarioError(problems.map((p) => ({ file: abs, line: p.line, column: p.column, message: p.message })));
  }
  let data: unknown;
  try {
    data = source.toJS();
  } catch (error) {
    throw new ScenarioError([{ file: abs, line: 1, column: 1, message: `cannot read the YAML (${(error as Error).message}); use fewer aliases` }]);
  }
  if (data === null || data === undefined) {
    throw new ScenarioError([
      {
        file: abs,
        line: 1,
        column: 1,
        message: 'the file is empty; a scenario needs at least `version: 1`, `name`, `buckets` (or `outputs`) and `cases` (or `derive: true`)',
      },
    ]);
  }
  if (typeof data === 'object' && !Array.isArray(data)) {
    // Not a scenario at all (some other file named by mistake): one line, none of its content.
    const keys = Object.keys(data as object);
    const known = Object.keys((SCENARIO_SCHEMA['properties'] as object | undefined) ?? {});
    if (keys.length > 0 && !keys.some((k) => known.includes(k))) {
      throw new ScenarioError([{
        file: abs, line: 1, column: 1,
        message: `this is not a scenario file: none of its ${keys.length === 1 ? 'top-level key is' : `${keys.length} top-level keys is`} a scenario key (version, name, buckets, cases, ...); check the path`,
      }]);
    }
  }
  return { source, data };
}

/**
 * Reads the JSON file `ref` (relative to `dir`) that the scenario names at `refPath`; its
 * problems are reported there. `kind` names the file in messages ("outputs", "policy").
 */
export async function readReferencedJson(sink: IssueSink, dir: string, refPath: Segment[], ref: string, kind: string): Promise<ReferencedFile | undefined> {
  const abs = resolve(dir, ref);
  let text: string;
  try {
    text = await readUserTextFile(abs, { kind: `${kind} file`, label: `${kind} file ${ref}` });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    sink.report(
      refPath,
      code === 'ENOENT'
        ? `${kind} file ${ref} does not exist (looked for ${abs}); paths are relative to the scenario file`
        : code === 'EISDIR'
          ? `${kind} file ${ref} is a directory; give the path of a JSON file`
          : error instanceof UserFileError
            ? error.message
            : `cannot read ${kind} file ${ref} (${code ?? String(error)}); check the path and its permissions`,
    );
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const { detail, offset } = jsonSyntaxError((error as Error).message, text);
    const { source } = YamlSource.parse(text);
    const pos = source.at(offset);
    sink.report(
      refPath,
      `${kind} file ${ref} is not valid JSON: ${detail} (line ${pos.line}, column ${pos.column}); fix the JSON syntax (JSON allows no comments and no trailing commas)`,
    );
    return undefined;
  }
  const { source, problems } = YamlSource.parse(text);
  return problems.length === 0 ? { abs, data, source } : { abs, data };
}

/** What JSON.parse said about `text` without V8's quote of the text, and the offset of the mistake. */
function jsonSyntaxError(message: string, text: string): { detail: string; offset: number } {
  if (/Unexpected end of JSON input/.test(message)) return { detail: 'the file ends too early', offset: text.length };
  const position = / in JSON at position (\d+)/.exec(message);
  if (position) return { detail: lowerFirst(message.slice(0, position.index)), offset: Number(position[1]) };
  // V8 quotes the start of the text (`Unexpected token 'r', "root:x:0:0"... is not valid JSON`):
  // keep neither the quote nor a letter or digit (JSON punctuation, like a `]` after a trailing
  // comma, says what is wrong); the line and column locate the mistake.
  const detail = lowerFirst(message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '').replace(/ is not valid JSON$/, '').replace(/^Unexpected token '([^'\]\[{}:,"])'$/s, 'Unexpected character'));
  return { detail, offset: jsonErrorOffset(text) };
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
