import type { Sourced } from '../../engine/evidence.js';
import { type RouteResult, type WorkloadProfile } from '../../engine/cost/lcpr.js';
import { blendComparisons } from '../../engine/cost/compare.js';
import { isDefault } from '../../workload/defaults.js';
import { count, csv, percent, ratio, snake, table, usd, usdPerRequest } from '../format.js';
import { EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { type Priced, type PricingOptions, priceFile } from './shared.js';

export interface CompareOptions extends PricingOptions {
  json?: boolean;
  csv?: boolean;
  blend?: boolean;
}

export function compareCommand(file: string, opts: CompareOptions, io: Io): number {
  const priced = priceFile(file, opts, io.today);
  const blend = opts.blend ? blendComparisons(priced.map((p) => p.comparison)) : undefined;
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          file,
          workloads: priced.map(({ prepared, comparison }) => ({
            ...comparison,
            asOf: prepared.asOf,
            assumptions: assumptions(prepared.profile),
          })),
          ...(blend ? { blend } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else if (opts.csv) {
    io.out(toCsv(priced));
  } else {
    io.out(priced.map((p) => render(p, file, priced.length > 1)).join('\n\n') + '\n');
    if (blend) io.out('\n' + renderBlend(blend) + '\n');
  }
  const unpriced = priced.some((p) => p.comparison.unpriced.length > 0);
  if (unpriced && (opts.json || opts.csv)) io.err('routefit: some routes could not be priced (see "unpriced"); exit code 2\n');
  return unpriced ? EXIT_BAD_INPUT : EXIT_OK;
}

/** Every workload-level input with its value, evidence and source. */
export function assumptions(p: WorkloadProfile): Record<string, Sourced> {
  const out: Record<string, Sourced> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || k === 'name' || typeof v === 'string') continue;
    out[snake(k)] = typeof v === 'number' ? { value: v, evidence: 'assumed' } : v;
  }
  return out;
}

