import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Static and dynamic relative imports of every .ts file under `root`, as absolute .ts paths. */
export function importGraph(root: string): Map<string, { file: string; dynamic: boolean }[]> {
  const graph = new Map<string, { file: string; dynamic: boolean }[]>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = readFileSync(p, 'utf8');
        const edges: { file: string; dynamic: boolean }[] = [];
        for (const m of text.matchAll(/^(?:import|export)\s(?!type\b)[^'"]*?from\s+'(\.[^']+)'/gm)) edges.push({ file: resolve(dirname(p), m[1]!.replace(/\.js$/, '.ts')), dynamic: false });
        for (const m of text.matchAll(/import\('(\.[^']+)'\)/g)) edges.push({ file: resolve(dirname(p), m[1]!.replace(/\.js$/, '.ts')), dynamic: true });
        graph.set(p, edges);
      }
    }
  };
  walk(root);
  return graph;
}

/** Cycles through static imports among files whose path starts with `within` (each reported once). */
export function staticCycles(graph: Map<string, { file: string; dynamic: boolean }[]>, within: string): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (f: string) => {
    if (onStack.has(f)) {
      cycles.push(stack.slice(stack.indexOf(f)));
      return;
    }
    if (seen.has(f)) return;
    seen.add(f);
    stack.push(f);
    onStack.add(f);
    for (const e of graph.get(f) ?? []) if (!e.dynamic && e.file.startsWith(within)) visit(e.file);
    stack.pop();
    onStack.delete(f);
  };
  for (const f of graph.keys()) if (f.startsWith(within)) visit(f);
  return cycles;
}

/** Every file reachable from `entry` through static imports. */
export function staticClosure(graph: Map<string, { file: string; dynamic: boolean }[]>, entry: string): Set<string> {
  const out = new Set<string>();
  const go = (f: string) => {
    if (out.has(f)) return;
    out.add(f);
    for (const e of graph.get(f) ?? []) if (!e.dynamic) go(e.file);
  };
  go(entry);
  return out;
}
