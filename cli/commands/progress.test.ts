import { describe, expect, it } from 'vitest';
import { countProgress } from './progress.js';

function sink(isTTY: boolean) {
  let text = '';
  const stream = { isTTY, write: (chunk: string) => { text += chunk; return true; } } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  return { stream, text: () => text };
}

describe('countProgress', () => {
  it('not on a terminal: a plain line at the start and at every tenth of the way, nothing rewritten', () => {
    const out = sink(false);
    const progress = countProgress('signing users in', 200, out.stream);
    for (let i = 0; i < 200; i++) progress.step();
    progress.end();
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines).toEqual(['signing users in: 0/200', ...Array.from({ length: 10 }, (_, i) => `signing users in: ${(i + 1) * 20}/200`)]);
    expect(out.text()).not.toContain('\r');
  });

  it('on a terminal: one line rewritten in place, at most every 100 ms, always showing the last count, then a newline', () => {
    const out = sink(true);
    let clock = 0;
    const progress = countProgress('signing users in', 50, out.stream, { live: true, now: () => clock });
    for (let i = 0; i < 50; i++) {
      clock += 30; // a sign-in every 30 ms: about one redraw in four
      progress.step();
    }
    progress.end();
    const frames = out.text().split('\r');
    expect(frames[0]).toBe('signing users in: 0/50');
    expect(frames.length).toBeLessThan(20);
    expect(frames.at(-1)).toBe('signing users in: 50/50\n');
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('stopped early (a sign-in failed), the line still ends', () => {
    const out = sink(true);
    const progress = countProgress('signing users in', 10, out.stream, { live: true });
    progress.step();
    progress.end();
    progress.step();
    expect(out.text().endsWith('signing users in: 1/10\n')).toBe(true);
  });
});
