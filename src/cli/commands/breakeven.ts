import { findRoute } from '../../catalog/lookup.js';
import { resolveRoute } from '../../catalog/resolve.js';
import type { Catalog } from '../../catalog/types.js';
import { dedicatedBreakeven, managedCrossover } from '../../engine/capacity/breakeven.js';
import { valueOf, sourced } from '../../engine/evidence.js';
import { type GpuRouteSpec } from '../../engine/cost/lcpr.js';
import { DEFAULTS } from '../../workload/defaults.js';
import { count, percent, ratio, table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { fmtTokens, stepLines, today, tokenRoute } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  gpu: opt.string('--gpu <sku>', 'GPU SKU, e.g. lambda/h100-sxm').required(),
  vs: opt.string('--vs <routes>', 'per-token route(s) to compare with, comma-separated').required(),
  utilization: opt.number('--utilization <u>', "planned real utilization (0-1 or 40%): adds the Inference Field Guide's ÷u figure and the cost multiple", { min: 0, minExclusive: true, max: 1, percent: true }),
  serves: opt.string('--serves <model>', 'model the GPU serves (looks up its throughput in the catalog)'),
  precision: opt.string('--precision <p>', 'precision of the throughput figure, when the catalog has several'),
  throughput: opt.number('--throughput <tok/s>', 'measured output tokens per second of one instance', { min: 0, minExclusive: true }),
  term: opt.string('--term <term>', 'GPU price term: on_demand (default), spot or a reserved term'),
  responseTokens: opt.numbers('--response-tokens <list>', 'response lengths for the requests/day view', { min: 0, minExclusive: true }).default([30, 300], '30,300'),
  asOf: opt.asOf('prices in force on this date (YYYY-MM-DD)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type BreakevenOpts = OptionValues<typeof options>;

/** The GPU route for break-even: catalog price; throughput from --throughput, --serves, or the spec's reference figure. */
function gpuRoute(catalog: Catalog, id: string, asOf: string, o: { serves?: string | undefined; precision?: string | undefined; throughput?: number | undefined; term?: string | undefined }, vsModels: string[]): { spec: GpuRouteSpec; assumedServes?: string } {
  const throughput = o.throughput;
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

function breakeven(opts: BreakevenOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const asOf = today(io, opts.asOf);
  const utilization = opts.utilization;
  const lengths = opts.responseTokens;
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
    lines.push('', `The "÷${percent(utilization, 0)}" column is the Inference Field Guide's figure (Part 1) (break-even ÷ utilization). It is not a volume at which a GPU at that utilization breaks even: at a fixed utilization dedicated costs "Cost ×" serverless at every volume. The GPU breaks even when it runs at "Needs util" (docs/capacity.md).`);
  }
  lines.push('', 'Working:', ...stepLines(results[0]!.breakeven.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit breakeven --gpu lambda/h100-sxm --vs together/deepseek-v3',
    'routefit breakeven --gpu lambda/h100-sxm --vs together/deepseek-v3,fireworks/llama-3.3-70b --utilization 0.4',
    'routefit breakeven --gpu fireworks/h100 --vs fireworks/llama-3.3-70b --throughput 1500 --json',
  ],
  notes: 'Break-even is on output tokens (decode-bound workloads; Inference Field Guide, Part 1).',
  run: (opts, { io }) => breakeven(opts, io),
});
