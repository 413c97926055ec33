import { type ParseResult, emptyResult, isRecord, point, skip } from './common.js';

/** Portkey prices are cents per token: × 1e6 ÷ 100 = USD per million. */
const CENTS_PER_TOKEN_TO_USD_PER_MILLION = 1e4;

/**
 * Portkey's per-provider pricing JSON (`pricing/<provider>.json` of Portkey-AI/models):
 * `{ "<model>": { "pricing_config": { "pay_as_you_go": { "request_token": { "price" }, "response_token": … },
 * "currency": "USD" } } }`, prices in cents per token.
 */
export function parsePortkey(data: unknown, provider: string): ParseResult {
  const r = emptyResult();
  if (!isRecord(data)) {
    r.rejected.push({ entry: '(file)', reason: 'expected a JSON object of model entries' });
    return r;
  }
  for (const [key, e] of Object.entries(data)) {
    if (key === 'default') continue; // provider-wide defaults, not a model
    const cfg = isRecord(e) ? e.pricing_config : undefined;
    if (!isRecord(cfg)) {
      r.rejected.push({ entry: key, reason: 'pricing_config is missing' });
      continue;
    }
    if (cfg.currency !== undefined && cfg.currency !== 'USD') {
      r.rejected.push({ entry: key, reason: `currency is ${String(cfg.currency)}; routefit prices in USD` });
      continue;
    }
    const pay = cfg.pay_as_you_go;
    if (!isRecord(pay)) {
      skip(r, 'no pay_as_you_go prices');
      continue;
    }
    const price = (k: string) => (isRecord(pay[k]) ? (pay[k] as Record<string, unknown>).price : pay[k]);
    const p = point(
      [
        ['input', price('request_token'), 'request_token.price'],
        ['output', price('response_token'), 'response_token.price'],
        ['cached_input', price('cache_read_input_token'), 'cache_read_input_token.price'],
        ['cache_write_5m', price('cache_write_input_token'), 'cache_write_input_token.price'],
      ],
      CENTS_PER_TOKEN_TO_USD_PER_MILLION,
    );
    if (typeof p === 'string') {
      r.rejected.push({ entry: key, reason: p });
      continue;
    }
    if (p.input === undefined && p.output === undefined) {
      skip(r, 'no token prices');
      continue;
    }
    r.entries.push({ entry: key, provider, model: key, points: [p] });
  }
  return r;
}
