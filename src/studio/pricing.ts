/**
 * The Studio's pricing path, browser-safe: workload text → loader → catalog → engine, the same steps
 * `routefit compare` takes (cli/commands/shared.ts priceFile), so a number on screen is the number
 * the CLI prints for the same file.
 */
import { type Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Catalog } from '../catalog/types.js';
import type { Comparison } from '../engine/cost/compare.js';
import { RoutefitError } from '../engine/errors.js';
import { InputFileError, type Problem } from '../io/yaml-file.js';
import { type LoadedFile, parseWorkloadText } from '../workload/load.js';
import { type PreparedWorkload, prepareWorkloads, pricePrepared } from '../workload/prepare.js';

export { pricePrepared };

export interface PricedWorkload {
  prepared: PreparedWorkload;
  comparison: Comparison;
}

export type PriceOutcome = { ok: true; priced: PricedWorkload[] } | { ok: false; problems: Problem[] };

/**
 * Prices every workload of a file's text; a bad file gives the loader's own problems (file, line,
 * field, range). With `only`, that workload is priced now and the others when first read (a fleet
 * of 20 shows one at a time).
 */
export function priceText(file: string, text: string, catalog: Catalog, today: string, only?: number): PriceOutcome {
  return priceLoaded(() => parseWorkloadText(file, text), catalog, today, only);
}

/** As priceText, from a loaded file (the Studio's edited Document, without a text round trip). */
export function priceLoaded(load: () => LoadedFile, catalog: Catalog, today: string, only?: number): PriceOutcome {
  try {
    const loaded = load();
    if (only === undefined) return { ok: true, priced: prepareWorkloads(loaded, catalog, { today }).map((p) => pricePrepared(p)) };
    // Only the workload on screen is resolved and priced now; the others when a view reads them.
    const one = (i: number) => pricedOnce(loaded, i, catalog, today);
    const shown = Math.min(Math.max(only, 0), loaded.workloads.length - 1);
    return { ok: true, priced: loaded.workloads.map((_, i) => (i === shown ? one(i) : lazyPriced(() => one(i)))) };
  } catch (err) {
    if (err instanceof InputFileError) return { ok: false, problems: err.problems };
    if (err instanceof RoutefitError) return { ok: false, problems: [{ ...(err.field ? { field: err.field } : {}), message: err.message }] };
    throw err;
  }
}

/**
 * Workload i resolved and priced, memoized on its loaded input: an edit to one workload of a fleet
 * re-prices that one, the other 19 come back from here. The key is the whole loaded workload (profile
 * with every value, evidence and source; routes as written; as-of; correlations) plus the date and
 * the catalog, everything prepareOne and compareRoutes read, so a hit is the value a fresh call gives.
 * A workload with problems is never stored: its messages carry lines of the file being loaded.
 */
