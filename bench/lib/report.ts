import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ms, ratio } from './stats.js';

export type Unit = 'ms' | 'ratio' | 'cases/s' | 'count' | 'MiB' | 'text';

/** A target where lower is better: met when the value is below `below` (or equal, with `orEqual`). */
export interface Target {
  below: number;
  orEqual?: boolean;
}

export interface Figure {
  section: string;
  name: string;
  /** Null when it could not be measured (see `note`). */
  value: number | null;
  unit: Unit;
  /** Shown instead of the formatted value (the value still goes to the JSON). */
  display?: string;
  target?: Target;
  note?: string;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  platform: string;
  node: string;
  minio: string;
  minioBinary?: string;
  awsAmplify: string;
  awsSdkS3: string;
  moto?: string;
  /** 1-, 5- and 15-minute load averages when the run started and ended: other work on the machine skews figures. */
  loadAverage: { start: number[]; end?: number[] };
}

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return 'not measured';
  switch (unit) {
    case 'ms': return ms(value);
    case 'ratio': return ratio(value);
    case 'cases/s': return `${value.toFixed(1)} cases/s`;
    case 'count': return String(value);
    case 'MiB': return `${value.toFixed(1)} MiB`;
    case 'text': return String(value);
  }
}

export function formatTarget(target: Target | undefined, unit: Unit): string {
  if (!target) return '—';
  return `${target.orEqual ? '≤' : '<'} ${formatValue(target.below, unit)}`;
}

export function targetMet(figure: Figure): boolean | undefined {
  if (!figure.target || figure.value === null) return undefined;
  return figure.target.orEqual ? figure.value <= figure.target.below : figure.value < figure.target.below;
}

/** `yes`, `no: +6.2 ms over (×2.24 the target)`, or `—` without a target. */
export function verdict(figure: Figure): string {
  const met = targetMet(figure);
  if (met === undefined) return figure.target ? 'not measured' : '—';
  if (met) return 'yes';
  const { below } = figure.target!;
  const over = figure.value! - below;
  const overText = figure.unit === 'ratio' ? `+${over.toFixed(2)}` : `+${formatValue(over, figure.unit)}`;
  return `**no**: ${overText} over (${(figure.value! / below).toFixed(2)}× the target)`;
}

/** A markdown table, padded so it also reads well on a terminal. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface SectionText {
  title: string;
  markdown: string;
}

/** Everything one run measured: figures for the final table, raw data per section, notes. */
export class Results {
  readonly startedAt = new Date();
  readonly figures: Figure[] = [];
  readonly data: Record<string, unknown> = {};
  readonly sections: SectionText[] = [];
  readonly notes: string[] = [];
  durationMs = 0;

  constructor(readonly machine: Machine) {}

  add(figure: Figure): Figure {
    this.figures.push(figure);
    return figure;
  }

  section(title: string, markdown: string): void {
    this.sections.push({ title, markdown });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  finalTable(): string {
    return table(
      ['figure', 'value', 'target', 'met?'],
      this.figures.map((f) => [
        `${f.name}${f.note ? ` (${f.note})` : ''}`,
        f.display ?? formatValue(f.value, f.unit),
        formatTarget(f.target, f.unit),
        verdict(f),
      ]),
    );
  }

  machineLines(): string[] {
    const m = this.machine;
    return [
      `cores: ${m.cores} (${m.cpu}), memory ${m.memoryGiB} GiB, ${m.platform}`,
      `Node ${m.node}`,
      `MinIO ${m.minio}${m.minioBinary ? ` (${m.minioBinary})` : ''}`,
      `aws-amplify ${m.awsAmplify}, @aws-sdk/client-s3 ${m.awsSdkS3}`,
      `moto: ${m.moto ?? 'not available'}`,
      `load average at start ${m.loadAverage.start.map((l) => l.toFixed(2)).join(' / ')}${m.loadAverage.end ? `, at end ${m.loadAverage.end.map((l) => l.toFixed(2)).join(' / ')}` : ''}`,
    ];
  }

  markdown(): string {
    const out = [
      `# Benchmarks: ${this.startedAt.toISOString()}`,
      '',
      'Produced by `npm run bench` (bench/run.ts). Figures from one run on the machine below; they are measurements, not assertions.',
      '',
      '## Machine',
      '',
      ...this.machineLines().map((l) => `- ${l}`),
      '',
      '## Summary',
      '',
      this.finalTable(),
      '',
      `Whole run: ${ms(this.durationMs)}.`,
      '',
    ];
    if (this.notes.length > 0) out.push('## Notes', '', ...this.notes.map((n) => `- ${n}`), '');
    for (const s of this.sections) out.push(`## ${s.title}`, '', s.markdown.trim(), '');
    return out.join('\n');
  }

  json(): unknown {
    return {
      date: this.startedAt.toISOString(),
      durationMs: Math.round(this.durationMs),
      machine: this.machine,
      figures: this.figures.map((f) => ({
        ...f,
        formatted: f.display ?? formatValue(f.value, f.unit),
        ...(f.target ? { met: targetMet(f) ?? null } : {}),
      })),
      notes: this.notes,
      data: this.data,
    };
  }

  /** Writes latest.json and latest.md (through .tmp files, so a reader never sees half a file). */
  async write(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const files: Array<[string, string]> = [
      ['latest.json', `${JSON.stringify(this.json(), null, 2)}\n`],
      ['latest.md', this.markdown()],
    ];
    const written: string[] = [];
    for (const [name, text] of files) {
      const path = join(dir, name);
      await writeFile(`${path}.tmp`, text);
      await rename(`${path}.tmp`, path);
      written.push(path);
    }
    return written;
  }
}
