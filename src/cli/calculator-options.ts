/**
 * The flags of the calculator commands (cache-gate, goodput, size, margin, forecast, fine-tune,
 * multi-source, self-managed), each with its parser and range. One declaration for two surfaces: the
 * CLI registers them, the Studio's calculator views check what a user types with them, so a bad value
 * gets the same message in both. Browser-safe: no commander, no Node built-in.
 */
import { type GrowthScenario, parseScenario } from '../engine/decisions/forecast.js';
import { INTERCONNECTS, type Interconnect } from '../engine/capacity/disaggregation.js';
import { parseNumber } from './flags.js';
import { CliUsageError } from './io.js';
import { Opt, type OptionValues, opt } from './options.js';
import type { GoodputInput } from '../engine/measured/goodput.js';

// routefit cache-gate
export const CACHE_GATE_OPTIONS = {
  route: opt.string('--route <id>', 'per-token route with cached-input prices, e.g. anthropic/claude-sonnet-4.6').required(),
  ttl: opt.string('--ttl <ttl>', 'cache-write TTL: 5m or 1h').default('5m'),
  storagePerHour: opt.number('--storage-per-hour <usd>', 'storage, USD per million tokens per hour, where the provider charges it', { min: 0, max: 1000 }),
  storedHours: opt.number('--stored-hours <h>', 'hours each entry is kept and billed for storage (default: the TTL)', { min: 0, max: 8760 }),
  prefixTokens: opt.number('--prefix-tokens <n>', 'tokens in the cached prefix, for the dollar table (default 1,000,000)', { min: 1, max: 1e9 }),
  reads: opt.numbers('--reads <list>', 'read counts for the savings table', { min: 0, max: 1e9, integer: true }).default([0, 1, 2, 5, 10, 100], '0,1,2,5,10,100'),
  hitRate: opt.number('--hit-rate <h>', 'your hit rate on the cached prefix: which side of the gate it is on', { min: 0, max: 1, percent: true }),
  asOf: opt.asOf('prices in force on this date (YYYY-MM-DD)'),
};

// routefit goodput
const ms = (flags: string, d: string) => opt.number(flags, d, { min: 0, minExclusive: true, max: 3_600_000 });

export const GOODPUT_OPTIONS = {
  rps: opt.number('--rps <n>', 'requests per second', { min: 0, max: 1e9 }).required(),
  passRate: opt.number('--pass-rate <p>', 'quality pass rate (0-1 or 95%)', { min: 0, max: 1, percent: true }).required(),
  sloShare: opt.number('--slo-share <s>', 'share of requests meeting the TTFT and TPOT SLOs, when known', { min: 0, max: 1, percent: true }),
  ttftP50: ms('--ttft-p50 <ms>', 'TTFT p50, ms (with --ttft-p95 and --slo-ttft-ms)'),
  ttftP95: ms('--ttft-p95 <ms>', 'TTFT p95, ms'),
  sloTtftMs: ms('--slo-ttft-ms <ms>', 'TTFT SLO, ms'),
  tpotP50: ms('--tpot-p50 <ms>', 'time per output token p50, ms (with --tpot-p95 and --slo-tpot-ms)'),
  tpotP95: ms('--tpot-p95 <ms>', 'TPOT p95, ms'),
  sloTpotMs: ms('--slo-tpot-ms <ms>', 'TPOT SLO, ms'),
  costPerRequest: opt.number('--cost-per-request <usd>', 'cost per request, all attempts included (e.g. the raw $/req of `routefit compare`)', { min: 0, max: 1e6 }),
};

// routefit size
/** `--kv-link nvlink4` or a bandwidth in GB/s. */
function parseLink(text: string): { gbPerS: number; label: string } {
  const preset = INTERCONNECTS[text.trim().toLowerCase() as Interconnect];
  if (preset) return preset;
  if (/^[\d.eE+]+$/.test(text.trim())) return { gbPerS: parseNumber('--kv-link', text, { min: 0, minExclusive: true, max: 100_000 }), label: `${text.trim()} GB/s (given)` };
  throw new CliUsageError(`--kv-link is "${text}"; allowed ${Object.keys(INTERCONNECTS).join(', ')} or a bandwidth in GB/s (0 < value ≤ 100000)`);
}

const shapeInt = (flags: string, d: string) => opt.number(flags, d, { min: 1, max: 1_000_000, integer: true });