const PRICED_CACHE_SIZE = 256;
const pricedCache = new WeakMap<Catalog, Map<string, PricedWorkload>>();
function pricedOnce(loaded: LoadedFile, i: number, catalog: Catalog, today: string): PricedWorkload {
  const w = loaded.workloads[i]!;
  const key = `${today}\u0000${JSON.stringify(w)}`;
  let cache = pricedCache.get(catalog);
  if (!cache) pricedCache.set(catalog, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last, so the oldest entry is the one dropped.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const priced = pricePrepared(prepareWorkloads({ ...loaded, workloads: [w] }, catalog, { today })[0]!);
  cache.set(key, priced);
  if (cache.size > PRICED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return priced;
}

function lazyPriced(price: () => PricedWorkload): PricedWorkload {
  let priced: PricedWorkload | undefined;
  return {
    get prepared() {
      return (priced ??= price()).prepared;
    },
    get comparison() {
      return (priced ??= price()).comparison;
    },
  };
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
  editDocument(doc, edits);
  return doc.toString();
}

/** applyEdits on a parsed Document, in place. */
export function editDocument(doc: Document, edits: readonly Edit[]): void {
  for (const e of edits) {
    if (!Array.isArray(e.path) || e.path.length === 0 || !e.path.every((k) => typeof k === 'string' || (typeof k === 'number' && Number.isInteger(k) && k >= 0))) {
      throw new InputFileError('workload', [{ message: `edit path must be a list of keys and indexes; got ${JSON.stringify(e.path)}` }]);
    }
    const path = [...e.path];
    // A bare route id that gains a field becomes a mapping.
    const parentPath = path.slice(0, -1);
    const parent = parentPath.length ? doc.getIn(parentPath, true) : undefined;
    // A key set earlier may hold a plain value rather than a Scalar node: read both alike.
    const parentValue = isScalar(parent) ? parent.value : parent;
    if (typeof parentValue === 'string' && isSeq(doc.getIn(parentPath.slice(0, -1), true))) {
      doc.setIn(parentPath, doc.createNode({ route: parentValue }));
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
    if ((key === 'evidence' || key === 'source') && typeof parentValue === 'number') {
      doc.setIn(parentPath, doc.createNode({ value: parentValue, [key]: e.value }));
      continue;
    }
    if (isScalar(target)) {
      target.value = e.value;
      continue;
    }
    for (let n = 1; n < path.length; n++) {
      const step = doc.getIn(path.slice(0, n), true);
      if (step !== undefined && !isMap(step) && !isSeq(step)) throw notACollection(path, n);
    }
    doc.setIn(path, doc.createNode(e.value));
  }
}

function notACollection(path: readonly (string | number)[], n: number): InputFileError {
  const at = path.slice(0, n).map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${k}`)).join('');
  return new InputFileError('workload', [{ field: at, message: `holds a single value, so "${String(path[n])}" cannot be set inside it` }]);
}

/**
 * editDocument's twin on the parsed data (what the loader validates), for recomputing on every
 * keystroke without cloning the Document. Same rules; test/studio/studio-edits.test.ts checks that
 * both give the same data for the same edits.
 */
export function editData(data: unknown, edits: readonly Edit[]): unknown {
  const root = structuredClone(data) as Record<string | number, unknown>;
  for (const e of edits) {
    if (!Array.isArray(e.path) || e.path.length === 0 || !e.path.every((k) => typeof k === 'string' || (typeof k === 'number' && Number.isInteger(k) && k >= 0))) {
      throw new InputFileError('workload', [{ message: `edit path must be a list of keys and indexes; got ${JSON.stringify(e.path)}` }]);
    }
    const path = e.path;
    const key = path[path.length - 1]!;
    const parentPath = path.slice(0, -1);
    const grandPath = parentPath.slice(0, -1);
    const getIn = (p: readonly (string | number)[]): unknown => p.reduce<unknown>((cur, k) => (cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[k] : undefined), root);
    const container = (p: readonly (string | number)[]): Record<string | number, unknown> => {
      let cur: Record<string | number, unknown> = root;
      for (const [i, k] of p.entries()) {
        let next = cur[k];
        if (next === undefined) {
          // As Document.setIn does: a missing step becomes a list for a number key, a mapping otherwise.
          next = typeof p[i + 1] === 'number' ? [] : {};
          cur[k] = next;
        } else if (next === null || typeof next !== 'object') {
          throw notACollection(path, i + 1);
        }
        cur = next as Record<string | number, unknown>;
      }
      return cur;
    };
    const parent = parentPath.length ? getIn(parentPath) : undefined;
    if (typeof parent === 'string' && Array.isArray(getIn(grandPath))) {
      (getIn(grandPath) as unknown[])[parentPath[parentPath.length - 1] as number] = { route: parent };
    }
    const target = getIn(path);
    if (e.value === undefined) {
      const c = parentPath.length ? getIn(parentPath) : root;
      if (c !== null && typeof c === 'object') {
        if (Array.isArray(c) && typeof key === 'number') c.splice(key, 1);
        else delete (c as Record<string | number, unknown>)[key];
      }
      continue;
    }
    if (typeof e.value === 'number' && target !== null && typeof target === 'object' && !Array.isArray(target) && 'value' in target) {
      (target as Record<string, unknown>).value = e.value;
      continue;
    }
    if ((key === 'evidence' || key === 'source') && typeof parent === 'number') {
      const g = grandPath.length ? container(grandPath) : root;
      g[parentPath[parentPath.length - 1]!] = { value: parent, [key]: e.value };
      continue;
    }
    container(parentPath)[key] = structuredClone(e.value);
  }
  return root;
}
