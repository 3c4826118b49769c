import { constants } from 'node:os';

/**
 * What `ase` exits with. Scripts and CI tell a policy failure (1) from a broken stack (3), which
 * says nothing about the policies and is worth a retry, and from an interruption (128 + signal).
 */
export const EXIT = {
  /** Every case passed (`ase test`); the command did what it was asked. */
  ok: 0,
  /** A case failed, or a file was rejected before anything ran. */
  failed: 1,
  /** Wrong usage: unknown flag or command, bad option value. */
  usage: 2,
  /** The stack broke: MinIO missing, failed to start, or died mid-run. Results, if any, are incomplete. */
  infrastructure: 3,
} as const;

/** 130 for SIGINT, 143 for SIGTERM, as shells report a process killed by the signal. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 15);
}
