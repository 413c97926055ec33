import type { Catalog } from '../../catalog/types.js';
import { InputFileError, type Problem, type YamlSource, parseYaml } from '../../io/yaml-file.js';
import { fromSource } from '../../workload/load.js';
import { type Edit, type PriceOutcome, applyEdits, editData, priceLoaded, priceText } from '../pricing.js';

export interface Computed {
  /** The file as it would be saved with these edits (built when read). */
  readonly text: string;
  outcome: PriceOutcome;
  /** The file's raw workloads (what the user wrote, before defaults), for the editor. */
  raw: Record<string, unknown>[];
  /** Fleet-level keys (routes shared by every workload), when the file is a fleet. */
  fleet: Record<string, unknown> | null;
  /** Workload names as the loader gives them (when the file loads): read these instead of
   * `outcome.priced[i].prepared.name`, which prices workload i to answer. */
  names: string[];
}

/** The base file parsed once per text: each edit works on a copy of its data instead of re-parsing. */
let cached: { file: string; text: string; src: (YamlSource & { data: unknown }) | null; problems: Problem[] } | undefined;
function baseSource(file: string, text: string) {
  if (cached?.file !== file || cached.text !== text) {
    try {
      cached = { file, text, src: parseYaml(file, text), problems: [] };
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      cached = { file, text, src: null, problems: err.problems };
    }
  }
  return cached;
}

/**
 * Edits → the CLI's loader and pricing path. Fast path: the edits go onto a copy of the parsed data
 * (editData, the twin of the Document edit the server saves) and the loader validates that. When
 * the result has problems, the text is rebuilt and loaded again so each message carries the line it
 * will have in the saved file. Either way the same loader, catalog resolution and engine price it.
 * Never throws for bad input.
 */
export function recompute(file: string, baseText: string, edits: readonly Edit[], catalog: Catalog, today: string, visible?: number): Computed {
  const base = baseSource(file, baseText);
  if (!base.src) return { text: baseText, outcome: { ok: false, problems: base.problems }, raw: [], fleet: null, names: [] };
  let data = base.src.data;
  if (edits.length) {
    try {
      data = editData(base.src.data, edits);
    } catch (err) {
      if (err instanceof InputFileError) return { text: baseText, outcome: { ok: false, problems: err.problems }, raw: [], fleet: null, names: [] };
      throw err;
    }
  }
  let text: string | undefined = edits.length ? undefined : baseText;
  const textOf = () => (text ??= applyEdits(baseText, edits));
  const src = base.src;
  let names: string[] = [];
  let outcome = priceLoaded(() => {
    const loaded = fromSource({ ...src, data });
    names = loaded.workloads.map((w) => w.name);
    return loaded;
  }, catalog, today, visible);
  if (!outcome.ok && edits.length) outcome = priceText(file, textOf(), catalog, today, visible);
  const obj = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const isFleet = Array.isArray(obj.workloads);
  const raw = isFleet ? (obj.workloads as unknown[]).map((w) => (w && typeof w === 'object' ? (w as Record<string, unknown>) : {})) : [obj];
  return {
    get text() {
      return textOf();
    },
    outcome,
    raw,
    fleet: isFleet ? obj : null,
    names: names.length ? names : raw.map((w, i) => String(w.name ?? `workload ${i + 1}`)),
  };
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
