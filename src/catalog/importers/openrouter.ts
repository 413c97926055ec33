import { type ParseResult, emptyResult, isRecord, point, skip } from './common.js';

/**
 * OpenRouter's models list (GET /api/v1/models): `{ "data": [{ id, name, pricing: { prompt,
 * completion, input_cache_read, input_cache_write, … } }] }`, prices as decimal strings in USD per
 * token; "-1" marks a variable price (a router), which routefit cannot use.
 */
export function parseOpenrouter(data: unknown): ParseResult {
  const r = emptyResult();
  const list = isRecord(data) ? data.data : undefined;
  if (!Array.isArray(list)) {
    r.rejected.push({ entry: '(file)', reason: 'expected { "data": [ models ] }' });
    return r;
  }
  list.forEach((m, i) => {
    const entry = isRecord(m) && typeof m.id === 'string' ? m.id : `data[${i}]`;
    if (!isRecord(m) || typeof m.id !== 'string' || !isRecord(m.pricing)) {
      r.rejected.push({ entry, reason: 'a model needs id and pricing' });
      return;
    }
    const pr = m.pricing;
    if (pr.prompt === '-1' || pr.completion === '-1') {
      skip(r, 'variable price (router)');
      return;
    }
    const p = point(
      [
        ['input', pr.prompt, 'pricing.prompt'],
        ['output', pr.completion, 'pricing.completion'],
        ['cached_input', pr.input_cache_read, 'pricing.input_cache_read'],
        ['cache_write_5m', pr.input_cache_write, 'pricing.input_cache_write'],
      ],
      1e6,
    );
    if (typeof p === 'string') {
      r.rejected.push({ entry, reason: p });
      return;
    }
    if (p.input === undefined && p.output === undefined) {
      skip(r, 'no token prices');
      return;
    }
    r.entries.push({ entry, provider: 'openrouter', model: m.id, ...(typeof m.name === 'string' ? { name: m.name } : {}), points: [p] });
  });
  return r;
}
