import { createRequire } from 'node:module';
import type { ModelInfo, ModelPrice, Provider } from '@pydantic/genai-prices';
import type { Sourced } from '../engine/evidence.js';
import type { TokenPriceSheet } from '../engine/cost/token-pricing.js';
import type { PricePoint, ProviderEntry, TokenRouteEntry } from './types.js';

/** Release date of the bundled @pydantic/genai-prices data (0.1.8, published 2026-09-23). */
export const GENAI_PRICES_VERSION = '0.1.8';
export const GENAI_PRICES_AS_OF = '2026-09-23';

// The bundled price data is ~0.8 MB of JS: load it on first use, not on every CLI start.
let findProviderFn: ((o: { providerId: string }) => Provider | undefined) | undefined;
function findProvider(o: { providerId: string }): Provider | undefined {
  findProviderFn ??= (createRequire(import.meta.url)('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices')).findProvider;
  return findProviderFn(o);
}

type Tiered = { base: number; tiers: { start: number; price: number }[] };
const isTiered = (v: unknown): v is Tiered => typeof v === 'object' && v !== null && 'base' in v;

function sheetFrom(price: ModelPrice, source: string): TokenPriceSheet {
  const s = (v: number): Sourced => ({ value: v, evidence: 'public', source });
  const base = (v: ModelPrice[string]) => (v === undefined ? undefined : isTiered(v) ? v.base : v);
  const sheet: TokenPriceSheet = {};
  const put = (k: keyof Omit<TokenPriceSheet, 'longContext' | 'batchStacksWithCache'>, v: ModelPrice[string]) => {
    const b = base(v);
    if (b !== undefined) sheet[k] = s(b);
  };
  put('input', price.input_mtok);
  put('output', price.output_mtok);
  put('cachedInput', price.cache_read_mtok);
  put('cacheWrite5m', price.cache_write_mtok);
  put('cacheWrite1h', price.cache_write_1h_mtok);
  const inT = price.input_mtok;
  const outT = price.output_mtok;
  if (isTiered(inT) && inT.tiers[0]) {
    const threshold = inT.tiers[0].start;
    const outTier = isTiered(outT) ? outT.tiers.find((t) => t.start === threshold)?.price : base(outT);
    const cached = price.cache_read_mtok;
    const cachedTier = isTiered(cached) ? cached.tiers.find((t) => t.start === threshold)?.price : undefined;
    if (outTier !== undefined) {
      sheet.longContext = { thresholdTokens: threshold, input: s(inT.tiers[0].price), output: s(outTier), ...(cachedTier !== undefined ? { cachedInput: s(cachedTier) } : {}) };
    }
  }
  return sheet;
}

/** Price history of a genai-prices model, oldest first (time-of-day variants are skipped: routefit prices a month, not an hour). */
function historyOf(model: ModelInfo, providerName: string): PricePoint<TokenPriceSheet>[] {
  const source = `@pydantic/genai-prices ${GENAI_PRICES_VERSION} bundled data (${providerName} ${model.id})`;
  const point = (price: ModelPrice, effective: string | null): PricePoint<TokenPriceSheet> => ({
    effective,
    asOf: GENAI_PRICES_AS_OF,
    source,
    evidence: 'public',
    ...(model.price_comments ? { notes: model.price_comments } : {}),
    sheet: sheetFrom(price, source),
  });
  if (!Array.isArray(model.prices)) return [point(model.prices, null)];
  const points: PricePoint<TokenPriceSheet>[] = [];
  for (const c of model.prices) {
    if (!c.constraint) points.push(point(c.prices, null));
    else if (c.constraint.type === 'start_date') points.push(point(c.prices, c.constraint.start_date.slice(0, 10)));
  }
  return points.sort((a, b) => (a.effective ?? '').localeCompare(b.effective ?? ''));
}

function toEntry(provider: ProviderEntry, providerName: string, model: ModelInfo): TokenRouteEntry {
  return {
    kind: 'tokens',
    id: `${provider.id}/${model.id}`,
    provider: provider.id,
    name: model.name ?? model.id,
    model: model.id,
    mode: provider.mode,
    aliases: [],
    origin: 'genai-prices',
    history: historyOf(model, providerName).map((p) => (provider.batchStacksWithCache ? { ...p, sheet: { ...p.sheet, batchStacksWithCache: provider.batchStacksWithCache } } : p)),
  };
}

/** The genai-prices model a `provider/model` id names, matched exactly (case-insensitive). */
export function genaiRoute(provider: ProviderEntry, modelId: string): TokenRouteEntry | undefined {
  if (!provider.genaiPricesId) return undefined;
  const p = findProvider({ providerId: provider.genaiPricesId });
  if (!p) return undefined;
  const wanted = modelId.toLowerCase();
  const model = p.models.find((m) => m.id.toLowerCase() === wanted);
  return model ? toEntry(provider, p.name, model) : undefined;
}

/** Every genai-prices model of the given providers, as catalog entries. */
export function genaiRoutes(providers: Iterable<ProviderEntry>): TokenRouteEntry[] {
  const out: TokenRouteEntry[] = [];
  for (const provider of providers) {
    if (!provider.genaiPricesId) continue;
    const p = findProvider({ providerId: provider.genaiPricesId });
    if (!p) continue;
    for (const m of p.models) {
      if (m.deprecated) continue;
      const e = toEntry(provider, p.name, m);
      if (e.history.some((h) => h.sheet.input || h.sheet.output)) out.push(e);
    }
  }
  return out;
}
