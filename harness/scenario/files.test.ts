import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandScenarioArgs } from './files.js';

let root: string;
const file = async (relative: string) => {
  const full = path.join(root, relative);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, 'name: x\n');
};

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ase-files-'));
  for (const f of [
    'app/scenarios/a.yaml', 'app/scenarios/b.yml', 'app/scenarios/deep/c.yaml', 'app/scenarios/notes.md',
    'app/scenarios/node_modules/dep/x.yaml', 'app/scenarios/.hidden/y.yaml', 'app/scenarios/.dot.yaml',
    'app/config.json', 'other/d.yaml',
  ]) await file(f);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('expandScenarioArgs', () => {
  const cwd = () => path.join(root, 'app');
  const rel = (files: string[]) => files.map((f) => path.relative(root, f));

  it('a folder gives every .yaml and .yml below it, not dependencies or dot files and folders', async () => {
    expect(rel(await expandScenarioArgs(['scenarios'], cwd()))).toEqual([
      'app/scenarios/a.yaml', 'app/scenarios/b.yml', 'app/scenarios/deep/c.yaml',
    ]);
  });

  it('a file is taken as it is (JSON too); sorted and without duplicates', async () => {
    expect(rel(await expandScenarioArgs(['scenarios/b.yml', 'config.json', 'scenarios/a.yaml', 'scenarios'], cwd()))).toEqual([
      'app/config.json', 'app/scenarios/a.yaml', 'app/scenarios/b.yml', 'app/scenarios/deep/c.yaml',
    ]);
  });

  it('a glob is matched from its fixed folders, `**` across folders and `*` within one, `..` too', async () => {
    expect(rel(await expandScenarioArgs(['scenarios/*.yaml'], cwd()))).toEqual(['app/scenarios/a.yaml']);
    expect(rel(await expandScenarioArgs(['scenarios/**/*.yaml'], cwd()))).toEqual(['app/scenarios/a.yaml', 'app/scenarios/deep/c.yaml']);
    expect(rel(await expandScenarioArgs(['../other/*.yaml'], cwd()))).toEqual(['other/d.yaml']);
    expect(rel(await expandScenarioArgs(['scenarios/?.yml'], cwd()))).toEqual(['app/scenarios/b.yml']);
  });

  it('names the argument that matched nothing', async () => {
    await expect(expandScenarioArgs(['missing.yaml'], cwd())).rejects.toThrow('missing.yaml: no such file or folder');
    await expect(expandScenarioArgs(['scenarios/deep/none/*.yaml'], cwd())).rejects.toThrow('scenarios/deep/none/*.yaml: matched no files');
    await mkdir(path.join(root, 'app/empty'), { recursive: true });
    await expect(expandScenarioArgs(['empty'], cwd())).rejects.toThrow('empty: folder has no .yaml or .yml scenario files');
  });
});
