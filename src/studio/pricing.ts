/**
 * The Studio's pricing path, browser-safe: workload text → loader → catalog → engine, the same steps
 * `routefit compare` takes (cli/commands/shared.ts priceFile), so a number on screen is the number
 * the CLI prints for the same file.
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Catalog } from '../catalog/types.js';
import { type Comparison, compareRoutes } from '../engine/cost/compare.js';
import { RoutefitError } from '../engine/errors.js';
import { InputFileError, type Problem } from '../io/yaml-file.js';
import { parseWorkloadText } from '../workload/load.js';
import { type PreparedWorkload, prepareWorkloads } from '../workload/prepare.js';

export interface PricedWorkload {
  prepared: PreparedWorkload;
  comparison: Comparison;
}

export type PriceOutcome = { ok: true; priced: PricedWorkload[] } | { ok: false; problems: Problem[] };

/** Prices every workload of a file's text; a bad file gives the loader's own problems (file, line, field, range). */
export function priceText(file: string, text: string, catalog: Catalog, today: string): PriceOutcome {
  try {
    const prepared = prepareWorkloads(parseWorkloadText(file, text), catalog, { today });
    return { ok: true, priced: prepared.map((p) => pricePrepared(p)) };
  } catch (err) {
    if (err instanceof InputFileError) return { ok: false, problems: err.problems };
    if (err instanceof RoutefitError) return { ok: false, problems: [{ ...(err.field ? { field: err.field } : {}), message: err.message }] };
    throw err;
  }
}

/** One prepared workload priced as priceFile does it: unpriced catalog routes listed first. */
export function pricePrepared(p: PreparedWorkload): PricedWorkload {
  const comparison = compareRoutes(p.profile, p.routes);
  comparison.unpriced.unshift(...p.unpriced);
  return { prepared: p, comparison };
}

/** A change to one key of the file: `value: undefined` removes the key. */
export interface Edit {
  path: (string | number)[];
  value: unknown;
}

/**
 * Applies edits to workload text through the yaml Document API, so comments, key order and the
 * untouched lines stay as the user wrote them. Setting a number on a sourced mapping
 * (`{value, evidence, source}`) sets its `value`; setting `evidence`/`source` on a bare number turns it
 * into that mapping. A route written as a bare id becomes `{route: id}` when a route field is set.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new InputFileError('workload', doc.errors.map((e) => ({ ...(e.linePos?.[0] ? { line: e.linePos[0].line } : {}), message: `malformed YAML: ${e.message.split('\n')[0]}` })));
  for (const e of edits) {
    if (!Array.isArray(e.path) || e.path.length === 0 || !e.path.every((k) => typeof k === 'string' || (typeof k === 'number' && Number.isInteger(k) && k >= 0))) {
      throw new InputFileError('workload', [{ message: `edit path must be a list of keys and indexes; got ${JSON.stringify(e.path)}` }]);
    }
    const path = [...e.path];
    // A bare route id that gains a field becomes a mapping.
    const parentPath = path.slice(0, -1);
    const parent = parentPath.length ? doc.getIn(parentPath, true) : undefined;
    if (isScalar(parent) && typeof parent.value === 'string' && isSeq(doc.getIn(parentPath.slice(0, -1), true))) {
      doc.setIn(parentPath, doc.createNode({ route: parent.value }));
    }
    const key = path[path.length - 1];
    const target = doc.getIn(path, true);
    if (e.value === undefined) {
      if (doc.hasIn(path)) doc.deleteIn(path);
      continue;
    }
    if (typeof e.value === 'number' && isMap(target) && target.has('value')) {
      doc.setIn([...path, 'value'], e.value);
      continue;
    }
    if ((key === 'evidence' || key === 'source') && isScalar(parent) && typeof parent.value === 'number') {
      doc.setIn(parentPath, doc.createNode({ value: parent.value, [key]: e.value }));
      continue;
    }
    if (isScalar(target)) {
      target.value = e.value;
      continue;
    }
    doc.setIn(path, e.value);
  }
  return doc.toString();
}
