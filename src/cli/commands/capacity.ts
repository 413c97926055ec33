import { type Command, Option as CliOption } from 'commander';
import { findGpuSpec, findModel, findRoute, pointAt } from '../../catalog/lookup.js';
import { resolveRoute } from '../../catalog/resolve.js';
import type { Catalog } from '../../catalog/types.js';
import { dedicatedBreakeven, managedCrossover } from '../../engine/breakeven.js';
import { valueOf, sourced } from '../../engine/evidence.js';
import { RoutefitError } from '../../engine/errors.js';
import { type GpuRouteSpec, type RouteSpec, type Step, type TokenRouteSpec, computeLcpr } from '../../engine/lcpr.js';
import { precisionBytes, sizeModel, littlesLaw } from '../../engine/sizing.js';
import { speculativeDecoding } from '../../engine/speculative-decoding.js';
import { overheadPerDay, selfHostingTco } from '../../engine/tco.js';
import { type TrafficPattern, patternFromHourly, patternPreset } from '../../engine/traffic.js';
import { estimatedGoodputPerHour, evaluateShape } from '../../engine/utilization-gate.js';
import { type FleetHealth, type Overhead, devolutionSignals, managedVsSelfManaged } from '../../engine/self-managed.js';
import { HOURS_PER_MONTH } from '../../engine/units.js';
import { readHourlyCsv } from '../../io/hourly-csv.js';
import { loadTcoFile } from '../../io/tco-file.js';
import { DEFAULTS } from '../../workload/defaults.js';
import { count, percent, ratio, table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog, parseDate, priceFile } from './shared.js';

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** A numeric flag: parsed strictly, range-checked, never NaN. */
function num(flag: string, v: string | undefined, range: { min?: number; max?: number; minExclusive?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim().endsWith('%') ? Number(v.trim().slice(0, -1)) / 100 : v);
  const ok =
    v.trim() !== '' &&
    Number.isFinite(n) &&
    (range.min === undefined || (range.minExclusive ? n > range.min : n >= range.min)) &&
    (range.max === undefined || n <= range.max);
  if (!ok) {
    const lo = range.min === undefined ? '' : `${range.min} ${range.minExclusive ? '<' : '≤'} `;
    const hi = range.max === undefined ? '' : ` ≤ ${range.max}`;
    throw new CliUsageError(`${flag} must be a number (${lo}value${hi}); got "${v}"`);
  }
  return n;
}

const fmtTokens = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : count(n));
const stepLines = (steps: Step[]) =>
  steps.map((s) => `  ${s.label}: ${s.formula}\n    = ${s.expression} = ${s.unit.startsWith('USD') ? usd(s.value, 2) : s.value.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${s.unit.startsWith('USD') ? s.unit.slice(3).trim() : s.unit}  [${s.cite}]`);

function today(io: Io, asOf: string | undefined) {
  return parseDate('--as-of', asOf) ?? io.today;
}

// ---------------------------------------------------------------- breakeven
interface BreakevenOpts {
  gpu: string;
  vs: string;
  utilization?: string;
  serves?: string;
  precision?: string;
  throughput?: string;
  term?: string;
  responseTokens?: string;
  asOf?: string;
  json?: boolean;
  catalog?: string;
}

/** The GPU route for break-even: catalog price; throughput from --throughput, --serves, or the spec's reference figure. */
function gpuRoute(catalog: Catalog, id: string, asOf: string, o: { serves?: string; precision?: string; throughput?: string; term?: string }, vsModels: string[]): { spec: GpuRouteSpec; assumedServes?: string } {
  const throughput = num('--throughput', o.throughput, { min: 0, minExclusive: true });
  let serves = o.serves;
  let assumedServes: string | undefined;
  const entry = findRoute(catalog, id);
  if (entry.kind !== 'gpu') throw new CliUsageError(`--gpu ${id} is a per-token route; give a GPU SKU such as lambda/h100-sxm (see \`routefit catalog list --mode self_managed\`)`);
  if (throughput === undefined && serves === undefined) {
    const figures = entry.spec ? catalog.gpuSpecs.get(entry.spec)?.throughput ?? [] : [];
    const match = figures.find((f) => vsModels.includes(f.serves)) ?? figures[0];
    if (!match) throw new CliUsageError(`${id} has no throughput figure in the catalog: pass --throughput (measured output tokens/s of one instance)`);
    serves = match.serves;
    assumedServes = match.serves;
  }
  const spec = resolveRoute(
    catalog,
    { id, asOf, ...(serves ? { serves } : {}), ...(o.precision ? { precision: o.precision } : {}), ...(throughput !== undefined ? { throughputTokensPerSecond: { value: throughput, evidence: 'measured', source: '--throughput' } } : {}), ...(o.term ? { term: o.term } : {}) },
    { utilization: DEFAULTS.utilization },
  );
  if (spec.billing !== 'gpu') throw new CliUsageError(`--gpu ${id} is a per-token route; give a GPU SKU such as lambda/h100-sxm (see \`routefit catalog list --mode self_managed\`)`);
  return { spec, ...(assumedServes ? { assumedServes } : {}) };
}

function tokenRoute(catalog: Catalog, id: string, asOf: string): TokenRouteSpec {
  const spec = resolveRoute(catalog, { id, asOf }, { utilization: DEFAULTS.utilization });
  if (spec.billing !== 'tokens') throw new CliUsageError(`--vs ${id} is a GPU route; give a per-token route such as together/deepseek-v3`);
  if (!spec.price.output) throw new RoutefitError('missing_price', `${id} has no output price on ${asOf}`, { field: 'price.output' });
  return spec;
}

