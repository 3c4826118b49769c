import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const SCENARIO_EXTENSIONS = ['.yaml', '.yml'];

/** `**` any number of folders, `*` any characters but `/`, `?` one character. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

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
        const files = (await walk(absolute)).filter((f) => SCENARIO_EXTENSIONS.includes(path.extname(f)));
        if (files.length === 0) throw new Error(`${arg}: folder has no .yaml or .yml scenario files`);
        files.forEach((f) => found.add(f));
      } else found.add(absolute);
      continue;
    }
    const normalized = absolute.split(path.sep).join('/');
    const fixed = normalized.slice(0, normalized.search(/[*?]/)).replace(/[^/]*$/, '');
    const re = globToRegExp(normalized);
    const files = (await walk(fixed || '/').catch(() => [])).filter((f) => re.test(f.split(path.sep).join('/')));
    if (files.length === 0) throw new Error(`${arg}: matched no files`);
    files.forEach((f) => found.add(f));
  }
  return [...found].sort();
}
