import { parse } from 'yaml';
import type { Catalog } from '../../catalog/types.js';
import { InputFileError, type Problem } from '../../io/yaml-file.js';
import { type Edit, type PriceOutcome, applyEdits, priceText } from '../pricing.js';

export interface Computed {
  /** The file as it would be saved with these edits. */
  text: string;
  outcome: PriceOutcome;
  /** The file's raw workloads (what the user wrote, before defaults), for the editor. */
  raw: Record<string, unknown>[];
  /** Fleet-level keys (routes shared by every workload), when the file is a fleet. */
  fleet: Record<string, unknown> | null;
}

/** Edits → file text → the CLI's pricing path. Never throws for bad input: problems come back instead. */
export function recompute(file: string, baseText: string, edits: readonly Edit[], catalog: Catalog, today: string): Computed {
  let text = baseText;
  try {
    if (edits.length) text = applyEdits(baseText, edits);
  } catch (err) {
    if (err instanceof InputFileError) return { text, outcome: { ok: false, problems: err.problems }, raw: [], fleet: null };
    throw err;
  }
  const outcome = priceText(file, text, catalog, today);
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    data = null;
  }
  const obj = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const isFleet = Array.isArray(obj.workloads);
  const raw = isFleet ? (obj.workloads as unknown[]).map((w) => (w && typeof w === 'object' ? (w as Record<string, unknown>) : {})) : [obj];
  return { text, outcome, raw, fleet: isFleet ? obj : null };
}

/** The YAML path of a workload key: top level for a single workload, under workloads[i] in a fleet. */
export function workloadPath(c: Computed, i: number, key: string | number, ...rest: (string | number)[]): (string | number)[] {
  return c.fleet ? ['workloads', i, key, ...rest] : [key, ...rest];
}

/** Where workload i's routes list lives: its own, or the fleet's shared list. */
export function routesPath(c: Computed, i: number): (string | number)[] {
  if (c.fleet && !Array.isArray(c.raw[i]?.routes)) return ['routes'];
  return workloadPath(c, i, 'routes');
}

export function problemText(p: Problem, file: string): string {
  return `${p.line ? `${file}:${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}${p.message}`;
}
