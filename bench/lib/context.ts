import type { Stack } from '../../emulator/stack.js';
import type { Results } from './report.js';
import type { TimingDispatcher } from './timing-dispatcher.js';

/** What a measurement gets: where to put figures, how to print, and the shared stack. */
export interface BenchContext {
  results: Results;
  log: (line: string) => void;
  stack: Stack;
  /** The global dispatcher: the stack's transport, timing requests on demand. */
  timing: TimingDispatcher;
  /** Multiplies iteration counts (BENCH_SCALE, default 1); for quick trial runs. */
  scale: number;
}

export const scaled = (ctx: Pick<BenchContext, 'scale'>, n: number, min = 3): number => Math.max(min, Math.round(n * ctx.scale));