export const SIZE_OPTIONS = {
  model: opt.string('--model <id>', 'model id from catalog/models.yaml, e.g. llama-3.3-70b (or give the shape with --layers …)'),
  gpu: opt.string('--gpu <id>', 'GPU spec (h100-sxm) or SKU (lambda/h100-sxm); not needed with --kv-pool-gb'),
  context: opt.number('--context <tokens>', 'sequence length in tokens (prompt + output)', { min: 1, max: 10_000_000 }).required(),
  precision: opt.string('--precision <p>', 'weight precision: fp16, bf16, fp8, int8, int4 …'),
  weightBytes: opt.number('--weight-bytes <b>', 'bytes per weight, instead of --precision', { min: 0, minExclusive: true, max: 8 }),
  kvPrecision: opt.string('--kv-precision <p>', 'KV-cache precision (default: the weight precision)'),
  layers: shapeInt('--layers <n>', 'model shape without a catalog entry: transformer layers'),
  kvHeads: shapeInt('--kv-heads <n>', 'model shape: key/value heads (fewer than attention heads under GQA)'),
  headDim: shapeInt('--head-dim <n>', 'model shape: head dimension'),
  attentionHeads: shapeInt('--attention-heads <n>', 'model shape: attention heads (default: --kv-heads)'),
  params: opt.number('--params <n>', 'model shape: parameter count, e.g. 70.6e9', { min: 1e6, max: 1e14 }),
  activeParams: opt.number('--active-params <n>', 'model shape: parameters active per token (MoE; default --params)', { min: 1e6, max: 1e14 }),
  kvPoolGb: opt.number('--kv-pool-gb <gb>', 'size a raw KV pool of this many GB (no GPU needed): sequences that fit, Little\'s-law capacity', { min: 0, minExclusive: true, max: 1e7 }),
  batch: opt.number('--batch <n>', 'concurrent sequences', { min: 1, max: 1_000_000 }).default(1),
  gpus: opt.number('--gpus <n>', 'GPUs to size (default: the fewest that hold weights and batch)', { min: 1, max: 100_000 }),
  headroom: opt.number('--headroom <f>', 'share of HBM held back for activations and the runtime', { min: 0, max: 0.99, percent: true }).default(0.1),
  arrivalRate: opt.number('--arrival-rate <r/s>', "requests per second, for Little's law", { min: 0 }),
  latency: opt.number('--latency <s>', "average latency in seconds, for Little's law (alone: the requests/s the slots serve)", { min: 0 }),
  kvLink: new Opt<{ gbPerS: number; label: string }>('--kv-link <link>', `disaggregated prefill/decode: KV hand-off link, ${Object.keys(INTERCONNECTS).join(', ')} or GB/s`, parseLink),
  promptTokens: opt.number('--prompt-tokens <n>', 'disaggregation: prompt tokens whose KV is handed over (default --context)', { min: 1, max: 10_000_000 }),
  linkLatencyMs: opt.number('--link-latency-ms <ms>', 'disaggregation: fixed latency per hand-off', { min: 0, max: 10_000 }).default(0),
  specAlpha: opt.number('--spec-alpha <a>', 'speculative decoding: draft acceptance rate α', { min: 0, max: 0.999 }),
  specGamma: opt.number('--spec-gamma <g>', 'speculative decoding: draft length γ', { min: 1, max: 64 }).default(5),
  draftCost: opt.number('--draft-cost <r>', 'speculative decoding: draft cost per token relative to the target', { min: 0, max: 1 }).default(0.03),
};

// routefit margin
const usdOpt = (flags: string, d: string) => opt.number(flags, d, { min: 0, max: 1e12 });

export const MARGIN_OPTIONS = {
  traceCost: usdOpt('--trace-cost <usd>', 'token cost the traces price for the period').required(),
  accepted: opt.number('--accepted <n>', 'accepted units in the period', { min: 0, max: 1e15 }).required(),
  invoiceDelta: opt.number('--invoice-delta <usd>', 'invoice minus trace cost (negative when the invoice is lower)', { min: -1e12, max: 1e12 }).default(0),
  eval: usdOpt('--eval <usd>', 'eval/grader cost for the period (not given: not included)'),
  human: usdOpt('--human <usd>', 'human review and escalation cost for the period (not given: not included)'),
  ops: usdOpt('--ops <usd>', 'operational overhead for the period (not given: not included)'),
  revenuePerUnit: opt.number('--revenue-per-unit <usd>', 'revenue per accepted unit, for the margin', { min: 0, minExclusive: true, max: 1e9 }),
};

