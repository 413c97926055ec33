import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';

export { type Problem, InputFileError, formatProblem } from './input-error.js';
import { type Problem, InputFileError } from './input-error.js';

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
}

/** Reads a text input file; a missing, unreadable or oversized file is an InputFileError naming it. */
export function readInputText(file: string, maxBytes = 10_000_000, what = 'an input file'): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
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
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputFileError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { ...(pos ? { line: pos.line, column: pos.col } : {}), message: `malformed YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  return { file, doc, lines, data: doc.toJS({ maxAliasCount: 100 }) };
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
  return `${typeof v} ${String(v)}`;
}

/** Validates `data` with a zod schema; every issue becomes a Problem with its line. */
export function validate<S extends z.ZodType>(src: YamlSource & { data: unknown }, schema: S, knownKeys?: (path: readonly PropertyKey[]) => Iterable<string>): z.output<S> {
  const result = schema.safeParse(src.data);
  if (result.success) return result.data;
  const problems: Problem[] = [];
  for (const issue of result.error.issues) {
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

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
