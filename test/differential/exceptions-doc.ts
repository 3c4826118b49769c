/** The exception list as the markdown table docs/how-it-works.md carries between its markers. */
import type { ExceptionEntry } from './exceptions.js';

export const DOC_START = '<!-- differential-exceptions:start (generated from test/differential/exceptions.ts) -->';
export const DOC_END = '<!-- differential-exceptions:end -->';

const cell = (s: string) => s.replaceAll('|', '\\|');

export function exceptionsTable(list: readonly ExceptionEntry[]): string {
  return [
    DOC_START,
    '| id | what differs | why it stays | AWS documentation | proven by |',
    '|---|---|---|---|---|',
    ...list.map((e) => `| \`${e.id}\` | ${cell(e.summary)} | ${cell(e.why)} | ${e.awsDoc} | \`${cell(e.provenBy)}\` |`),
    DOC_END,
  ].join('\n');
}
