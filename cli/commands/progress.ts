/** Progress lines (MinIO build, start-up) go to stderr so stdout stays the report. */
export function progressToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}
