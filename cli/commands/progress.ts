/**
 * Progress on stderr, so stdout stays the report: plain lines (MinIO build, start-up), and a
 * running count for long set-up steps (`ase up` signing many users in). On a terminal the count is
 * one line rewritten in place (at most every 100 ms, and always for the last step); anywhere else
 * (a pipe, a CI log) a plain line is printed at every tenth of the way, so logs stay short.
 */
import { isCI, type TtyLike } from '../../harness/reporters/format.js';

/** A progress line (MinIO build, start-up). */
export function progressToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

export interface Progress {
  /** One more step done. */
  step(): void;
  /** Ends the line (all steps done, or stopped early). */
  end(): void;
}

export function countProgress(
  label: string,
  total: number,
  stream: NodeJS.WritableStream & TtyLike = process.stderr,
  options: { live?: boolean; now?: () => number } = {},
): Progress {
  const live = options.live ?? (stream.isTTY === true && !isCI(process.env));
  const now = options.now ?? (() => Date.now());
  let done = 0;
  let shownAt = -Infinity;
  let lastTenth = 0;
  let ended = false;
  const line = () => `${label}: ${done}/${total}`;
  if (live) stream.write(line());
  else stream.write(`${line()}\n`);
  return {
    step() {
      if (ended) return;
      done++;
      if (live) {
        if (done === total || now() - shownAt >= 100) {
          shownAt = now();
          stream.write(`\r${line()}`);
        }
        return;
      }
      const tenth = Math.floor((done * 10) / total);
      if (tenth > lastTenth || done === total) {
        lastTenth = tenth;
        stream.write(`${line()}\n`);
      }
    },
    end() {
      if (ended) return;
      ended = true;
      if (live) stream.write(`\r${line()}\n`);
    },
  };
}
