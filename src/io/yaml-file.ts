import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';

/** Alias expansions a YAML file may make: generous for anchors reused across workloads, far below an expansion bomb. */
export const MAX_ALIAS_COUNT = 10_000;
import type { z } from 'zod';

export { type Problem, InputFileError, formatProblem } from './input-error.js';
import { type Problem, InputFileError } from './input-error.js';

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
}

let stdinText: string | undefined;

/** Reads a text input file; a missing, unreadable or oversized file is an InputFileError naming it. */
export function readInputText(file: string, maxBytes = 10_000_000, what = 'an input file'): string {
  let text: string;
  try {
    // `-` is standard input, as Unix tools read it; read once, as a command may load its file twice.
    text = file === '-' ? (stdinText ??= readFileSync(0, 'utf8')) : readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(file, [{ message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})` }]);
  }
  if (text.length > maxBytes) throw new InputFileError(file, [{ message: `file is ${text.length} bytes; allowed up to ${maxBytes} for ${what}` }]);
  return text;
}

export function readYaml(file: string): YamlSource & { data: unknown } {
  return parseYaml(file, readInputText(file, 10_000_000, 'a YAML file'));
}

export function parseYaml(file: string, text: string): YamlSource & { data: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new InputFileError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined);
        return { ...(pos ? { line: pos.line, column: pos.col } : {}), message: `malformed YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!/alias/i.test((err as Error).message)) throw err;
    // A few anchors reused a few times are normal; thousands of expansions are a "billion laughs" file.
    let first: { line: number; column: number } | undefined;
    visit(doc, { Alias: (_k, node) => {
      if (node.range) {
        const { line, col } = lines.linePos(node.range[0]);
        first = { line, column: col };
      }
      return visit.BREAK;
    } });
    throw new InputFileError(file, [{ ...(first ?? {}), message: `the YAML aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies of anchored blocks; routefit refuses such files (they can blow up to any size): write the repeated values out, or reuse an anchor fewer times` }]);
  }
  return { file, doc, lines, data };
}

/** Line and column of the node at `path`, or of its nearest ancestor that exists. */
export function locate(src: YamlSource, path: readonly PropertyKey[]): { line: number; column: number } | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? src.doc.contents : src.doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = src.lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}

export function pathToField(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

/** Edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>, maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestD = maxDistance + 1;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

function describeInput(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'YAML .nan (not a number)' : `YAML ${v > 0 ? '' : '-'}.inf (infinite)`;
  return `${typeof v} ${String(v)}`;
}

/** Validates `data` with a zod schema; every issue becomes a Problem with its line. */
export function validate<S extends z.ZodType>(src: YamlSource & { data: unknown }, schema: S, knownKeys: (path: readonly PropertyKey[]) => Iterable<string> = (path) => keysAt(schema, path)): z.output<S> {
  const result = schema.safeParse(src.data);
  if (result.success) return result.data;
  const problems: Problem[] = [];
  for (const issue of unionBranch(result.error.issues)) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const hint = knownKeys ? closest(key, knownKeys(path)) : undefined;
        problems.push({ ...locate(src, keyPath), field: pathToField(keyPath), message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}` });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      const actual = valueAt(src.data, path);
      message = actual === undefined ? `missing required key (expected ${issue.expected})` : `expected ${issue.expected}, got ${describeInput(actual)}`;
    }
    problems.push({ ...locate(src, path), field: pathToField(path), message });
  }
  throw new InputFileError(src.file, problems);
}

type Issue = z.core.$ZodIssue;

/**
 * A value that matches no branch of a union (a route is a string or a route object) reports the
 * issues of the branch it was meant for (the one whose shape it has), with their full paths, so the
 * user reads "routes[1].utilization: …" rather than "routes[1]: Invalid input".
 */
function unionBranch(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'invalid_union' || !('errors' in issue) || !issue.errors.length) {
      out.push(issue);
      continue;
    }
    // The branch it was meant for: not the one that failed on the value's type at its root.
    const branches = issue.errors.filter((b) => !b.every((i) => i.path.length === 0 && i.code === 'invalid_type'));
    const chosen = branches.length === 1 ? branches[0]! : undefined;
    if (!chosen) {
      out.push(issue);
      continue;
    }
    out.push(...unionBranch(chosen.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue)));
  }
  return out;
}

/**
 * The keys an object in the schema may hold at `path` (for "did you mean"): read from the schema
 * itself, so no key list is kept by hand.
 */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const out = new Set<string>();
  type Def = { type: string; innerType?: unknown; in?: unknown; out?: unknown; options?: unknown[]; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown; keyType?: unknown; items?: unknown[] };
  const walk = (node: unknown, i: number, depth: number): void => {
    const def = (node as { _zod?: { def?: Def } } | undefined)?._zod?.def;
    if (!def || depth > 50) return;
    const next = (n: unknown, j: number) => walk(n, j, depth + 1);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
      case 'catch':
        return next(def.innerType, i);
      case 'pipe':
        return next(def.in, i);
      case 'union':
        for (const o of def.options ?? []) next(o, i);
        return;
      case 'object': {
        if (i === path.length) {
          for (const k of Object.keys(def.shape ?? {})) out.add(k);
          return;
        }
        const p = path[i];
        if (typeof p === 'string' && def.shape?.[p]) next(def.shape[p], i + 1);
        return;
      }
      case 'array':
        if (typeof path[i] === 'number') next(def.element, i + 1);
        return;
      case 'tuple':
        if (typeof path[i] === 'number') next(def.items?.[path[i] as number], i + 1);
        return;
      case 'record': {
        if (i === path.length) {
          const keys = (def.keyType as { _zod?: { def?: { type: string; entries?: Record<string, string> } } })?._zod?.def;
          if (keys?.type === 'enum') for (const k of Object.values(keys.entries ?? {})) out.add(k);
          return;
        }
        return next(def.valueType, i + 1);
      }
    }
  };
  walk(schema, 0, 0);
  return [...out];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
