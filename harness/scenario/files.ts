import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';

const SCENARIO_EXTENSIONS = ['yaml', 'yml'];
/** Never searched: dependencies, and (tinyglobby's default, `dot: false`) dot files and folders. */
const IGNORE = ['**/node_modules/**'];

/**
 * Expands command-line arguments into scenario files: a file is taken as is (YAML or JSON); a
 * folder gives every .yaml/.yml file below it; a glob (`scenarios/**\/*.yaml`) is matched from
 * its fixed leading folders. Sorted, without duplicates. Throws naming an argument that matched nothing.
 */
export async function expandScenarioArgs(args: string[], cwd = process.cwd()): Promise<string[]> {
  const found = new Set<string>();
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    if (!/[*?]/.test(arg)) {
      const info = await stat(absolute).catch(() => undefined);
      if (!info) throw new Error(`${arg}: no such file or folder`);
      if (info.isDirectory()) {
        const files = await glob(SCENARIO_EXTENSIONS.map((ext) => `**/*.${ext}`), { cwd: absolute, absolute: true, ignore: IGNORE });
        if (files.length === 0) throw new Error(`${arg}: folder has no .yaml or .yml scenario files`);
        files.forEach((f) => found.add(path.resolve(f)));
      } else found.add(absolute);
      continue;
    }
    const normalized = absolute.split(path.sep).join('/');
    const fixed = normalized.slice(0, normalized.search(/[*?]/)).replace(/[^/]*$/, '');
    // Matched from its fixed leading folders, so `../other/**/*.yaml` works as written.
    const files = await glob(normalized.slice(fixed.length), { cwd: fixed || '/', absolute: true, ignore: IGNORE }).catch(() => []);
    if (files.length === 0) throw new Error(`${arg}: matched no files`);
    files.forEach((f) => found.add(path.resolve(f)));
  }
  return [...found].sort();
}