/** The margin command's flags as traceToMargin's inputs: an overhead counts only when its flag is given (cost-per-accepted.ts), none defaulted. */
export function marginInputsOf(v: { traceCost: number; accepted: number; invoiceDelta: number; eval?: number | undefined; human?: number | undefined; ops?: number | undefined; revenuePerUnit?: number | undefined }) {
  const terms = { eval: [v.eval, '--eval'], human: [v.human, '--human'], ops: [v.ops, '--ops'] } as const;
  const overheads = Object.fromEntries(Object.entries(terms).flatMap(([k, [usd, flag]]) => (usd === undefined ? [] : [[k, { usd, source: `${flag} flag` }]])));
  return { traceCostUsd: v.traceCost, deltaUsd: v.invoiceDelta, overheads, accepted: v.accepted, ...(v.revenuePerUnit !== undefined ? { revenuePerAccepted: v.revenuePerUnit } : {}) };
}

// routefit forecast
export const FORECAST_OPTIONS = {
  horizon: opt.number('--horizon <months>', 'planning horizon in months', { min: 1, max: 120, integer: true }).default(12),
  growth: new Opt<GrowthScenario>('--growth <scenario>', "flat, linear:10% (of today's volume per month), compound:5%, one-grows:WORKLOAD[:3]", parseScenario).default({ kind: 'flat' }, 'flat'),
  route: opt.string('--route <id>', "price every workload on this route (default: a fleet's current_route, else the workload's first route)"),
  budget: opt.number('--budget <usd>', 'total budget over the horizon: the month cumulative spend passes it', { min: 0, minExclusive: true }),
  monthlyBudget: opt.number('--monthly-budget <usd>', 'monthly budget: the first month spend passes it', { min: 0, minExclusive: true }),
  asOf: opt.asOf(),
};

// routefit fine-tune
export const FINE_TUNE_OPTIONS = {
  examples: opt.number('--examples <n>', 'training examples', { min: 0, max: 1e10 }).required(),
  tokensPerExample: opt.number('--tokens-per-example <n>', 'tokens per training example', { min: 0, max: 1e7 }).required(),
  baseParamsB: opt.number('--base-params-b <b>', 'base model size in billions of parameters (LoRA tiers to 100B)', { min: 0, minExclusive: true, max: 100 }).required(),
  epochs: opt.number('--epochs <n>', 'training epochs', { min: 0, minExclusive: true, max: 1000 }).default(1),
  method: opt.string('--method <m>', 'sft or dpo (DPO costs 2-3x SFT)').default('sft'),
  workload: opt.string('--workload <name>', 'with FILE: which workload, when the file holds several'),
  route: opt.string('--route <id>', 'with FILE: the route the workload runs on now (the LCPR before)'),
  loraRoute: opt.string('--lora-route <id>', 'with FILE: the route serving the adapter, e.g. fireworks/llama-8b-multi-lora (the LCPR after)'),
  lcpr: opt.number('--lcpr <usd>', 'without FILE: cost per accepted output before the fine-tune', { min: 0, max: 1e4 }),
  reduction: opt.number('--reduction <f>', 'without FILE: fractional reduction of the cost per accepted output (5%)', { min: 0, max: 1, percent: true }),
  acceptedPerDay: opt.number('--accepted-per-day <n>', 'without FILE: accepted outputs per day on the target workload', { min: 0, max: 1e12 }),
  iterationCost: opt.number('--iteration-cost <usd>', 'monthly data refresh, eval re-runs, drift monitoring, retraining', { min: 0, max: 1e9 }).default(0),
  asOf: opt.asOf(),
};

