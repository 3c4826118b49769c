/**
 * Reading: a scenario file's text into a parsed YAML document (with the parser's own positions),
 * and the JSON files it references. Nothing here knows the format beyond its top-level keys.
 */
import { resolve } from 'node:path';
import { readUserTextFile, UserFileError } from '../../emulator/user-file.js';
import { jsonSyntaxProblem } from '../../emulator/values.js';
import { ScenarioError } from './errors.js';
import type { IssueSink, ReferencedFile } from './issue-sink.js';
import { SCENARIO_SCHEMA } from './schema-check.js';
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
    const { detail, line, column } = jsonSyntaxProblem(error, text);
    sink.report(
      refPath,
      `${kind} file ${ref} is not valid JSON: ${detail} (line ${line}, column ${column}); fix the JSON syntax (JSON allows no comments and no trailing commas)`,
    );
    return undefined;
  }
  const { source, problems } = YamlSource.parse(text);
  return problems.length === 0 ? { abs, data, source } : { abs, data };
}
