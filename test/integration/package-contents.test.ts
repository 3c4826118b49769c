/** What `npm pack` ships: the files the compiled code reads beside itself are in the package. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('the npm package', () => {
  it('carries the non-TypeScript assets the built code reads (watchdog, HTML report stylesheet and script)', async () => {
    // --ignore-scripts: pack the dist/ that `npm test` built, without building again.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { maxBuffer: 64 * 1024 * 1024 });
    const files = new Set((JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
    for (const asset of ['dist/emulator/minio/watchdog.cjs', 'dist/harness/reporters/assets/report.css', 'dist/harness/reporters/assets/report.js']) {
      expect(files.has(asset), asset).toBe(true);
    }
  }, 120_000);
});
