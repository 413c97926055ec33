import { type ImportedPrice, type ParseResult, emptyResult, isRecord, perMillion, point, skip } from './common.js';

type Tiered = { base: unknown; tiers: { start: unknown; price: unknown }[] };
const isTiered = (v: unknown): v is Tiered => isRecord(v) && 'base' in v && Array.isArray(v.tiers);

function pricePoint(prices: Record<string, unknown>): ImportedPrice | string {
  const base = (v: unknown) => (isTiered(v) ? v.base : v);
  const p = point(
    [
      ['input', base(prices.input_mtok), 'input_mtok'],
      ['output', base(prices.output_mtok), 'output_mtok'],
      ['cached_input', base(prices.cache_read_mtok), 'cache_read_mtok'],
      ['cache_write_5m', base(prices.cache_write_mtok), 'cache_write_mtok'],
      ['cache_write_1h', base(prices.cache_write_1h_mtok), 'cache_write_1h_mtok'],
    ],
    1,
  );
  if (typeof p === 'string') return p;
  // A context tier is a cliff: past the threshold the whole request pays the tier price.
  const inT = prices.input_mtok;
  const outT = prices.output_mtok;
  if (isTiered(inT) && inT.tiers[0]) {
    const start = inT.tiers[0].start;
    const i = perMillion(inT.tiers[0].price, 1, 'input_mtok tier');
    const o = isTiered(outT) ? perMillion(outT.tiers.find((t) => t.start === start)?.price, 1, 'output_mtok tier') : p.output;
    if (typeof i === 'string') return i;
    if (typeof o === 'string') return o;
    if (typeof start !== 'number' || !Number.isInteger(start) || start <= 0) return `input_mtok tier start is ${JSON.stringify(start)}, not a token count`;
    if (i !== undefined && o !== undefined) p.long_context = { threshold_tokens: start, input: i, output: o };
  }
  return p;
}

/**
 * genai-prices data.json: `[{ id, name, models: [{ id, name, prices }] }]` where `prices` is
 * `{ input_mtok, output_mtok, cache_read_mtok, ... }` (USD per million, maybe tiered) or a list
 * of `{ constraint, prices }` (dated with `start_date`; time-of-day variants are skipped).
 */
export function parseGenaiPrices(data: unknown, providerFor: (genaiId: string) => string | undefined): ParseResult {
  const r = emptyResult();
  if (!Array.isArray(data)) {
    r.rejected.push({ entry: '(file)', reason: 'expected a JSON array of providers' });
    return r;
  }
  data.forEach((prov, i) => {
    if (!isRecord(prov) || typeof prov.id !== 'string' || !Array.isArray(prov.models)) {
      r.rejected.push({ entry: `[${i}]`, reason: 'a provider needs id and models[]' });
      return;
    }
    const provider = providerFor(prov.id);
    if (!provider) {
      for (const _ of prov.models) skip(r, `provider ${prov.id} (no routefit provider)`);
      return;
    }
    prov.models.forEach((m, j) => {
      const entry = isRecord(m) && typeof m.id === 'string' ? `${prov.id}/${m.id}` : `${prov.id}.models[${j}]`;
      if (!isRecord(m) || typeof m.id !== 'string' || m.prices === undefined) {
        r.rejected.push({ entry, reason: 'a model needs id and prices' });
        return;
      }
      if (m.deprecated === true) {
        skip(r, 'deprecated');
        return;
      }
      const points: ImportedPrice[] = [];
      const list = Array.isArray(m.prices) ? m.prices : [{ prices: m.prices }];
      for (const c of list) {
        if (!isRecord(c) || !isRecord(c.prices)) {
          r.rejected.push({ entry, reason: 'prices must be an object or a list of { constraint, prices }' });
          return;
        }
        const constraint = c.constraint;
        let effective: string | undefined;
        if (constraint !== undefined && constraint !== null) {
          if (!isRecord(constraint) || constraint.type !== 'start_date') {
            skip(r, 'time-of-day price variant');
            continue;
          }
          effective = String(constraint.start_date ?? '').slice(0, 10);
          if (!/^\d{4}-\d{2}-\d{2}$/.test(effective)) {
            r.rejected.push({ entry, reason: `start_date ${JSON.stringify(constraint.start_date)} is not a date` });
            return;
          }
        }
        const p = pricePoint(c.prices);
        if (typeof p === 'string') {
          r.rejected.push({ entry, reason: p });
          return;
        }
        if (p.input !== undefined || p.output !== undefined) points.push({ ...p, ...(effective ? { effective } : {}) });
      }
      if (!points.length) {
        skip(r, 'no token prices');
        return;
      }
      r.entries.push({ entry, provider, model: m.id, ...(typeof m.name === 'string' ? { name: m.name } : {}), points });
    });
  });
  return r;
}
