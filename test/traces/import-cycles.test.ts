import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * issue 10: no import cycle in src/traces (import.ts ↔ importers, metrics ↔ trace-kit ↔ gpu).
 * Static imports and re-exports count, type-only ones included (they tie the modules' types in a
 * knot just the same); a dynamic `await import()` does not (it is how the CLI defers loading).
 */
const root = resolve(import.meta.dirname, '..', '..', 'src', 'traces');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function edges(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    const target = resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
    if (target.startsWith(root)) out.push(target);
  }
  return out;
}

function cycles(): string[][] {
  const graph = new Map(files(root).map((f) => [f, edges(f)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') found.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative(root, x)));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('src/traces module graph', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });
});
