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

/** The price list as literals: `p(field)` is the route's rate (NULL for a route the catalog cannot price). */
function priceLiterals(catalog) {
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
  return (field) => `transform(route, [${routes.map(q).join(', ')}], [${routes.map((r) => `toNullable(toFloat64(${num(price.get(r)[field])}))`).join(', ')}], NULL)`;
}

/** The cost of one span at its route's price (Inference Field Guide, Part 0), over columns input, cached, write, output, tier. */
function costSql(p) {
  const lc = `ifNull(input > ${p('lcThreshold')}, 0)`;
  const batch = `(tier = 'batch' AND isNotNull(${p('batchInput')}) AND isNotNull(${p('batchOutput')}) AND NOT ${lc})`;
  const inRate = `if(${lc}, ${p('lcInput')}, ${p('input')})`;
  const outRate = `if(${lc}, ${p('lcOutput')}, ${p('output')})`;
  const cachedRate = `coalesce(if(${lc}, ${p('lcCached')}, NULL), ${p('cachedInput')}, ${inRate})`;
  const scale = `if(${batch}, ifNull(${p('batchCacheFactor')}, 1), 1)`;
  return { batch, cost: `((input - cached - write) * if(${batch}, ${p('batchInput')}, ${inRate}) + cached * ${cachedRate} * ${scale} + write * coalesce(${p('cacheWrite5m')}, ${inRate}) * ${scale} + output * if(${batch}, ${p('batchOutput')}, ${outRate})) / 1000000` };
}

const a = (k) => `SpanAttributes[${q(k)}]`;
const first = (...ks) => `coalesce(${ks.map((k) => `nullIf(${a(k)}, '')`).join(', ')})`;
const isCount = (x) => `(isNotNull(${x}) AND isFinite(${x}) AND ${x} >= 0 AND ${x} = floor(${x}))`;

