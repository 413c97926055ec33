import { genaiRoute } from './genai-prices.js';
import { pointAt } from './lookup.js';
import type { Catalog, PricePoint, TokenRouteEntry } from './types.js';
import type { TokenPriceSheet } from '../engine/cost/token-pricing.js';
import type { Sourced } from '../engine/evidence.js';

/** One price two sources both set for the same route and date, with different values. */
export interface PriceConflict {
  route: string;
  /** The price's name as catalog files write it: `cached_input`, `output`, `long_context.input`… */
  field: string;
  asOf: string;
  winner: ConflictSide;
  other: ConflictSide;
  /** Why the winner is used. */
  reason: string;
}

export interface ConflictSide {
  origin: 'catalog' | 'genai-prices';
  value: number;
  source: string;
  evidence: string;
  effective: string | null;
}

const FIELDS: [keyof Omit<TokenPriceSheet, 'longContext' | 'batchStacksWithCache'>, string][] = [
  ['input', 'input'],
  ['output', 'output'],
  ['cachedInput', 'cached_input'],
  ['cacheWrite5m', 'cache_write_5m'],
  ['cacheWrite1h', 'cache_write_1h'],
  ['batchInput', 'batch_input'],
  ['batchOutput', 'batch_output'],
];

/** Prices equal to within float noise and a tenth of a cent per million tokens are the same price. */
const same = (a: number, b: number) => Math.abs(a - b) <= Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 0.0005);

/**
 * Where the catalog's own entry and the bundled @pydantic/genai-prices data both price a route on
 * `asOf` and disagree (issue 11: GPT-5.5 cached input $2.50/M in the catalog, $0.50/M in
 * genai-prices). The catalog's entry wins (lookup.ts findRoute: catalog first); each conflict says so,
 * with both sources, so a surface can show which number it used and why.
 */
export function priceConflicts(catalog: Catalog, entry: TokenRouteEntry, asOf: string): PriceConflict[] {
  if (entry.origin !== 'catalog') return [];
  const provider = catalog.providers.get(entry.provider);
  if (!provider) return [];
  const other = genaiRoute(provider, entry.model) ?? genaiRoute(provider, entry.id.slice(entry.provider.length + 1));
  if (!other) return [];
  const mine = tryPoint(entry, asOf);
  const theirs = tryPoint(other, asOf);
  if (!mine || !theirs) return [];
  const out: PriceConflict[] = [];
  const add = (field: string, a: Sourced | undefined, b: Sourced | undefined) => {
    if (!a || !b || same(a.value, b.value)) return;
    out.push({
      route: entry.id,
      field,
      asOf,
      winner: side('catalog', a, mine),
      other: side('genai-prices', b, theirs),
      reason: "routefit's own catalog entry wins wherever it and the bundled genai-prices data both price a route",
    });
  };
  for (const [k, name] of FIELDS) add(name, mine.sheet[k], theirs.sheet[k]);
  const la = mine.sheet.longContext;
  const lb = theirs.sheet.longContext;
  if (la && lb && la.thresholdTokens === lb.thresholdTokens) {
    add('long_context.input', la.input, lb.input);
    add('long_context.output', la.output, lb.output);
    add('long_context.cached_input', la.cachedInput, lb.cachedInput);
  }
  return out;
}

function tryPoint(e: TokenRouteEntry, asOf: string): PricePoint<TokenPriceSheet> | undefined {
  try {
    return pointAt(e, asOf);
  } catch {
    return undefined;
  }
}

function side(origin: ConflictSide['origin'], s: Sourced, p: PricePoint<TokenPriceSheet>): ConflictSide {
  return { origin, value: s.value, source: s.source ?? p.source, evidence: s.evidence, effective: p.effective };
}

/** One line for a note: both prices with their sources, the one used, and why. */
export function describeConflict(c: PriceConflict): string {
  const usd = (v: number) => `$${Number(v.toPrecision(6))}/M`;
  return `${c.route} ${c.field}: catalog ${usd(c.winner.value)} (${c.winner.evidence}: ${c.winner.source}) vs @pydantic/genai-prices ${usd(c.other.value)} (${c.other.source}) — using ${usd(c.winner.value)}: ${c.reason}`;
}
