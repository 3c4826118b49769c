import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createReporter, createReporters, HtmlReporter, JunitReporter, multiplexReporters, PrettyReporter, reporterNames,
  UnknownReporterError, type Reporter,
} from './index.js';
import { SAMPLE_CWD, sampleRunSummary, sampleScenarioInfos } from './sample.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _e: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function replay(r: Reporter, summary = sampleRunSummary({ facts: true })): Promise<string[] | void> {
  await r.onRunStart?.({ files: summary.scenarios.map((s) => s.file), startedAt: summary.startedAt });
  const infos = sampleScenarioInfos(summary);
  for (const [i, s] of summary.scenarios.entries()) {
    await r.onScenarioStart?.(infos[i]!);
    for (const c of s.cases) await r.onCaseResult?.(c);
    await r.onScenarioEnd?.(s);
  }
  return r.onRunEnd?.(summary);
}

describe('createReporters', () => {
  it('knows pretty (default), json, junit, html and markdown', () => {
    expect(reporterNames).toEqual(['pretty', 'json', 'junit', 'html', 'markdown']);
    const m = createReporters();
    expect(m.reporters).toHaveLength(1);
    expect(m.reporters[0]).toBeInstanceOf(PrettyReporter);
  });

  it('rejects an unknown name, listing the valid ones and suggesting the closest', () => {
    expect(() => createReporters(['pretty', 'xml'])).toThrow(
      new UnknownReporterError('xml'),
    );
    expect(() => createReporters(['xml'])).toThrow(
      "unknown reporter 'xml'. Valid reporters: pretty (default), json, junit, html, markdown. Did you mean 'junit'?",
    );
    expect(() => createReporters(['jnuit'])).toThrow("Did you mean 'junit'?");
    expect(() => createReporters([['htlm', {}]])).toThrow("unknown reporter 'htlm'. Valid reporters: pretty (default), json, junit, html, markdown. Did you mean 'html'?");
    expect(() => createReporter('nothing-like-it')).toThrow(
      "unknown reporter 'nothing-like-it'. Valid reporters: pretty (default), json, junit, html, markdown.",
    );
  });

  it('accepts names, [name, options] and reporter objects; options override the defaults', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-reporters-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const custom: Reporter = { name: 'custom' };
    const m = createReporters(['junit', ['html', { out: 'site/index.html' }], custom], { out: 'reports/', cwd: dir });
    expect(m.reporters[0]).toBeInstanceOf(JunitReporter);
    expect(m.reporters[1]).toBeInstanceOf(HtmlReporter);
    expect(m.reporters[2]).toBe(custom);
    const written = await m.onRunEnd(sampleRunSummary());
    expect(written).toEqual([path.join(dir, 'reports', 'junit.xml'), path.join(dir, 'site', 'index.html')]);
  });
});

describe('multiplexer', () => {
  it('sends every event to every reporter, in order', async () => {
    const log: string[] = [];
    const spy = (name: string): Reporter => ({
      name,
      onRunStart: () => void log.push(`${name}:runStart`),
      onScenarioStart: (i) => void log.push(`${name}:start:${i.name}`),
      onCaseResult: async () => {
        await new Promise((r) => setTimeout(r, 1));
        log.push(`${name}:case`);
      },
      onScenarioEnd: (s) => void log.push(`${name}:end:${s.name}`),
      onRunEnd: () => void log.push(`${name}:runEnd`),
    });
    const summary = sampleRunSummary();
    summary.scenarios = [summary.scenarios[2]!, { ...summary.scenarios[0]!, cases: summary.scenarios[0]!.cases.slice(0, 1) }];
    await replay(multiplexReporters([spy('a'), spy('b')]), summary);
    expect(log).toEqual([
      'a:runStart', 'b:runStart',
      'a:start:Cross-account bucket policy', 'b:start:Cross-account bucket policy',
      'a:end:Cross-account bucket policy', 'b:end:Cross-account bucket policy',
      'a:start:Owners manage their own protected folder', 'b:start:Owners manage their own protected folder',
      'a:case', 'b:case',
      'a:end:Owners manage their own protected folder', 'b:end:Owners manage their own protected folder',
      'a:runEnd', 'b:runEnd',
    ]);
  });

  it('isolates a reporter that throws: reported once on stderr, the others and the run go on', async () => {
    const stderr = new Sink();
    const out = new Sink();
    let calls = 0;
    const broken: Reporter = {
      name: 'broken',
      onCaseResult: () => {
        calls++;
        throw new Error('cannot format this case');
      },
      onRunEnd: () => Promise.reject(new Error('disk full')),
    };
    const m = multiplexReporters([broken, new PrettyReporter({ stream: out, cwd: SAMPLE_CWD, color: false })], { stderr });
    await expect(replay(m)).resolves.toEqual([]);
    expect(calls).toBe(25);
    expect(stderr.text.match(/ase: the broken reporter failed/g)).toHaveLength(1);
    expect(stderr.text).toContain('ase: the broken reporter failed in onCaseResult: cannot format this case');
    expect(stderr.text).toContain('Further errors from it are not shown.');
    expect(m.failures.map((f) => f.hook)).toEqual([...Array(25).fill('onCaseResult'), 'onRunEnd']);
    expect(out.text.endsWith('\n21 passed, 5 failed\n')).toBe(true);
  });

  it('ends the file writers first, then tells the console which files they wrote, so its last line stays last', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-mux-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const out = new Sink();
    const m = createReporters(['pretty', 'junit', 'json', 'html', 'markdown'], { out: `${dir}/reports/`, cwd: dir, stream: out, color: false });
    const written = await replay(m);
    expect((await readdir(path.join(dir, 'reports'))).sort()).toEqual(['junit.xml', 'report.html', 'results.json', 'summary.md']);
    expect(written).toHaveLength(4);
    const lines = out.text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('21 passed, 5 failed');
    expect(lines.at(-2)).toBe(
      'Ran 3 scenarios (1 could not be set up), 25 cases in 7.34 s · 3 warnings · reports: reports/junit.xml, reports/results.json, reports/report.html, reports/summary.md',
    );
    expect(JSON.parse(await readFile(path.join(dir, 'reports', 'results.json'), 'utf8')).failed).toBe(5);
  });

  it('passes on files the runner itself wrote', async () => {
    const out = new Sink();
    const m = createReporters(['pretty'], { stream: out, color: false, cwd: '/work/app' });
    m.onFilesWritten(['/work/app/reports/trace.zip']);
    await m.onRunEnd(sampleRunSummary());
    expect(out.text).toContain('· reports: reports/trace.zip\n21 passed, 5 failed\n');
  });
});
