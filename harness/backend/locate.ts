import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, parse, resolve } from 'node:path';
import { BackendError } from './errors.js';

/** Where an Amplify Gen2 backend program is. */
export interface BackendLocation {
  /** The program: `<app>/amplify/backend.ts` (or .mts, .js, .mjs). */
  backendFile: string;
  /** The folder holding it (usually `amplify/`). */
  amplifyDir: string;
  /** The app: the folder above `amplify/` (its package.json, where ampx runs). */
  appRoot: string;
}

const BACKEND_NAMES = ['backend.ts', 'backend.mts', 'backend.cts', 'backend.js', 'backend.mjs', 'backend.cjs'];

/**
 * Finds the backend program from what a user points at: the `amplify/` folder, the app folder
 * that holds `amplify/`, or the backend file itself.
 */
export function locateBackend(input: string): BackendLocation {
  const target = resolve(input);
  let stats;
  try {
    stats = statSync(target);
  } catch {
    throw new BackendError('backend-not-found', `${input}: no such file or folder; point at your app's amplify/ folder (the one holding backend.ts)`);
  }
  if (stats.isFile()) {
    const amplifyDir = dirname(target);
    return { backendFile: target, amplifyDir, appRoot: appRootOf(amplifyDir) };
  }
  for (const dir of [target, join(target, 'amplify')]) {
    const name = BACKEND_NAMES.find((n) => existsSync(join(dir, n)));
    if (name) return { backendFile: join(dir, name), amplifyDir: dir, appRoot: appRootOf(dir) };
  }
  throw new BackendError('backend-not-found',
    `${input}: no backend.ts here or in ${join(input, 'amplify')}; point at your app's amplify/ folder (the one holding backend.ts)`);
}

/** `amplify/` sits in the app's root; a backend folder with another name is its own root. */
function appRootOf(amplifyDir: string): string {
  return basename(amplifyDir) === 'amplify' ? dirname(amplifyDir) : amplifyDir;
}

/** A package the backend program needs, as Node resolves it from the program's folder. */
export interface ResolvedPackage {
  name: string;
  version: string;
  /** The package's folder. */
  dir: string;
}

/** What the backend imports must come from the app's own installation, as when ampx runs it. */
export const REQUIRED_PACKAGES = ['@aws-amplify/backend', 'aws-cdk-lib', 'constructs'] as const;

/**
 * Resolves `names` from `fromFile`'s folder upward, as the program's own imports would.
 * Every missing package is named in one error with the command that installs them.
 */
export function resolveAppPackages(fromFile: string, names: readonly string[] = REQUIRED_PACKAGES): Map<string, ResolvedPackage> {
  const found = new Map<string, ResolvedPackage>();
  const missing: string[] = [];
  for (const name of names) {
    const pkg = resolvePackage(fromFile, name);
    if (pkg) found.set(name, pkg);
    else missing.push(name);
  }
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)!}`;
    throw new BackendError('missing-package',
      `cannot synthesize ${fromFile}: ${list} ${missing.length === 1 ? 'is' : 'are'} not installed for this app `
      + `(looked in node_modules from ${dirname(fromFile)} upward). Install the app's dependencies (npm install), `
      + `or add ${missing.length === 1 ? 'it' : 'them'}: npm install --save-dev ${missing.join(' ')}`);
  }
  return found;
}

/** The package as `import name` from `fromFile` would find it, or undefined. */
export function resolvePackage(fromFile: string, name: string): ResolvedPackage | undefined {
  const require = createRequire(fromFile);
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    // Packages without a require/default entry (ESM-only exports): find the folder by lookup paths.
    const dir = require.resolve.paths(name)?.map((p) => join(p, name)).find((d) => existsSync(join(d, 'package.json')));
    if (!dir) return undefined;
    entry = join(dir, 'package.json');
  }
  // Walk up from the entry file to the package.json that names the package.
  for (let dir = dirname(entry); dir !== parse(dir).root; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (json.name === name) return { name, version: json.version ?? '0.0.0', dir };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** TypeScript and module-flavoured programs need a loader; plain .js/.mjs/.cjs run as they are. */
export function needsTypeScriptLoader(file: string): boolean {
  return ['.ts', '.mts', '.cts', '.tsx'].includes(extname(file));
}
