import { resolveRoute } from '../../../catalog/resolve.js';
import { compareRoutes } from '../../../engine/cost/compare.js';
import type { RouteSpec, WorkloadProfile } from '../../../engine/cost/lcpr.js';
import { type MeasuredOverheads, withMeasuredInputs } from '../../../engine/measured/measured.js';
import { RoutefitError } from '../../../engine/errors.js';
import { storeLabel } from '../../../traces/clickhouse/connection.js';
import { DEFAULTS } from '../../../workload/defaults.js';
import { val } from '../../compare/traces.js';
import { snake, table, usdPerRequest } from '../../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../../io.js';
import { measuredByWorkload, sourceOf } from '../../measured.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';
import { clickhouseOpt, dbOpt, storeChoice } from '../../stores.js';

const options = {
  workload: opt.string('--workload <name>', 'workload name as in the traces').required(),
  route: opt.string('--route <id>', 'catalog route to price it on').required(),
  serves: opt.string('--serves <model>', 'GPU routes: the model it serves (looks up throughput)'),
  utilization: opt.number('--utilization <fraction>', 'GPU routes: planned utilization (default 0.40)', { min: 0, minExclusive: true, max: 1, percent: true }),
  db: dbOpt(),
  clickhouse: clickhouseOpt(),
  asOf: opt.asOf('price as of this date (default: today)'),
  from: opt.string('--from <date>', 'window start (UTC)'),
  to: opt.string('--to <date>', 'window end (UTC)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type WhatifOpts = OptionValues<typeof options>;

/** Re-prices a workload's measured token profile on another route (issue 5, "traces whatif"). */
async function whatif(opts: WhatifOpts, io: Io): Promise<number> {
  const catalog = openCatalog(opts.catalog);
  const asOf = opts.asOf ?? io.today;
  // Overheads the traces cannot see keep the seed's defaults, labelled as such, on both sides.
  const overheads: MeasuredOverheads = {
    repairCostPerFailure: DEFAULTS.repairCostPerFailure,
    engineeringHoursPerMonth: DEFAULTS.engineeringHoursPerMonth,
    engineeringHourlyRate: DEFAULTS.engineeringHourlyRate,
  };
  const measured = await measuredByWorkload(opts.db, catalog, opts, overheads);
  const g = measured.get(opts.workload);
  if (!g) throw new CliUsageError(`--workload "${opts.workload}" has no traces in ${storeLabel(opts.db)}; it has: ${[...measured.keys()].join(', ') || 'none'}`);
  const base: WorkloadProfile = {
    name: opts.workload,
    requestsPerMonth: 1,
    inputTokens: 0,
    outputTokens: DEFAULTS.outputTokens,
    retryRate: DEFAULTS.retryRate,
    qualityPassRate: DEFAULTS.qualityPassRate,
    repairCostPerFailure: DEFAULTS.repairCostPerFailure,
    engineeringHoursPerMonth: DEFAULTS.engineeringHoursPerMonth,
    engineeringHourlyRate: DEFAULTS.engineeringHourlyRate,
  };
  const { profile } = withMeasuredInputs(base, g.measured, sourceOf(opts.db, g));
  const utilization = opts.utilization;
  const target = resolveRoute(
    catalog,
    { id: opts.route, asOf, ...(opts.serves ? { serves: opts.serves } : {}), ...(utilization !== undefined ? { utilization } : {}) },
    { utilization: DEFAULTS.utilization },
  );
  // The traced routes go through the same engine path, so the two LCPRs differ only by route.
  const traced: RouteSpec[] = [];
  for (const id of g.routes) {
    if (id === target.id) continue;
    try {
      traced.push(resolveRoute(catalog, { id, asOf }, { utilization: DEFAULTS.utilization }));
    } catch (err) {
      if (!(err instanceof RoutefitError)) throw err;
    }
  }
  const comparison = compareRoutes(profile, [...traced, target]);
  const result = comparison.routes.find((r) => r.route === target.id);
  const billed = g.lcpr;
  if (opts.json) {
    io.out(
      JSON.stringify(
        { workload: opts.workload, asOf, tracedRoutes: g.routes, measuredBilled: { lcpr: billed.lcpr, naiveCostPerRequest: billed.naiveCostPerRequest, missing: billed.missing ?? null }, routes: comparison.routes, whatif: result ?? null, unpriced: comparison.unpriced },
        null,
        2,
      ) + '\n',
    );
  } else {
    const lines = [`${opts.workload}: measured profile (traced on ${g.routes.join(', ')}) re-priced as of ${asOf}`, ''];
    const rows: string[][] = [['billed from traces (traced routes)', billed.naiveCostPerRequest === null ? 'unpriced' : usdPerRequest(billed.naiveCostPerRequest), billed.lcpr === null ? '—' : usdPerRequest(billed.lcpr), '']];
    for (const r of comparison.routes) rows.push([`${r.route}${r.route === target.id ? ' (what-if)' : ' (traced)'}`, usdPerRequest(r.rawCostPerRequest), usdPerRequest(r.lcpr), `$${Math.round(r.monthlyCost).toLocaleString('en-US')}`]);
    lines.push(table(['', 'Raw $/req', 'LCPR', 'Monthly'], rows, ['left', 'right', 'right', 'right']));
    for (const u of comparison.unpriced) lines.push(`unpriced: ${u.route}: ${u.message}`);
    if (billed.missing) lines.push(`billed from traces: no LCPR — ${billed.missing}`);
    if (result) {
      lines.push('', 'Inputs (value · evidence · source):');
      for (const [k, s] of Object.entries(result.inputs)) lines.push(`  ${snake(k).padEnd(28)} ${val(s).padStart(12)}  ${s.evidence.padEnd(17)} ${s.source ?? ''}`);
    }
    io.out(lines.join('\n') + '\n');
  }
  return result ? EXIT_OK : EXIT_BAD_INPUT;
}

export default defineCommand({
  options,
  examples: [
    'routefit traces whatif --workload saas-chat --route together/deepseek-v3',
    'routefit traces whatif --workload saas-chat --route lambda/h100-sxm --serves llama-3.3-70b --json',
    'routefit traces whatif --workload saas-chat --route together/deepseek-v3 --clickhouse http://127.0.0.1:8123/traces',
  ],
  run: (opts, { io, cmd }) => {
    const where = storeChoice(cmd, opts);
    return whatif({ ...opts, db: where.kind === 'clickhouse' ? where.url : where.db }, io);
  },
});
