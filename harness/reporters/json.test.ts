import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunSummary } from '../results.js';
import { JsonReporter, renderJson } from './json.js';
import { sampleRunSummary } from './sample.js';

/** The summary with every object's keys in reverse insertion order. */
function shuffled(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shuffled);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffled(x)]));
}

describe('json reporter', () => {
  it('round-trips the RunSummary', () => {
    const summary = sampleRunSummary();
    expect(JSON.parse(renderJson(summary))).toEqual(summary);
  });

  it('writes keys in a fixed order, whatever order the objects were built in', () => {
    const summary = sampleRunSummary();
    const text = renderJson(summary);
    expect(renderJson(shuffled(summary) as RunSummary)).toBe(text);
    expect(Object.keys(JSON.parse(text))).toEqual(['startedAt', 'durationMs', 'passed', 'failed', 'errored', 'scenarios']);
    const c = JSON.parse(text).scenarios[0].cases[4];
    expect(Object.keys(c)).toEqual([
      'scenario', 'file', 'line', 'index', 'title', 'status', 'actor', 'op', 'bucket', 'path',
      'expected', 'observed', 'reasons', 'role', 'decidingRequest', 'durationMs',
    ]);
    expect(Object.keys(JSON.parse(text).scenarios[2])).toEqual(['name', 'file', 'durationMs', 'error', 'warnings', 'cases']);
  });

  it('keeps fields it does not know, sorted after the known ones', () => {
    const summary = sampleRunSummary() as RunSummary & { zeta: number; alpha: { b: 1; a: 2 } };
    summary.zeta = 1;
    summary.alpha = { b: 1, a: 2 };
    const keys = Object.keys(JSON.parse(renderJson(summary)));
    expect(keys.slice(-2)).toEqual(['alpha', 'zeta']);
    expect(renderJson(summary)).toContain('"alpha": {\n    "a": 2,\n    "b": 1\n  }');
  });

  it('writes to the out file, or to the stream without one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ase-json-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'out', 'run.json');
    expect(await new JsonReporter({ out: file }).onRunEnd(sampleRunSummary())).toEqual([file]);
    expect(JSON.parse(await readFile(file, 'utf8')).passed).toBe(21);

    const stream = new PassThrough();
    let out = '';
    stream.on('data', (d: Buffer) => (out += d.toString()));
    expect(await new JsonReporter({ stream }).onRunEnd(sampleRunSummary())).toEqual([]);
    expect(JSON.parse(out).scenarios).toHaveLength(3);
  });
});
