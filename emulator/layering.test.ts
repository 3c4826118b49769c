import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * No import cycle among the emulator's folders: each folder (cognito-idp/, credentials/, aws/...)
 * and each file directly in emulator/ (app.ts, stack.ts, clock.ts...) is one node; an import,
 * type-only or dynamic, from one node into another is an edge. Tests are left out.
 */

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * Known and not yet undone: config.ts (the stack's config model) takes IAM and `paths` types from
 * policy/types.ts, and policy/index.ts takes the role and bucket config types from config.ts, both
 * type-only. Left to the policy restructuring (issue 12, item 2); any other cycle fails.
 */
const KNOWN_CYCLES = [['config.ts', 'policy/']];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The node a file belongs to: its top folder under emulator/, or the file itself at the top. */
const nodeOf = (file: string): string => {
  const parts = relative(ROOT, file).split(sep);
  return parts.length > 1 ? `${parts[0]}/` : parts[0]!;
};

function importGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(ROOT)) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = normalize(join(dirname(file), match[1]!));
      if (relative(ROOT, target).startsWith('..')) continue;
      const [from, to] = [nodeOf(file), nodeOf(target.replace(/\.js$/, '.ts'))];
      if (from === to) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), `${relative(ROOT, file)} imports ${match[1]}`]);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Strongly connected components of more than one node (Tarjan). */
function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    for (const to of graph.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('emulator layering', () => {
  it('has no import cycle among its folders', () => {
    const graph = importGraph();
    expect(graph.get('app.ts')?.has('cognito-idp/'), 'the graph sees imports at all').toBe(true);
    const unknown = cycles(graph).filter((component) => !KNOWN_CYCLES.some((known) => known.join() === component.join()));
    // Each cycle shown as the imports that close it.
    expect(unknown.map((component) => component.flatMap((from) =>
      [...(graph.get(from) ?? [])].filter(([to]) => component.includes(to)).flatMap(([, why]) => why)))).toEqual([]);
  });

  it('found the cycles it knows of, so the list stays true', () => {
    expect(cycles(importGraph())).toEqual(KNOWN_CYCLES);
  });
});