export function handWrittenSql(table, catalog) {
  const p = priceLiterals(catalog);
  const { cost } = costSql(p);
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

/**
 * The second hand-written baseline: every figure of `summarize --json` that is computed from the
 * spans (not derived from other figures in JS, not a constant of spans: no attempt numbers, quality
 * labels, TTFT, logged cost, fallbacks), written as an analyst would for this table, reading it in
 * place: (1) one pass grouped by workload × route over every span — the headline figures of
 * handWrittenSql plus the window, cache, batch, error, reasoning and output-quantile figures, the
 * priced/unpriced counts, the two rate flags, the workflows counted, and, per group, the spans that
 * are not GenAI model calls or break a row rule (counted by the first rule they break, in the
 * import's order) and the repeated response ids; (2) a second pass per workflow for the first call's
 * tokens (the token fan-out). The attribute names are those handWrittenSql reads, plus the workflow
 * (gen_ai.conversation.id, else the trace), the reasoning tokens and the tier asked for.
 */
export function handWrittenFullSql(table, catalog) {
  const p = priceLiterals(catalog);
  const { cost, batch } = costSql(p);
  const n = (x) => `toFloat64OrNull(${x})`;
  const count = (x) => `(${isCount(x)} AND ${x} <= 10000000000)`;
  // A token field given but not a count: negative first (the import's order), else unreadable.
  const bad = (raw, x, name) => [`startsWith(${raw}, '-') AND ifNull(${x} < 0, 0)`, `negative_${name}`, `isNotNull(${raw}) AND NOT ${count(x)}`, `bad_${name}`];
  const rules = [
    'isNull(model)', 'missing_model',
    'isNull(t_in)', 'missing_input_tokens',
    'isNull(t_out)', 'missing_output_tokens',
    ...bad('t_in', 'n_in', 'input_tokens'),
    ...bad('t_cached', 'n_cached', 'cached_input_tokens'),
    ...bad('t_write', 'n_write', 'cache_write_tokens'),
    ...bad('t_out', 'n_out', 'output_tokens'),
    ...bad('t_reasoning', 'n_reasoning', 'reasoning_tokens'),
    'ifNull(n_cached, 0) + ifNull(n_write, 0) > n_in', 'cached_exceeds_input',
    'ifNull(n_reasoning, 0) > n_out', 'reasoning_exceeds_output',
  ];
  const spans = `
      SELECT coalesce(nullIf(${a('routefit.workload')}, ''), ServiceName) AS workload,
        transform(lower(${first('gen_ai.provider.name', 'gen_ai.system', 'llm.provider')}), ['gcp.gemini'], ['google'], lower(${first('gen_ai.provider.name', 'gen_ai.system', 'llm.provider')})) AS provider,
        ${first('gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name')} AS model,
        concat(provider, '/', model) AS route,
        ${first('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt')} AS t_in,
        ${first('gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion')} AS t_out,
        ${first('gen_ai.usage.cache_read.input_tokens', 'llm.token_count.prompt_details.cache_read')} AS t_cached,
        ${first('gen_ai.usage.cache_creation.input_tokens')} AS t_write,
        ${first('gen_ai.usage.reasoning.output_tokens')} AS t_reasoning,
        ${n('t_in')} AS n_in, ${n('t_out')} AS n_out, ${n('t_cached')} AS n_cached, ${n('t_write')} AS n_write, ${n('t_reasoning')} AS n_reasoning,
        toInt64(n_in) AS input, toInt64(n_out) AS output,
        toInt64(ifNull(n_cached, 0)) AS cached, toInt64(ifNull(n_write, 0)) AS write, toInt64(ifNull(n_reasoning, 0)) AS reasoning,
        ${first('gen_ai.openai.response.service_tier')} AS tier,
        coalesce(nullIf(${a('gen_ai.conversation.id')}, ''), nullIf(TraceId, '')) AS workflow,
        coalesce(nullIf(${a('gen_ai.response.id')}, ''), SpanId) AS request_id,
        toUnixTimestamp64Micro(Timestamp) AS ts_us,
        Duration / 1e6 AS e2e_ms,
        NOT (StatusCode IN ('Error', 'STATUS_CODE_ERROR') OR mapContains(SpanAttributes, 'error.type')) AS ok,
        ${a('gen_ai.operation.name')} AS op,
        (isNotNull(model) OR isNotNull(t_in)) AND op NOT IN ('invoke_agent', 'create_agent', 'execute_tool') AS genai,
        if(genai, multiIf(${rules.map((x, i) => (i % 2 ? q(x) : x)).join(', ')}, ''), '-') AS rule
      FROM ${table}`;
  const kept = "rule = ''";
  const groups = `
    SELECT workload, route,
      countIf(${kept}) AS requests, sumIf(input, ${kept}) AS input_tokens, sumIf(output, ${kept}) AS output_tokens,
      quantilesExactInclusiveIf(0.5, 0.95, 0.99)(input, ${kept}) AS in_q,
      quantilesExactInclusiveIf(0.5, 0.95, 0.99)(output, ${kept}) AS out_q,
      quantilesExactInclusiveIf(0.5, 0.95, 0.99)(e2e_ms, ${kept} AND ok) AS e2e_q,
      ifNull(sumIf(${cost}, ${kept}), 0) AS cost,
      (maxIf(ts_us, ${kept}) - minIf(ts_us, ${kept})) / 1e6 AS span_s,
      sumIf(cached, ${kept}) AS cached_tokens, sumIf(write, ${kept}) AS write_tokens, sumIf(reasoning, ${kept}) AS reasoning_tokens,
      countIf(${kept} AND cached > 0) AS cache_hits, countIf(${kept} AND tier = 'batch') AS batch_n, countIf(${kept} AND NOT ok) AS errors,
      sumIf(e2e_ms, ${kept}) AS e2e_sum,
      countIf(${kept} AND isNotNull(${p('input')})) AS priced,
      countIf(${kept} AND isNotNull(${p('input')}) AND cached > 0 AND isNull(${p('cachedInput')})) AS cached_at_input_rate,
      countIf(${kept} AND isNotNull(${p('input')}) AND tier = 'batch' AND NOT ${batch}) AS batch_at_standard_rate,
      uniqExactIf(workflow, ${kept} AND isNotNull(workflow)) AS workflows, countIf(${kept} AND isNotNull(workflow)) AS calls,
      sumIf(input + output, ${kept} AND isNotNull(workflow)) AS workflow_tokens,
      countIf(${kept}) - uniqExactIf(request_id, ${kept}) AS repeated,
      count() AS spans, countIf(rule = '-') AS skipped, sumMapIf([rule], [toUInt64(1)], rule NOT IN ('', '-')) AS excluded
    FROM (${spans})
    GROUP BY workload, route
    ORDER BY workload, route`;
  const workflows = `
    SELECT workload, route, sum(first_tokens) AS first_tokens
    FROM (
      SELECT workload, route, workflow, argMin(input + output, ts_us) AS first_tokens
      FROM (${spans})
      WHERE ${kept} AND isNotNull(workflow)
      GROUP BY workload, route, workflow)
    GROUP BY workload, route
    ORDER BY workload, route`;
  return { groups, workflows };
}
