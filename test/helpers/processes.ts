/**
 * Finding MinIO processes, to prove a stack leaves none behind. Tests run in parallel workers, each
 * with its own MinIO, so "no minio at all" cannot be asserted from inside a test; instead each
 * check is scoped: by pid, or by the temp folder a child process was given (MinIO's data dir is
 * created under TMPDIR and appears on its command line).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Command lines (argv joined by spaces) of running processes whose executable is named `minio`. */
export function minioProcesses(): Array<{ pid: number; cmdline: string }> {
  const out: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile
    }
    if (argv[0] && path.basename(argv[0]) === 'minio') out.push({ pid: Number(entry), cmdline: argv.join(' ') });
  }
  return out;
}

/** MinIO processes whose command line mentions `dir` (e.g. the TMPDIR a child CLI was given). */
export function minioProcessesUnder(dir: string): Array<{ pid: number; cmdline: string }> {
  return minioProcesses().filter((p) => p.cmdline.includes(dir));
}

/**
 * Waits up to `timeoutMs` for every MinIO under `dir` to exit and returns those still running
 * (empty when all are gone). MinIO gets a short grace period to stop after its parent is done.
 */
export async function minioLeftUnder(dir: string, timeoutMs = 8_000): Promise<Array<{ pid: number; cmdline: string }>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = minioProcessesUnder(dir);
    if (left.length === 0 || Date.now() >= until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits up to `timeoutMs` for `pid` to exit; true when it has. */
export async function exited(pid: number, timeoutMs = 8_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** A fresh temp folder to give a child process as its TMPDIR. */
export function privateTmpDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `ase-test-${label}-`));
}