// routefit multi-source
export const MULTI_SOURCE_OPTIONS = {
  split: opt.repeatable('--split <route=share>', 'a provider route and its share of requests; repeat for each (shares sum to 1)'),
  cacheHit: opt.repeatable('--cache-hit <route=rate>', "a provider's own cache hit rate once traffic is split (independent prefix caches)"),
  errorDelta: opt.repeatable('--error-delta <route=delta>', "a provider's extra retry rate over the workload's"),
  baseline: opt.string('--baseline <route>', 'the single route the split replaces (default: the first --split route alone)'),
  routingOverhead: opt.number('--routing-overhead <usd>', 'monthly cost of the routing layer (gateway, health checks)', { min: 0, max: 1e9 }).default(0),
  overheadHours: opt.string('--overhead-hours <lo:hi>', 'engineering hours per month the second provider adds').default('8:16'),
  rate: opt.number('--rate <usd>', 'engineering hourly rate for the overhead', { min: 0, max: 10_000 }).default(100),
  workload: opt.string('--workload <name>', 'which workload, when the file holds several'),
  asOf: opt.asOf(),
};

// routefit self-managed
export const SELF_MANAGED_OPTIONS = {
  gpus: opt.number('--gpus <n>', 'fleet size in GPUs', { min: 1, max: 1_000_000, integer: true }).required(),
  self: opt.string('--self <sku>', 'GPU SKU you would run yourself, e.g. lambda/h100-sxm').required(),
  managed: opt.string('--managed <sku>', 'managed dedicated SKU, e.g. fireworks/h100').required(),
  fte: opt.number('--fte <n>', 'loaded FTE running the fleet (default 2: the on-call floor)', { min: 0, max: 1000 }),
  ftePerMonth: opt.number('--fte-per-month <usd>', 'loaded cost per FTE-month (default $30,000: Inference Economics Playbook, ch. 20)', { min: 0 }),
  hours: opt.number('--hours <h>', 'engineering hours per month instead of FTE', { min: 0 }),
  rate: opt.number('--rate <usd>', 'engineering hourly rate, with --hours', { min: 0 }),
  managedHours: opt.number('--managed-hours <h>', 'engineering hours per month the managed option still needs (at --rate, default $150/h)', { min: 0 }),
  targetTax: opt.number('--target-tax <f>', 'report the fleet at which the tax falls to this share (default 0.1)', { min: 0, minExclusive: true, max: 10 }),
  term: opt.string('--term <term>', 'price term of the self-managed SKU: on_demand (default), spot or a reserved term'),
  fleetByQuarter: opt.numbers('--fleet-by-quarter <list>', 'devolution check: fleet size in recent quarters, oldest first', { min: 0 }),
  onCall: opt.number('--on-call <n>', 'devolution check: engineers in the on-call rotation', { min: 0 }),
  seatOpenQuarters: opt.number('--seat-open-quarters <n>', 'devolution check: quarters a specialist seat has been open', { min: 0 }),
  majorsBehind: opt.number('--majors-behind <n>', 'devolution check: serving-engine major releases behind upstream', { min: 0 }),
  reviewEveryDays: opt.number('--review-every-days <n>', 'devolution check: days between quality-regression reviews', { min: 0, minExclusive: true }),
  asOf: opt.asOf('prices in force on this date (YYYY-MM-DD)'),
};

/** The goodput flags → the engine's input; the checks that span several flags (CLI and Studio alike). */
export function goodputInput(opts: OptionValues<typeof GOODPUT_OPTIONS>): GoodputInput {
  const ttft = spread('ttft', opts.ttftP50, opts.ttftP95, opts.sloTtftMs);
  const tpot = spread('tpot', opts.tpotP50, opts.tpotP95, opts.sloTpotMs);
  if (opts.sloShare !== undefined && (ttft || tpot)) throw new CliUsageError('give --slo-share or the latency percentiles with their SLOs, not both');
  const cost = opts.costPerRequest;
  return {
    requestsPerSecond: opts.rps,
    qualityPassRate: opts.passRate,
    ...(opts.sloShare !== undefined ? { sloShare: opts.sloShare } : {}),
    ...(ttft ? { ttft } : {}),
    ...(tpot ? { tpot } : {}),
    ...(cost !== undefined ? { costPerRequest: cost } : {}),
  };
}

function spread(name: string, p50: number | undefined, p95: number | undefined, slo: number | undefined) {
  const given = [p50, p95, slo].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3) throw new CliUsageError(`give --${name}-p50, --${name}-p95 and --slo-${name}-ms together`);
  if (p95! < p50!) throw new CliUsageError(`--${name}-p95 (${p95}) is below --${name}-p50 (${p50}); allowed p95 ≥ p50`);
  return { p50Ms: p50!, p95Ms: p95!, sloMs: slo! };
}

