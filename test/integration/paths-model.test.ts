/**
 * The one model of `paths` as users meet it through `ase test`: the real aws-amplify client against
 * a real MinIO enforcing the policies generated from `paths`, on the definitions issue 7 found the
 * generator reading differently from Amplify, and paths Amplify refuses reported at file:line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliRuns, describeRun, fixture } from '../helpers/cli.js';

/** Each run starts its own stack; on a loaded machine one takes well over vitest's default 30 s. */
const RUN_TIMEOUT = 240_000;
const cli = new CliRuns(2);
beforeAll(() => {
  cli.start('function-only', ['test', fixture('paths/function-only-child.yaml'), '--reporter', 'pretty']);
  cli.start('nested-owners', ['test', fixture('paths/nested-owners.yaml'), '--reporter', 'pretty']);
  cli.start('refused', ['test', fixture('paths/owner-parent-defineStorage.yaml')]);
});
afterAll(async () => {
  await cli.settle();
});

describe('ase test on paths read through the one model', () => {
  it('a path only a function reaches denies guests and users what its parent grants (written and derived cases)', async () => {
    const run = await cli.get('function-only');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.lastLine).toMatch(/^\d+ passed, 0 failed$/);
    // 4 written cases + derived: guest and derived-user on media/ and media/thumbs/, 4 actions each.
    expect(Number(run.lastLine.split(' ')[0])).toBe(4 + 16);
    expect(run.minioLeft).toStrictEqual([]);
  }, RUN_TIMEOUT);

  it('owner paths under owner paths load and run (Amplify accepts them); empty and repeated action lists are fine', async () => {
    const run = await cli.get('nested-owners');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.lastLine).toBe('6 passed, 0 failed');
  }, RUN_TIMEOUT);

  it('what Amplify refuses is one file:line message per mistake, with Amplify\'s words, and nothing runs', async () => {
    const run = await cli.get('refused');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).not.toMatch(/InvalidStoragePathsError|\n\s+at /);
    expect(run.stdout).toContain('nothing ran');
    const lines = (run.stderr + run.stdout).split('\n').filter((l) => l.includes('owner-parent-defineStorage.yaml:'));
    expect(lines.map((l) => /:(\d+):\d+/.exec(l)?.[1])).toStrictEqual(['11', '12', '13']);
    expect(lines[0]).toContain('A path cannot be a prefix of another path that contains the {entity_id} token.');
    expect(lines[1]).toContain('Path segments "." and ".." are not allowed');
    expect(lines[2]).toContain('At least one permission must be specified');
  }, RUN_TIMEOUT);
});
