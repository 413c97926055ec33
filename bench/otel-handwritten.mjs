// The hand-written baseline of bench/otel-chdb.mjs: the query a ClickHouse user would write to get
// summarize's headline figures per workload × route from the exporter's otel_traces table in one
// pass. It reads the same attribute names (the table holds three naming generations), keeps the
// same spans (GenAI model calls with valid token counts) and prices them with the same formula
// (Inference Field Guide, Part 0: tokens × rate per class, cache reads and writes, batch tier, the
// long-context cliff) from a price list pasted in as literals, so its numbers equal routefit's.
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const { pricingData } = await import(join(root, 'dist/traces/pricing.js'));

const ROUTES = [
  ['openai', 'gpt-5.5'],
  ['anthropic', 'claude-sonnet-4.6'],
  ['google', 'gemini-2.5-pro'],
  ['acme', 'mystery-1'],
];
const DAY = '2026-05-01';
const LAST_DAY = '2026-05-05';

const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const num = (x) => (x === null || x === undefined ? 'NULL' : String(x));

export function handWrittenSql(table, catalog) {
  const data = pricingData(catalog, ROUTES.map(([provider, model]) => ({ route: `${provider}/${model}`, provider, model })));
  const price = new Map();
  for (const m of data.routeMap) {
    if (!m.priceKey) continue;
    const inForce = (d) => data.pricePoints.filter((p) => p.priceKey === m.priceKey && (p.effFrom === null || p.effFrom <= d) && (p.effTo === null || d < p.effTo));
    const [point] = inForce(DAY);
    if (!point || inForce(LAST_DAY)[0] !== point) throw new Error(`${m.route}: the price changes inside the bench window; the baseline assumes one price`);
    price.set(m.route, point);
  }
  const routes = [...price.keys()];
  const p = (field) => `transform(route, [${routes.map(q).join(', ')}], [${routes.map((r) => `toNullable(toFloat64(${num(price.get(r)[field])}))`).join(', ')}], NULL)`;
  const a = (k) => `SpanAttributes[${q(k)}]`;
  const first = (...ks) => `coalesce(${ks.map((k) => `nullIf(${a(k)}, '')`).join(', ')})`;
  const lc = `ifNull(input > ${p('lcThreshold')}, 0)`;
  const batch = `(tier = 'batch' AND isNotNull(${p('batchInput')}) AND isNotNull(${p('batchOutput')}) AND NOT ${lc})`;
  const inRate = `if(${lc}, ${p('lcInput')}, ${p('input')})`;
  const outRate = `if(${lc}, ${p('lcOutput')}, ${p('output')})`;
  const cachedRate = `coalesce(if(${lc}, ${p('lcCached')}, NULL), ${p('cachedInput')}, ${inRate})`;
  const scale = `if(${batch}, ifNull(${p('batchCacheFactor')}, 1), 1)`;
  const cost = `((input - cached - write) * if(${batch}, ${p('batchInput')}, ${inRate}) + cached * ${cachedRate} * ${scale} + write * coalesce(${p('cacheWrite5m')}, ${inRate}) * ${scale} + output * if(${batch}, ${p('batchOutput')}, ${outRate})) / 1000000`;
  const isCount = (x) => `(isNotNull(${x}) AND isFinite(${x}) AND ${x} >= 0 AND ${x} = floor(${x}))`;
  return `
    SELECT workload, route, count() AS requests, sum(input) AS input_tokens, sum(output) AS output_tokens,
      quantilesExactInclusive(0.5, 0.95, 0.99)(input) AS in_q,
      quantilesExactInclusiveIf(0.5, 0.95, 0.99)(e2e_ms, ok) AS e2e_q,
      ifNull(sum(${cost}), 0) AS cost
    FROM (
      SELECT coalesce(nullIf(${a('routefit.workload')}, ''), ServiceName) AS workload,
        transform(lower(${first('gen_ai.provider.name', 'gen_ai.system', 'llm.provider')}), ['gcp.gemini'], ['google'], lower(${first('gen_ai.provider.name', 'gen_ai.system', 'llm.provider')})) AS provider,
        ${first('gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name')} AS model,
        concat(provider, '/', model) AS route,
        toFloat64OrNull(${first('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt')}) AS n_in,
        toFloat64OrNull(${first('gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion')}) AS n_out,
        toInt64(n_in) AS input, toInt64(n_out) AS output,
        toInt64(ifNull(toFloat64OrNull(${first('gen_ai.usage.cache_read.input_tokens', 'llm.token_count.prompt_details.cache_read')}), 0)) AS cached,
        toInt64(ifNull(toFloat64OrNull(${first('gen_ai.usage.cache_creation.input_tokens')}), 0)) AS write,
        ${first('gen_ai.openai.response.service_tier')} AS tier,
        Duration / 1e6 AS e2e_ms,
        NOT (StatusCode IN ('Error', 'STATUS_CODE_ERROR') OR mapContains(SpanAttributes, 'error.type')) AS ok,
        ${a('gen_ai.operation.name')} AS op
      FROM ${table}
      WHERE isNotNull(model) AND op != 'invoke_agent' AND ${isCount('n_in')} AND ${isCount('n_out')} AND cached + write <= input)
    GROUP BY workload, route
    ORDER BY workload, route`;
}