function render({ prepared, comparison }: Priced, file: string, many: boolean): string {
  const p = prepared.profile;
  const val = (q: WorkloadProfile['requestsPerMonth']) => (typeof q === 'number' ? q : q.value);
  const lines: string[] = [];
  lines.push(
    `${prepared.name} — ${count(val(p.requestsPerMonth))} requests/month · ${count(val(p.inputTokens))} in / ${count(val(p.outputTokens))} out tokens · priced as of ${prepared.asOf}`,
  );
  lines.push('');
  if (comparison.routes.length) {
    lines.push(
      table(
        ['Route', 'Mode', 'Raw $/req', 'LCPR', 'Monthly', 'Overhead', 'Accepted/mo', 'GPUs'],
        comparison.routes.map((r) => [
          r.label === r.route ? r.route : `${r.route} (${r.label})`,
          r.mode,
          usdPerRequest(r.rawCostPerRequest),
          usdPerRequest(r.lcpr),
          usd(r.monthlyCost),
          ratio(r.overheadRatio),
          count(r.acceptedRequestsPerMonth),
          r.gpu ? `${r.gpu.count} @ ${percent(r.gpu.realizedUtilization, 0)}` : '',
        ]),
        ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    lines.push('');
    const byLcpr = comparison.routes[0]!;
    const byRaw = comparison.routes.find((r) => r.route === comparison.cheapestByRaw)!;
    if (comparison.rankingsDisagree) {
      lines.push(
        `! Cheapest by raw price is ${byRaw.route} (${usdPerRequest(byRaw.rawCostPerRequest)}/request), but cheapest by LCPR is ${byLcpr.route} (${usdPerRequest(byLcpr.lcpr)}/accepted): retries, repair, engineering and idle capacity change the ranking.`,
      );
    } else {
      lines.push(`Cheapest by raw price and by LCPR: ${byLcpr.route} (${usdPerRequest(byLcpr.lcpr)} per accepted request, ${usd(byLcpr.monthlyCost)}/month).`);
    }
  }
  if (comparison.unpriced.length) {
    lines.push('');
    lines.push('Unpriced — not ranked, never counted as $0:');
    for (const u of comparison.unpriced) lines.push(`  ${u.route}: ${u.message}`);
  }
  const notes = comparison.routes.flatMap((r) => r.notes.map((n) => `  ${r.route}: ${n}`));
  if (notes.length) {
    lines.push('');
    lines.push('Notes:');
    lines.push(...notes);
  }
  lines.push('');
  lines.push('Assumptions (value · evidence · source):');
  const a = assumptions(p);
  const width = Math.max(...Object.keys(a).map((k) => k.length));
  for (const [k, s] of Object.entries(a)) {
    lines.push(`  ${k.padEnd(width)}  ${String(s.value).padStart(9)}  ${s.evidence.padEnd(17)}  ${isDefault(s) ? 'default — ' : ''}${s.source ?? ''}`);
  }
  lines.push('');
  lines.push('Prices:');
  for (const r of comparison.routes) lines.push(`  ${r.route}: ${priceLine(r)}`);
  lines.push('');
  const first = comparison.routes[0]?.route ?? '<id>';
  lines.push(`Line-by-line working: routefit explain ${file} --route ${first}${many ? ` --workload ${prepared.name}` : ''}`);
  return lines.join('\n');
}

function priceLine(r: RouteResult): string {
  const prov = r.provenance;
  const when = prov ? ` [${prov.origin}${prov.effective ? `, effective ${prov.effective}` : ''}${prov.asOf ? `, as of ${prov.asOf}` : ''}]` : '';
  if (r.gpu) {
    const e = r.inputs.gpuHourly!;
    const t = r.inputs.throughputTokensPerSecond!;
    return `${usd(r.gpu.hourlyRate, 2)}/h (${e.evidence}); ${count(r.gpu.throughputTokensPerSecond)} tok/s (${t.evidence}: ${t.source ?? 'workload file'})${when} — ${prov?.source ?? ''}`;
  }
  const inP = r.inputs['price.input']!;
  const outP = r.inputs['price.output']!;
  return `${usd(inP.value, 3)}/${usd(outP.value, 3)} per M in/out (${inP.evidence})${when} — ${prov?.source ?? inP.source ?? ''}`;
}

function renderBlend(blend: ReturnType<typeof blendComparisons>): string {
  return [
    'Blended across workloads (volume-weighted: Σ monthly ÷ Σ accepted):',
    table(
      ['Route', 'Blended LCPR', 'Monthly', 'Accepted/mo', 'Workloads'],
      blend.routes.map((b) => [b.route, usdPerRequest(b.lcpr), usd(b.monthlyCost), count(b.acceptedRequestsPerMonth), b.workloads.join(', ')]),
      ['left', 'right', 'right', 'right', 'left'],
    ),
    `! ${blend.warning}`,
  ].join('\n');
}

function toCsv(priced: Priced[]): string {
  const head = [
    'workload', 'as_of', 'route', 'mode', 'raw_cost_per_request', 'lcpr', 'monthly_cost', 'overhead_ratio', 'accepted_requests_per_month',
    'gpus', 'tokens', 'retries', 'repair', 'engineering', 'gpu', 'eval', 'human', 'ops', 'invoice_delta', 'status',
  ];
  const rows: (string | number | null)[][] = [];
  for (const { prepared, comparison } of priced) {
    for (const r of comparison.routes) {
      const b = r.breakdown;
      rows.push([
        prepared.name, prepared.asOf, r.route, r.mode, r.rawCostPerRequest, r.lcpr, r.monthlyCost, r.overheadRatio, r.acceptedRequestsPerMonth,
        r.gpu?.count ?? null, b.tokens, b.retries, b.repair, b.engineering, b.gpu, b.eval, b.human, b.ops, b.invoiceDelta, 'priced',
      ]);
    }
    for (const u of comparison.unpriced) {
      rows.push([prepared.name, prepared.asOf, u.route, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, `unpriced: ${u.message}`]);
    }
  }
  return csv(head, rows);
}
