import { exitCodeForSignal } from './exit-codes.js';

/**
 * SIGINT/SIGTERM while a command runs: the first one asks the command to stop (stop MinIO, write
 * what it has, print the final line), a second one exits at once (the watchdog still stops MinIO:
 * its pipe closes with this process). Installed by a command for its own lifetime only.
 */
export interface Interrupts {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  /** The signal received, if any. */
  readonly signal: NodeJS.Signals | undefined;
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function watchInterrupts(onFirst?: (signal: NodeJS.Signals) => void): Interrupts {
  let received: NodeJS.Signals | undefined;
  let resolve!: (s: NodeJS.Signals) => void;
  const promise = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      process.stderr.write(`\nase: ${signal} again; exiting now without waiting for clean-up.\n`);
      process.exit(exitCodeForSignal(signal));
    }
    received = signal;
    onFirst?.(signal);
    resolve(signal);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    received: promise,
    get signal() {
      return received;
    },
    dispose() {
      for (const s of SIGNALS) process.removeListener(s, handler);
    },
  };
}
