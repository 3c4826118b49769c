import { existsSync, statSync } from 'node:fs';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface OutTarget {
  /** Default file name inside a directory `out`, e.g. `junit.xml`. */
  defaultName: string;
  /** Extensions (with the dot, lower case) that make `out` this reporter's file. */
  extensions: readonly string[];
}

/**
 * Where a reporter writes, or undefined for "no `out` given". See ReporterOptions.out:
 * a directory gets `defaultName`; a file with one of `extensions` is used as is; a file with
 * another extension stands for its directory (so `--out report.html` shared by several
 * reporters does not make them overwrite each other).
 */
export function resolveOutPath(out: string | undefined, cwd: string, target: OutTarget): string | undefined {
  if (out === undefined || out === '') return undefined;
  const abs = path.resolve(cwd, out);
  const endsWithSep = /[\\/]$/.test(out);
  if (endsWithSep || isDirectory(abs)) return path.join(abs, target.defaultName);
  const ext = path.extname(abs).toLowerCase();
  if (ext === '') return path.join(abs, target.defaultName);
  if (target.extensions.includes(ext)) return abs;
  return path.join(path.dirname(abs), target.defaultName);
}

function isDirectory(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Writes (or appends) a report file, creating its directory. Returns the absolute path. */
export async function writeReportFile(file: string, content: string, mode: 'write' | 'append' = 'write'): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  if (mode === 'append') await appendFile(file, content, 'utf8');
  else await writeFile(file, content, 'utf8');
  return file;
}

/** Writes to a stream and waits until it has been handed to the OS (or buffered). */
export function writeToStream(stream: NodeJS.WritableStream, content: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(content, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/**
 * Removes the report a reporter is about to write, at the start of a run: a run that never gets
 * to write its own (killed, or stopped by a second Ctrl-C) must not leave the previous run's
 * report looking like its result.
 */
export async function removeStaleReport(file: string | undefined): Promise<void> {
  if (file !== undefined) await rm(file, { force: true });
}
