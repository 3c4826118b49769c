import { readdirSync, readFileSync } from 'node:fs';

/** The parent of a process (Linux /proc), or undefined once it has ended. */
export function parentOf(pid: number | string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every process under `root` (children, their children, …), not `root` itself. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const walk = (pid: number) => { for (const c of children.get(pid) ?? []) { out.push(c); walk(c); } };
  walk(root);
  return out;
}

/**
 * Proportional set size (KiB) of a process: its private pages plus its share of pages it shares
 * with others, so the PSS of a group of processes sums to what the group really holds. 0 once
 * the process has ended.
 */
export function pssKiB(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** PSS (KiB) of a process and every process under it. */
export function treePssKiB(root: number): { kib: number; processes: number } {
  const pids = [root, ...descendants(root)];
  return { kib: pids.reduce((sum, pid) => sum + pssKiB(pid), 0), processes: pids.length };
}
