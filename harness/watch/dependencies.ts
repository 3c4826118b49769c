import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';

/** A file or folder a scenario reads besides itself: a change to it re-runs the scenario. */
export interface Dependency {
  path: string;
  /** A folder (a backend's amplify/ folder, say): any change below it counts. */
  folder: boolean;
}

/**
 * The files and folders a scenario file refers to: policy documents, a bucket policy, an
 * amplify_outputs.json, a backend folder or template. Found without knowing the keys: every
 * string value in the file that names an existing file or folder relative to the scenario's
 * folder (as every reference in the format is). A string that happens to name an unrelated file
 * only costs an extra re-run; a reference added by a later version of the format is never missed.
 */
export async function scenarioDependencies(file: string): Promise<Dependency[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  let data: unknown;
  try {
    data = parseDocument(text).toJS();
  } catch {
    return [];
  }
  const dir = path.dirname(file);
  const found = new Map<string, Dependency>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length === 0 || value.length > 1024 || value.includes('\n') || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return;
      const abs = path.resolve(dir, value);
      if (abs === file || abs === dir || found.has(abs) || !existsSync(abs)) return;
      let folder = false;
      try {
        folder = statSync(abs).isDirectory();
      } catch {
        return;
      }
      // The scenario's own folder or one above it is not a reference (e.g. a path such as `.` or `../`).
      if (folder && (dir === abs || dir.startsWith(`${abs}${path.sep}`))) return;
      found.set(abs, { path: abs, folder });
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(data);
  return [...found.values()];
}

/** Whether a change to `changed` concerns this dependency. */
export function touches(dep: Dependency, changed: string): boolean {
  return changed === dep.path || (dep.folder && changed.startsWith(`${dep.path}${path.sep}`));
}