export function breakevenCommand(opts: BreakevenOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const asOf = today(io, opts.asOf);
  const utilization = num('--utilization', opts.utilization, { min: 0, minExclusive: true, max: 1 });
  const lengths = (opts.responseTokens ?? '30,300').split(',').map((s) => num('--response-tokens', s, { min: 0, minExclusive: true })!);
  const vsIds = opts.vs.split(',').map((s) => s.trim()).filter(Boolean);
  if (!vsIds.length) throw new CliUsageError('--vs needs at least one per-token route');
  const vs = vsIds.map((id) => tokenRoute(catalog, id, asOf));
  const vsModels = vs.map((v) => {
    const e = findRoute(catalog, v.id);
    return e.kind === 'tokens' ? e.model : '';
  });
  const { spec: gpu, assumedServes } = gpuRoute(catalog, opts.gpu, asOf, opts, vsModels);
  const results = vs.map((v) => {
    const b = dedicatedBreakeven({
      gpuHourly: gpu.gpuHourly,
      throughputTokensPerSecond: gpu.throughputTokensPerSecond,
      serverlessOutputPerMillion: v.price.output!,
      ...(utilization !== undefined ? { utilization } : {}),
      responseTokens: lengths,
    });
    const crossover = managedCrossover(valueOf(gpu.gpuHourly), v.price.output!.value, valueOf(gpu.throughputTokensPerSecond));
    return { route: v.id, outputPerMillion: v.price.output!, breakeven: b, crossover };
  });
  if (opts.json) {
    io.out(JSON.stringify({ asOf, gpu: { route: gpu.id, hourly: sourced(gpu.gpuHourly), throughputTokensPerSecond: sourced(gpu.throughputTokensPerSecond), serves: gpu.serves ?? null, provenance: gpu.provenance }, ...(utilization !== undefined ? { utilization } : {}), results }, null, 2) + '\n');
    return EXIT_OK;
  }
  const thr = sourced(gpu.throughputTokensPerSecond);
  const first = results[0]!.breakeven;
  const lines: string[] = [];
  lines.push(`${gpu.id}: ${usd(valueOf(gpu.gpuHourly), 2)}/h = ${usd(first.monthlyGpuCost)}/month; ${count(thr.value)} output tok/s = ${fmtTokens(first.fullUtilizationTokensPerDay)} tokens/day at 100% — priced as of ${asOf}`);
  lines.push(`  throughput: ${thr.evidence}, ${thr.source ?? 'flag'}${assumedServes ? ` (assumed: serving ${assumedServes}; pass --serves or --throughput for your model)` : ''}`);
  lines.push('');
  const head = ['Versus', 'Output $/M', 'Break-even/day', 'Needs util', 'Saturated h/day', 'Crossover tok/min'];
  if (utilization !== undefined) head.push(`÷${percent(utilization, 0)} (seed)`, `Cost ×@${percent(utilization, 0)}`);
  lines.push(
    table(
      head,
      results.map((r) => {
        const b = r.breakeven;
        const row = [r.route, usd(r.outputPerMillion.value, 2), fmtTokens(b.breakevenTokensPerDay), percent(b.requiredUtilization), b.saturatedHoursPerDay.toFixed(1), count(r.crossover.outputTokensPerMinute)];
        if (utilization !== undefined) row.push(fmtTokens(b.breakevenAtUtilizationTokensPerDay!), ratio(b.costMultipleAtUtilization!));
        return row;
      }),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  lines.push('');
  lines.push('Break-even in requests per day (at 100% / at the planned utilization):');
  for (const r of results) {
    lines.push(`  ${r.route}: ${r.breakeven.requestsPerDay.map((q) => `${count(q.atFull)}${q.atUtilization !== undefined ? ` / ${count(q.atUtilization)}` : ''} at ${q.responseTokens} tokens`).join('; ')}`);
  }
  const notes = results.flatMap((r) => [...r.breakeven.notes, ...r.crossover.notes].map((n) => `  ${r.route}: ${n}`));
  if (notes.length) lines.push('', 'Notes:', ...notes);
  if (utilization !== undefined) {
    lines.push('', `The "÷${percent(utilization, 0)}" column is seed 000 Part 1's figure (break-even ÷ utilization). It is not a volume at which a GPU at that utilization breaks even: at a fixed utilization dedicated costs "Cost ×" serverless at every volume. The GPU breaks even when it runs at "Needs util" (docs/capacity.md).`);
  }
  lines.push('', 'Working:', ...stepLines(results[0]!.breakeven.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

// ---------------------------------------------------------------- dedicated
interface DedicatedOpts {
  pattern?: string;
  patternCsv?: string;
  serverless?: string;
  serverlessCost?: string;
  gpu?: string;
  goodput?: string;
  opsPerHour?: string;
  minReplicas?: string;
  maxUtilization?: string;
  coldStartMinutes?: string;
  minBillingMinutes?: string;
  workload?: string;
  asOf?: string;
  json?: boolean;
  catalog?: string;
}

export function dedicatedCommand(file: string, opts: DedicatedOpts, io: Io): number {
  if (opts.pattern && opts.patternCsv) throw new CliUsageError('give --pattern or --pattern-csv, not both');
  const priced = priceFile(file, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) }, io.today);
  const chosen = opts.workload ? priced.find((p) => p.prepared.name === opts.workload) : priced[0];
  if (!chosen) throw new CliUsageError(`--workload ${opts.workload}: the file has ${priced.map((p) => p.prepared.name).join(', ')}`);
  if (!opts.workload && priced.length > 1) throw new CliUsageError(`the file holds ${priced.length} workloads; say which with --workload (${priced.map((p) => p.prepared.name).join(', ')})`);
  const { prepared, comparison } = chosen;
  const profile = prepared.profile;
  const routes: RouteSpec[] = prepared.routes;
  const pick = <T extends RouteSpec>(flag: string, id: string | undefined, billing: T['billing'], fallback: () => T | undefined): T => {
    if (id) {
      const r = routes.find((x) => x.id === id || x.label === id);
      if (!r) throw new CliUsageError(`${flag} ${id} is not a route of ${prepared.name} (routes: ${routes.map((x) => x.id).join(', ')})`);
      if (r.billing !== billing) throw new CliUsageError(`${flag} ${id} is a ${r.billing === 'gpu' ? 'GPU' : 'per-token'} route`);
      return r as T;
    }
    const f = fallback();
    if (!f) throw new CliUsageError(`${prepared.name} has no ${billing === 'gpu' ? 'GPU route (add e.g. lambda/h100-sxm with serves:)' : 'per-token route to compare with'}`);
    return f;
  };
  const gpu = pick<GpuRouteSpec>('--gpu', opts.gpu, 'gpu', () => routes.find((r): r is GpuRouteSpec => r.billing === 'gpu'));
  // Default serverless side: the cheapest per-token route by LCPR in the file.
  const serverless = pick<TokenRouteSpec>('--serverless', opts.serverless, 'tokens', () => {
    const best = comparison.routes.find((r) => r.billing === 'tokens');
    return best ? (routes.find((r) => r.id === best.route) as TokenRouteSpec) : undefined;
  });

  const v = (q: Parameters<typeof valueOf>[0]) => valueOf(q);
  const retry = v(profile.retryRate);
  const pass = v(profile.qualityPassRate);
  const measuredGoodput = num('--goodput', opts.goodput, { min: 0, minExclusive: true });
  const goodput = measuredGoodput !== undefined
    ? { value: measuredGoodput, evidence: 'measured' as const, source: '--goodput' }
    : {
        value: estimatedGoodputPerHour({ throughputTokensPerSecond: v(gpu.throughputTokensPerSecond), outputTokens: v(profile.outputTokens), inputTokens: v(profile.inputTokens), prefillEfficiency: v(gpu.prefillEfficiency), retryRate: retry, qualityPassRate: pass }),
        evidence: 'estimated' as const,
        source: 'throughput × 3,600 ÷ (tokens per attempt × (1 + retry)) × pass rate — measure it (seed 001 ch. 18)',
      };

  // The traffic shape in replica units.
  let pattern: TrafficPattern;
  if (opts.pattern) pattern = patternPreset(opts.pattern);
  else if (opts.patternCsv) pattern = patternFromHourly(`hourly requests from ${opts.patternCsv}`, readHourlyCsv(opts.patternCsv).map((r) => r * pass), goodput.value);
  else {
    const perHour = (v(profile.requestsPerMonth) * pass) / HOURS_PER_MONTH;
    pattern = { label: `flat: ${count(v(profile.requestsPerMonth))} requests/month spread evenly (give --pattern or --pattern-csv for the real shape)`, replicaLoad: Array(168).fill(perHour / goodput.value) };
  }
  const acceptedPerMonth = (pattern.replicaLoad.reduce((a, b) => a + b, 0) * HOURS_PER_MONTH * goodput.value) / pattern.replicaLoad.length;
  const requestsPerMonth = acceptedPerMonth / pass;

  // C_serverless: the serverless route's LCPR at the pattern's volume (or measured from traces).
  const measuredCs = num('--serverless-cost', opts.serverlessCost, { min: 0, minExclusive: true });
  const lcpr = requestsPerMonth > 0 ? computeLcpr({ ...profile, requestsPerMonth }, serverless) : undefined;
  const cs = measuredCs !== undefined
    ? { value: measuredCs, evidence: 'measured' as const, source: '--serverless-cost' }
    : lcpr
      ? { value: lcpr.lcpr, evidence: 'derived' as const, source: `LCPR of ${serverless.id} at ${count(requestsPerMonth)} requests/month` }
      : undefined;
  if (!cs) throw new CliUsageError('the traffic pattern carries no requests: nothing to compare');

  const catalog = openCatalog(opts.catalog);
  let gpusPerReplica = 1;
  let skuBillingMinutes: number | undefined;
  try {
    const e = findRoute(catalog, gpu.id);
    if (e.kind === 'gpu') {
      gpusPerReplica = e.gpusPerInstance;
      skuBillingMinutes = e.minBillingMinutes;
    }
  } catch {
    // A GPU route priced entirely in the workload file has no catalog entry: one GPU per replica.
  }
  const minReplicas = num('--min-replicas', opts.minReplicas, { min: 0, max: 10_000 }) ?? 1;
  if (!Number.isInteger(minReplicas)) throw new CliUsageError(`--min-replicas must be a whole number; got "${opts.minReplicas}"`);
  const minBilling = num('--min-billing-minutes', opts.minBillingMinutes, { min: 0, max: 1440 }) ?? skuBillingMinutes ?? 0;
  const result = evaluateShape(
    {
      gpuHourly: gpu.gpuHourly,
      opsPerHour: { value: num('--ops-per-hour', opts.opsPerHour, { min: 0 }) ?? 0, evidence: opts.opsPerHour ? 'estimated' : 'assumed', source: opts.opsPerHour ? '--ops-per-hour' : 'default 0: pass --ops-per-hour (seed 001 ch. 18 uses $0.50/h)' },
      minReplicas,
      goodputPerHour: goodput,
      serverlessCostPerAccepted: cs,
    },
    pattern,
    {
      maxUtilization: num('--max-utilization', opts.maxUtilization, { min: 0, minExclusive: true, max: 1 }) ?? 1,
      coldStartMinutes: num('--cold-start-minutes', opts.coldStartMinutes, { min: 0, max: 1440 }) ?? 0,
      minBillingMinutes: minBilling,
      gpusPerReplica,
    },
  );
  const notes = [...result.notes];
  const fileRequests = v(profile.requestsPerMonth);
  if (Math.abs(requestsPerMonth - fileRequests) / fileRequests > 0.05) {
    notes.push(`the pattern carries ${count(requestsPerMonth)} requests/month; the workload file says ${count(fileRequests)}: costs follow the pattern`);
  }
  if (measuredCs === undefined) notes.push(`C_serverless is ${serverless.id}'s LCPR, which carries the workload's repair and engineering costs; put the dedicated side's own operations in --ops-per-hour so both sides are loaded alike`);
  if (measuredGoodput === undefined) notes.push(`goodput ${count(goodput.value)} accepted/replica-hour is estimated from ${count(v(gpu.throughputTokensPerSecond))} tok/s; measure it under your SLO and pass --goodput`);

  if (opts.json) {
    io.out(JSON.stringify({ file, workload: prepared.name, asOf: prepared.asOf, gpuRoute: gpu.id, serverlessRoute: serverless.id, requestsPerMonth, ...result, notes }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines: string[] = [];
  lines.push(`${prepared.name}: ${gpu.id} (${usd(v(gpu.gpuHourly), 2)}/h per replica, ${gpusPerReplica} GPU each) vs ${serverless.id} — priced as of ${prepared.asOf}`);
  lines.push(`Traffic: ${result.pattern}`);
  lines.push(`  ${count(result.volumePerMonth)} accepted/month over ${count(result.activeHoursPerMonth)} active hours; load in replicas (1 = one replica's goodput): average ${result.averageLoad.toFixed(2)}, peak ${result.peakLoad.toFixed(2)}, trough ${result.troughLoad.toFixed(2)}`);
  lines.push(`Goodput G_slo: ${count(goodput.value)} accepted/replica-hour (${goodput.evidence}); serverless cost C_serverless: ${usd(cs.value, 4)}/accepted (${cs.evidence}: ${cs.source})`);
  lines.push(`Break-even utilization u_required: ${percent(result.gate.uRequired)} — dedicated at R_min costs ${usd(result.gate.dedicatedMonthly)}/month`);
  lines.push('');
  lines.push(
    table(
      ['Option', 'Replicas', 'GPUs', 'Avg util', 'Trough util', 'Dedicated', 'Ops', 'Warm-up', 'Serverless', 'Monthly'],
      result.options.map((o) => [
        o.label,
        String(o.replicas),
        String(o.gpus),
        o.averageUtilization === null ? '—' : percent(o.averageUtilization, 0),
        o.troughUtilization === null ? '—' : percent(o.troughUtilization, 0),
        usd(o.parts.dedicated),
        usd(o.parts.ops),
        usd(o.parts.warmup),
        usd(o.parts.serverless),
        usd(o.monthlyCost),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  lines.push('');
  const c = result.cheapest;
  lines.push(`Cheapest: ${c.label} at ${usd(c.monthlyCost)}/month${c.replicas ? ` (${c.gpus} GPU(s) at ${c.averageUtilization === null ? '—' : percent(c.averageUtilization, 0)} average utilization)` : ''}.`);
  lines.push(`Hybrid curve (base replicas → monthly): ${result.hybridCurve.map((h) => `${h.replicas} → ${usd(h.monthlyCost)}`).join(', ')}`);
  if (notes.length) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  lines.push('', 'Working:', ...stepLines(result.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

// ---------------------------------------------------------------- size
interface SizeOpts {
  model: string;
  gpu: string;
  context: string;
  precision: string;
  kvPrecision?: string;
  batch?: string;
  gpus?: string;
  headroom?: string;
  arrivalRate?: string;
  latency?: string;
  specAlpha?: string;
  specGamma?: string;
  draftCost?: string;
  json?: boolean;
  catalog?: string;
}

export function sizeCommand(opts: SizeOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const model = findModel(catalog, opts.model);
  const { spec, sku } = findGpuSpec(catalog, opts.gpu);
  if (!spec.hardware) throw new RoutefitError('invalid_input', `GPU spec ${spec.id} has no hardware figures in the catalog (hbm_gb, memory_bandwidth_tb_s, dense_bf16_tflops)`, { field: 'gpu' });
  const hw = spec.hardware;
  const weightBytes = precisionBytes(opts.precision);
  const kvBytes = precisionBytes(opts.kvPrecision ?? opts.precision);
  const fp8 = ['fp8', 'int8', 'int4', 'fp4'].includes(opts.precision.toLowerCase()) && hw.denseFp8Tflops !== undefined;
  const gpuShape = { hbmGb: hw.hbmGb, bandwidthTbPerS: hw.memoryBandwidthTbPerS, denseTflops: fp8 ? hw.denseFp8Tflops! : hw.denseBf16Tflops };
  const context = num('--context', opts.context, { min: 1, max: 10_000_000 })!;
  const batch = num('--batch', opts.batch, { min: 1, max: 1_000_000 }) ?? 1;
  const headroom = num('--headroom', opts.headroom, { min: 0, max: 0.99 }) ?? 0.1;
  const shape = { parameters: model.parameters, activeParameters: model.activeParameters, layers: model.layers, attentionHeads: model.attentionHeads, kvHeads: model.kvHeads, headDim: model.headDim };
  const base = { model: shape, gpu: gpuShape, weightBytes, kvBytes, context, batch, headroom };
  const perSku = sku?.gpusPerInstance ?? 1;
  const explicit = num('--gpus', opts.gpus, { min: 1, max: 100_000 });
  // Without --gpus: the smallest whole number of GPUs (or SKU instances) that holds weights plus the batch.
  const needed = sizeModel({ ...base, gpus: 1 }).gpusForBatch;
  const gpus = explicit ?? Math.ceil(needed / perSku) * perSku;
  const s = sizeModel({ ...base, gpus });
  if ((opts.arrivalRate === undefined) !== (opts.latency === undefined)) throw new CliUsageError("give --arrival-rate and --latency together (Little's law needs both)");
  const concurrency =
    opts.arrivalRate !== undefined && opts.latency !== undefined
      ? littlesLaw(num('--arrival-rate', opts.arrivalRate, { min: 0 })!, num('--latency', opts.latency, { min: 0 })!)
      : undefined;
  const spec_ =
    opts.specAlpha !== undefined
      ? speculativeDecoding(num('--spec-alpha', opts.specAlpha, { min: 0, max: 0.999 })!, num('--spec-gamma', opts.specGamma ?? '5', { min: 1, max: 64 })!, num('--draft-cost', opts.draftCost ?? '0.03', { min: 0, max: 1 })!, batch)
      : undefined;
  const notes = [...s.notes];
  if (model.notes) notes.push(model.notes);
  if (explicit === undefined) notes.push(`${gpus} GPU(s): the fewest${perSku > 1 ? ` (${perSku}-GPU instances of ${sku!.id})` : ''} whose memory holds the weights and batch ${batch} at ${count(context)} tokens; set --gpus to size another fleet`);
  if (concurrency !== undefined && concurrency > s.maxConcurrentSequences) {
    notes.push(`Little's law puts ${count(concurrency)} requests in flight, more than the ${count(s.maxConcurrentSequences)} sequences that fit: they queue, or you need more GPUs`);
  }
  if (opts.json) {
    io.out(JSON.stringify({ model, gpu: { spec: spec.id, ...(sku ? { sku: sku.id } : {}), hardware: hw, computeTflops: gpuShape.denseTflops }, gpus, context, batch, precision: opts.precision, kvPrecision: opts.kvPrecision ?? opts.precision, ...s, notes, ...(concurrency !== undefined ? { concurrentRequests: concurrency } : {}), ...(spec_ ? { speculativeDecoding: spec_ } : {}) }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines = [
    `${model.name} on ${gpus} × ${spec.id} (${hw.hbmGb} GB, ${hw.memoryBandwidthTbPerS} TB/s, ${gpuShape.denseTflops} dense ${fp8 ? 'FP8' : 'BF16'} TFLOPS each) — ${opts.precision} weights, ${opts.kvPrecision ?? opts.precision} KV, context ${count(context)}, batch ${batch}`,
    `  model: ${model.layers} layers, ${model.attentionHeads} attention heads, ${model.kvHeads} KV heads${s.groupedQueryAttention ? ' (grouped-query attention)' : ''}, head_dim ${model.headDim}, ${(model.parameters / 1e9).toFixed(1)}B parameters${model.activeParameters !== model.parameters ? ` (${(model.activeParameters / 1e9).toFixed(1)}B active)` : ''} — ${model.source}`,
    '',
    table(
      ['Quantity', 'Value'],
      [
        ['Weights', `${s.weightsGb.toFixed(1)} GB`],
        ['KV cache per sequence', `${s.kvPerSequenceGb.toFixed(3)} GB`],
        [`KV cache at batch ${batch}`, `${s.kvAtBatchGb.toFixed(1)} GB`],
        [`Usable HBM (${percent(headroom, 0)} headroom)`, `${s.usableGb.toFixed(1)} of ${s.hbmGb.toFixed(0)} GB`],
        ['Max concurrent sequences', count(s.maxConcurrentSequences)],
        ['GPUs to hold weights + batch', String(s.gpusForBatch)],
        [`Decode ceiling (${s.decode.bound}-bound)`, `${count(s.decode.tokensPerSecond)} tok/s (${s.decode.stepMs.toFixed(1)} ms/step)`],
        ['Prefill ceiling (compute-bound)', `${count(s.prefill.tokensPerSecond)} tok/s`],
        ...(concurrency !== undefined ? [["Little's law: requests in flight", count(concurrency)]] : []),
        ...(spec_ ? [['Speculative decoding', `${spec_.expectedTokensPerStep.toFixed(2)} tokens/step for ${spec_.costMultiplier.toFixed(2)}x cost = ${spec_.netSpeedup.toFixed(2)}x (single request)`]] : []),
      ],
      ['left', 'right'],
    ),
  ];
  const allNotes = [...notes, ...(spec_?.notes ?? [])];
  if (allNotes.length) lines.push('', 'Notes:', ...allNotes.map((n) => `  ${n}`));
  lines.push('', 'Working:', ...stepLines(s.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

// ---------------------------------------------------------------- tco
interface TcoOpts {
  asOf?: string;
  json?: boolean;
  catalog?: string;
}

export function tcoCommand(file: string, opts: TcoOpts, io: Io): number {
  const f = loadTcoFile(file);
  const asOf = parseDate('--as-of', opts.asOf) ?? f.as_of ?? io.today;
  const needCatalog = f.serverless_route !== undefined || f.instance.sku !== undefined;
  const catalog = needCatalog ? openCatalog(opts.catalog) : undefined;
  let serverlessPerMillion = f.serverless_per_million;
  let serverlessSource = 'the TCO file';
  if (serverlessPerMillion === undefined) {
    const r = tokenRoute(catalog!, f.serverless_route!, asOf);
    serverlessPerMillion = r.price.output!.value;
    serverlessSource = `${r.id} output price (${r.provenance?.source ?? 'catalog'})`;
  }
  const i = f.instance;
  let onDemand = i.on_demand_hourly;
  let reserved = i.reserved_hourly;
  let instanceName = i.name ?? i.sku ?? 'instance';
  if (i.sku) {
    const e = findRoute(catalog!, i.sku);
    if (e.kind !== 'gpu') throw new CliUsageError(`instance.sku ${i.sku} is a per-token route; give a GPU SKU`);
    const point = pointAt(e, asOf);
    onDemand ??= point.sheet.onDemand?.value;
    if (reserved === undefined && i.reserved_term) {
      const r = point.sheet.reserved.find((x) => x.term === i.reserved_term);
      if (!r) throw new RoutefitError('missing_price', `${e.id} has no reserved term "${i.reserved_term}" on ${asOf} (terms: ${point.sheet.reserved.map((x) => x.term).join(', ') || 'none'})`, { field: 'instance.reserved_term' });
      reserved = r.hourly.value;
    }
    instanceName = i.name ?? e.name;
  }
  if (onDemand === undefined) throw new CliUsageError(`${file}: instance needs on_demand_hourly (or a sku with an on-demand price)`);
  const tokensPerDay = i.tokens_per_day ?? i.throughput_tokens_per_second! * 86_400 * (i.utilization ?? 1);
  const overhead = f.overhead_per_year ? overheadPerDay(f.overhead_per_year) : undefined;
  const tco = selfHostingTco({
    serverlessPerMillion,
    onDemandHourly: onDemand,
    ...(reserved !== undefined ? { reservedHourly: reserved } : {}),
    instanceTokensPerDay: tokensPerDay,
    ...(overhead ? { overheadPerDay: overhead.perDay } : {}),
    dailyOutputTokens: f.daily_output_tokens,
  });
  if (opts.json) {
    io.out(JSON.stringify({ file, asOf, serverlessPerMillion, serverlessSource, instance: { name: instanceName, onDemandHourly: onDemand, reservedHourly: reserved ?? null, tokensPerDay }, overhead: overhead ?? null, ...tco }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines = [
    `${f.name ?? file}: ${instanceName} (${usd(onDemand, 2)}/h on demand${reserved !== undefined ? `, ${usd(reserved, 2)}/h reserved` : ''}, ${fmtTokens(tokensPerDay)} output tokens per instance-day) vs serverless ${usd(serverlessPerMillion, 2)}/M — ${serverlessSource}`,
    overhead ? `Overhead: ${usd(overhead.perYear)}/year = ${usd(overhead.perDay, 2)}/day (${Object.entries(f.overhead_per_year!).map(([k, v]) => `${k} ${usd(v)}`).join(', ')})` : 'Overhead: none given — raw compute only (seed 003: "Daily compute cost is not TCO")',
    '',
    table(
      ['Daily output', 'Instances', 'Serverless', 'On-demand', ...(reserved !== undefined ? ['Reserved'] : []), ...(overhead ? ['+ Overhead', 'Total (best)'] : []), 'Verdict'],
      tco.rows.map((r) => [
        fmtTokens(r.dailyOutputTokens),
        String(r.instances),
        usd(r.serverless, 2),
        usd(r.onDemand, 2),
        ...(reserved !== undefined ? [usd(r.reserved!, 2)] : []),
        ...(overhead ? [usd(r.overhead, 2), usd(r.selfHosted.total, 2)] : []),
        r.verdict,
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    tco.firstSelfHostedWin === null ? 'Self-hosting wins at none of these volumes.' : `Self-hosting first wins at ${fmtTokens(tco.firstSelfHostedWin)} output tokens/day.`,
    '',
    'Working:',
    ...tco.formulas.map((x) => `  ${x.label}: ${x.formula}  [${x.cite}]`),
  ];
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

// ---------------------------------------------------------------- self-managed
interface SelfManagedOpts {
  gpus: string;
  self: string;
  managed: string;
  fte?: string;
  ftePerMonth?: string;
  hours?: string;
  rate?: string;
  managedHours?: string;
  targetTax?: string;
  term?: string;
  fleetByQuarter?: string;
  onCall?: string;
  seatOpenQuarters?: string;
  majorsBehind?: string;
  reviewEveryDays?: string;
  asOf?: string;
  json?: boolean;
  catalog?: string;
}

function skuHourly(catalog: Catalog, id: string, asOf: string, term: string | undefined, flag: string): { hourly: number; gpusPerInstance: number; source: string } {
  const e = findRoute(catalog, id);
  if (e.kind !== 'gpu') throw new CliUsageError(`${flag} ${id} is a per-token route; give a GPU SKU (see \`routefit catalog list --mode self_managed\`)`);
  const p = pointAt(e, asOf);
  const t = term ?? 'on_demand';
  const h = t === 'on_demand' ? p.sheet.onDemand : t === 'spot' ? p.sheet.spot : p.sheet.reserved.find((r) => r.term === t)?.hourly;
  if (!h) throw new RoutefitError('missing_price', `${e.id} has no ${t} price on ${asOf}`, { field: 'term' });
  return { hourly: h.value / e.gpusPerInstance, gpusPerInstance: e.gpusPerInstance, source: p.source };
}

export function selfManagedCommand(opts: SelfManagedOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const asOf = today(io, opts.asOf);
  const gpus = num('--gpus', opts.gpus, { min: 1, max: 1_000_000 })!;
  if (!Number.isInteger(gpus)) throw new CliUsageError(`--gpus must be a whole number; got "${opts.gpus}"`);
  const self = skuHourly(catalog, opts.self, asOf, opts.term, '--self');
  const managed = skuHourly(catalog, opts.managed, asOf, undefined, '--managed');
  if ((opts.hours === undefined) !== (opts.rate === undefined)) throw new CliUsageError('give --hours and --rate together (or --fte)');
  if (opts.hours !== undefined && opts.fte !== undefined) throw new CliUsageError('give --fte or --hours/--rate, not both');
  const overhead: Overhead =
    opts.hours !== undefined
      ? { hoursPerMonth: num('--hours', opts.hours, { min: 0 })!, hourlyRate: num('--rate', opts.rate, { min: 0 })! }
      : { fte: num('--fte', opts.fte ?? '2', { min: 0, max: 1000 })!, ...(opts.ftePerMonth ? { monthlyPerFte: num('--fte-per-month', opts.ftePerMonth, { min: 0 })! } : {}) };
  const managedOverhead: Overhead | undefined = opts.managedHours !== undefined ? { hoursPerMonth: num('--managed-hours', opts.managedHours, { min: 0 })!, hourlyRate: num('--rate', opts.rate ?? '150', { min: 0 })! } : undefined;
  const targetTax = num('--target-tax', opts.targetTax, { min: 0, minExclusive: true, max: 10 });
  const r = managedVsSelfManaged({ gpus, managedHourly: managed.hourly, selfManagedHourly: self.hourly, selfManagedOverhead: overhead, ...(managedOverhead ? { managedOverhead } : {}), ...(targetTax !== undefined ? { targetTax } : {}) });
  const tax = r.tax;
  const health: FleetHealth = {
    ...(opts.fleetByQuarter ? { fleetGpusByQuarter: opts.fleetByQuarter.split(',').map((x) => num('--fleet-by-quarter', x, { min: 0 })!) } : {}),
    ...(opts.onCall ? { onCallEngineers: num('--on-call', opts.onCall, { min: 0 })! } : {}),
    ...(opts.seatOpenQuarters ? { specialistSeatOpenQuarters: num('--seat-open-quarters', opts.seatOpenQuarters, { min: 0 })! } : {}),
    ...(opts.majorsBehind ? { servingEngineMajorsBehind: num('--majors-behind', opts.majorsBehind, { min: 0 })! } : {}),
    ...(opts.reviewEveryDays ? { qualityReviewCadenceDays: num('--review-every-days', opts.reviewEveryDays, { min: 0, minExclusive: true })! } : {}),
  };
  const signals = Object.keys(health).length ? devolutionSignals(health) : undefined;
  if (opts.json) {
    io.out(JSON.stringify({ asOf, gpus, selfManaged: { sku: opts.self, perGpuHourly: self.hourly, source: self.source }, managed: { sku: opts.managed, perGpuHourly: managed.hourly, source: managed.source }, ...r, ...(signals ? { devolution: signals } : {}) }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines = [
    `${gpus} GPUs: self-managed ${opts.self} (${usd(self.hourly, 2)}/GPU-h) vs managed ${opts.managed} (${usd(managed.hourly, 2)}/GPU-h) — priced as of ${asOf}`,
    '',
    table(
      ['', 'GPU spend', 'Overhead', 'Monthly'],
      [
        ['managed dedicated', usd(r.managedGpuMonthly), usd(r.managedOverheadMonthly), usd(r.managedMonthly)],
        ['self-managed', usd(r.tax.gpuMonthly), usd(r.tax.overheadMonthly), usd(r.selfManagedMonthly)],
      ],
      ['left', 'right', 'right', 'right'],
    ),
    '',
    `Cheaper: ${r.winner === 'self_managed' ? 'self-managed' : 'managed dedicated'}, by ${usd(r.savings)}/month.`,
    `Operational tax: ${percent(tax.tax)} of GPU spend; it falls to ${percent(tax.targetTax, 0)} at ${count(Math.ceil(tax.gpusForTargetTax))} GPUs.`,
  ];
  if (r.notes.length) lines.push('', 'Notes:', ...r.notes.map((n) => `  ${n}`));
  if (signals) {
    lines.push('', `Devolution signals (seed 001 ch. 20): ${signals.fired} of ${signals.signals.length} fired${signals.recommendGate ? ' — run the utilization gate against managed dedicated (routefit dedicated)' : ''}`);
    lines.push(...signals.signals.map((s) => `  [${s.fired ? 'x' : ' '}] ${s.reason}`));
  }
  lines.push('', 'Working:', ...stepLines(r.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

// ---------------------------------------------------------------- registration
export function registerCapacityCommands(program: Command, io: Io, setCode: (c: number) => void): void {
  const catalogOpt = () => new CliOption('--catalog <dir>', 'use this catalog directory instead of the bundled one');
  program
    .command('breakeven')
    .description('daily output tokens at which a dedicated GPU costs what serverless does, the utilization it needs, and the managed crossover')
    .requiredOption('--gpu <sku>', 'GPU SKU, e.g. lambda/h100-sxm')
    .requiredOption('--vs <routes>', 'per-token route(s) to compare with, comma-separated')
    .option('--utilization <u>', 'planned real utilization (0-1 or 40%): adds the seed\'s ÷u figure and the cost multiple')
    .option('--serves <model>', 'model the GPU serves (looks up its throughput in the catalog)')
    .option('--precision <p>', 'precision of the throughput figure, when the catalog has several')
    .option('--throughput <tok/s>', 'measured output tokens per second of one instance')
    .option('--term <term>', 'GPU price term: on_demand (default), spot or a reserved term')
    .option('--response-tokens <list>', 'response lengths for the requests/day view', '30,300')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit breakeven --gpu lambda/h100-sxm --vs together/deepseek-v3',
        'routefit breakeven --gpu lambda/h100-sxm --vs together/deepseek-v3,fireworks/llama-3.3-70b --utilization 0.4',
        'routefit breakeven --gpu fireworks/h100 --vs fireworks/llama-3.3-70b --throughput 1500 --json',
      ]) + '\nBreak-even is on output tokens (decode-bound workloads; seed 000 Part 1).\n',
    )
    .action((opts) => setCode(breakevenCommand(opts, io)));

  program
    .command('dedicated')
    .description('dedicated vs serverless vs hybrid for a workload and its traffic shape: replicas, utilization, monthly cost, u_required')
    .argument('<file>', 'workload YAML with a GPU route and a per-token route')
    .option('--pattern <preset>', 'stable:60%, diurnal:10h@70% or bursty:4x@30%[,2h] (load as a share of one replica)')
    .option('--pattern-csv <file>', 'hourly request counts: 168 rows (a week) or 24 (a day)')
    .option('--gpu <route>', 'the GPU route of the file to size (default: its first GPU route)')
    .option('--serverless <route>', 'the per-token route to compare with (default: the cheapest by LCPR)')
    .option('--serverless-cost <usd>', 'measured serverless cost per accepted output, from traces (default: the route\'s LCPR)')
    .option('--goodput <n>', 'measured accepted outputs per replica-hour under SLO (default: estimated from throughput)')
    .option('--ops-per-hour <usd>', 'operational overhead per hour, C_ops (default 0)')
    .option('--min-replicas <n>', 'replicas that cannot scale to zero, R_min (default 1)')
    .option('--max-utilization <u>', 'highest load per replica, for p99 headroom (default 1)')
    .option('--cold-start-minutes <m>', 'warm-up minutes of a new replica, billed with no output (default 0)')
    .option('--min-billing-minutes <m>', 'minimum billing window per start (default: the SKU\'s, e.g. 5 for Bedrock)')
    .option('--workload <name>', 'which workload, when the file holds several')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit dedicated examples/support-drafting.yaml --pattern diurnal:10h@70% --goodput 800 --serverless-cost 0.012 --ops-per-hour 0.5',
        'routefit dedicated examples/stage2.yaml --pattern-csv examples/hourly-week.csv',
        'routefit dedicated examples/stage2.yaml --pattern bursty:4x@60% --cold-start-minutes 2 --min-billing-minutes 5 --json',
      ]) + '\nu_required = ((C_hw × R_min) + C_ops) / (G_slo × C_serverless) — seed 001 ch. 18, Derivation 4.\n',
    )
    .action((file: string, opts) => setCode(dedicatedCommand(file, opts, io)));

  program
    .command('size')
    .description('KV cache, concurrent sequences, GPUs and roofline throughput for a model on a GPU')
    .requiredOption('--model <id>', 'model id from catalog/models.yaml, e.g. llama-3.3-70b')
    .requiredOption('--gpu <id>', 'GPU spec (h100-sxm) or SKU (lambda/h100-sxm)')
    .requiredOption('--context <tokens>', 'sequence length in tokens (prompt + output)')
    .requiredOption('--precision <p>', 'weight precision: fp16, bf16, fp8, int8, int4 …')
    .option('--kv-precision <p>', 'KV-cache precision (default: the weight precision)')
    .option('--batch <n>', 'concurrent sequences', '1')
    .option('--gpus <n>', 'GPUs to size (default: the fewest that hold weights and batch)')
    .option('--headroom <f>', 'share of HBM held back for activations and the runtime', '0.1')
    .option('--arrival-rate <r/s>', "requests per second, for Little's law")
    .option('--latency <s>', "average latency in seconds, for Little's law")
    .option('--spec-alpha <a>', 'speculative decoding: draft acceptance rate α')
    .option('--spec-gamma <g>', 'speculative decoding: draft length γ', '5')
    .option('--draft-cost <r>', 'speculative decoding: draft cost per token relative to the target', '0.03')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit size --model llama-3.3-70b --gpu h100-sxm --context 4096 --precision fp16 --batch 32',
        'routefit size --model llama-3.3-70b --gpu lambda/h100-sxm --context 8192 --precision fp8 --batch 64 --arrival-rate 100 --latency 2',
        'routefit size --model llama-3.1-8b --gpu l40s --context 4096 --precision bf16 --spec-alpha 0.55 --batch 12 --json',
      ]),
    )
    .action((opts) => setCode(sizeCommand(opts, io)));

  program
    .command('tco')
    .description('self-hosting vs serverless over a range of daily output volumes, with overhead and a verdict per row')
    .argument('<file>', 'TCO YAML (see examples/seed003-tco.yaml)')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit tco examples/seed003-tco.yaml', 'routefit tco examples/seed003-tco.yaml --json']))
    .action((file: string, opts) => setCode(tcoCommand(file, opts, io)));

  program
    .command('self-managed')
    .description('managed dedicated vs self-managed GPUs for a fleet: engineering floor, operational tax, devolution signals')
    .requiredOption('--gpus <n>', 'fleet size in GPUs')
    .requiredOption('--self <sku>', 'GPU SKU you would run yourself, e.g. lambda/h100-sxm')
    .requiredOption('--managed <sku>', 'managed dedicated SKU, e.g. fireworks/h100')
    .option('--fte <n>', 'loaded FTE running the fleet (default 2: the on-call floor)')
    .option('--fte-per-month <usd>', 'loaded cost per FTE-month (default $30,000: seed 001 ch. 20)')
    .option('--hours <h>', 'engineering hours per month instead of FTE')
    .option('--rate <usd>', 'engineering hourly rate, with --hours')
    .option('--managed-hours <h>', 'engineering hours per month the managed option still needs (at --rate, default $150/h)')
    .option('--target-tax <f>', 'report the fleet at which the tax falls to this share (default 0.1)')
    .option('--term <term>', 'price term of the self-managed SKU: on_demand (default), spot or a reserved term')
    .option('--fleet-by-quarter <list>', 'devolution check: fleet size in recent quarters, oldest first')
    .option('--on-call <n>', 'devolution check: engineers in the on-call rotation')
    .option('--seat-open-quarters <n>', 'devolution check: quarters a specialist seat has been open')
    .option('--majors-behind <n>', 'devolution check: serving-engine major releases behind upstream')
    .option('--review-every-days <n>', 'devolution check: days between quality-regression reviews')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit self-managed --gpus 10 --self lambda/h100-sxm --managed fireworks/h100',
        'routefit self-managed --gpus 64 --self together/h100 --term 91-180d --managed fireworks/h100 --fte 3',
        'routefit self-managed --gpus 40 --self lambda/h100-sxm --managed baseten/h100 --fleet-by-quarter 60,45,40 --on-call 1 --json',
      ]),
    )
    .action((opts) => setCode(selfManagedCommand(opts, io)));
}
