/**
 * The one place the loader's stages report problems: each is located in the scenario file by a
 * path (through the YAML parser's own positions) and collected, to be thrown at once as a
 * {@link ScenarioError}.
 */
import { ScenarioError } from './errors.js';
import type { ScenarioIssue } from './errors.js';
import type { Anchor, Segment, YamlSource } from './yaml-source.js';

/** A file a scenario references (outputs, policy documents), parsed, with positions when it has them. */
export interface ReferencedFile {
  abs: string;
  data: unknown;
  source?: YamlSource;
}

export class IssueSink {
  readonly issues: ScenarioIssue[] = [];

  constructor(
    readonly file: string,
    private readonly source: YamlSource,
  ) {}

  /** A problem at `path` of the scenario file. */
  report(path: readonly Segment[], message: string, anchor: Anchor = 'value'): void {
    const { line, column } = this.source.position(path, anchor);
    this.issues.push({ file: this.file, line, column, message });
  }

  /** A problem at `needle` inside the scalar at `path` (a placeholder in a key). */
  reportWithin(path: readonly Segment[], needle: string, message: string): void {
    const { line, column } = this.source.positionWithin(path, needle);
    this.issues.push({ file: this.file, line, column, message });
  }

  /** A problem inside a referenced file: located at the reference, naming the file and the place in it. */
  reportInFile(refPath: readonly Segment[], ref: string, file: ReferencedFile, inner: readonly Segment[], message: string, anchor: Anchor = 'value'): void {
    const pos = file.source?.position(inner, anchor);
    this.report(refPath, `in ${ref}${pos ? ` (line ${pos.line}, column ${pos.column})` : ''}: ${message}`);
  }

  /** 1-based line of the node at `path`. */
  line(path: readonly Segment[]): number {
    return this.source.position(path).line;
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }

  /** Throws every problem reported so far, if any. */
  throwIfAny(): void {
    if (!this.empty) throw new ScenarioError(this.issues);
  }
}
