import type { StackFailure } from '../emulator/stack.js';

/**
 * The one block printed when the stack breaks under a command: what died, how, its last log lines,
 * and (for a run) how many cases did not run.
 */
export function describeStackFailure(failure: StackFailure, command: string, notRun?: number): string {
  const lines = [
    '',
    `ase ${command}: the stack broke: ${failure.message}.`,
    ...(notRun !== undefined ? [`  ${notRun === 1 ? '1 case' : `${notRun} cases`} did not run; the results written are marked ABORTED and say nothing about your policies.`] : []),
    ...(failure.logTail.length > 0
      ? [`  MinIO's last ${failure.logTail.length === 1 ? 'log line' : `${failure.logTail.length} log lines`}:`, ...failure.logTail.map((l) => `    ${l}`)]
      : ['  MinIO wrote nothing before it died.']),
    '  This is not a test failure (exit code 3). Check memory and disk space (an out-of-memory kill leaves no log line), then run again.',
    '',
  ];
  return lines.join('\n');
}
