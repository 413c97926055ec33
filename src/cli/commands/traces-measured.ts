import type { Command } from 'commander';
import { resolveRoute } from '../../catalog/resolve.js';
import type { Catalog } from '../../catalog/types.js';
import { type Comparison, compareRoutes } from '../../engine/cost/compare.js';
import type { Sourced } from '../../engine/evidence.js';
import type { WorkloadProfile } from '../../engine/cost/lcpr.js';
import { type MeasuredOverheads, withMeasuredInputs } from '../../engine/measured/measured.js';
import type { RouteSpec } from '../../engine/cost/lcpr.js';
import { RoutefitError } from '../../engine/errors.js';
import { type GroupSummary, summarize } from '../../traces/metrics.js';
import { type PricingContext, preparePricing } from '../../traces/pricing.js';
import { DEFAULTS } from '../../workload/defaults.js';
import { loadWorkloadFile } from '../../workload/load.js';
import { type PreparedWorkload, prepareWorkloads } from '../../workload/prepare.js';
import { openCatalog, parseDate } from './shared.js';
import { snake, table, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { withClickHouse, withStore } from './traces.js';
import { storeLabel } from '../../traces/clickhouse/connection.js';

/**
 * Measured back into the calculator (issue 5): the workload's assumed inputs are replaced by what
 * the traces measured (labelled `measured`), then priced by the same engine path as `compare`.
 */

interface Window {
  from?: string;
  to?: string;
}

/** Per-workload trace aggregates, keyed by workload name. */
export async function measuredByWorkload(db: string, catalog: Catalog, w: Window, overheads: MeasuredOverheads = {}): Promise<Map<string, GroupSummary & { routes: string[] }>> {
  const window = { ...(w.from ? { from: w.from } : {}), ...(w.to ? { to: w.to } : {}), overheads };
  const collect = (groups: GroupSummary[], byRoute: GroupSummary[], pricing: PricingContext) => {
    const routes = (name: string) => byRoute.filter((r) => r.key.workload === name && r.key.route).map((r) => pricing.resolved.get(r.key.route!) ?? r.key.route!);
    return new Map(groups.filter((g) => g.key.workload).map((g) => [g.key.workload!, { ...g, routes: routes(g.key.workload!) }]));
  };
  // A ClickHouse URL names the ClickHouse store (traces summarize --clickhouse); anything else is a DuckDB file.
  if (/^https?:\/\//i.test(db)) {
    return withClickHouse(db, async (ch) => {
      const [{ prepareChPricing }, { summarizeClickHouse }] = await Promise.all([import('../../traces/clickhouse/pricing.js'), import('../../traces/clickhouse/metrics.js')]);
      const pricing = await prepareChPricing(ch, catalog);
      return collect(await summarizeClickHouse(ch, { by: ['workload'], ...window }), await summarizeClickHouse(ch, { by: ['workload', 'route'], ...window }), pricing);
    });
  }
  return withStore(db, false, async (store) => {
    const pricing = await preparePricing(store, catalog);
    return collect(await summarize(store, { by: ['workload'], ...window }), await summarize(store, { by: ['workload', 'route'], ...window }), pricing);
  });
}

/**
 * For `compare --uncertainty --traces`: a function that swaps each workload's assumed inputs for
 * the measured ones (a workload without traces keeps its assumptions).
 */
export async function measuredSwap(db: string, opts: { catalog?: string; from?: string; to?: string }): Promise<(p: PreparedWorkload) => PreparedWorkload> {
  const measured = await measuredByWorkload(db, openCatalog(opts.catalog), opts);
  return (p) => {
    const g = measured.get(p.name);
    return g ? { ...p, profile: withMeasuredInputs(p.profile, g.measured, sourceOf(db, g)).profile } : p;
  };
}

const sourceOf = (db: string, g: GroupSummary) => `traces ${storeLabel(db)}: ${g.requests} requests, ${g.window.start} – ${g.window.end}`;

interface Side {
  workload: string;
  asOf: string;
  assumed: Comparison;
  measured?: Comparison;
  replaced: { field: string; assumed: Sourced | undefined; measured: Sourced }[];
  note?: string;
}

interface CompareTracesOpts {
  traces: string;
  asOf?: string;
  routes?: string;
  catalog?: string;
  json?: boolean;
  csv?: boolean;
  blend?: boolean;
  from?: string;
  to?: string;
}

export async function compareWithTraces(file: string, opts: CompareTracesOpts, io: Io): Promise<number> {
  if (opts.csv || opts.blend) throw new CliUsageError('--traces works with the table and --json outputs; drop --csv / --blend');
  const catalog = openCatalog(opts.catalog);
  const asOf = parseDate('--as-of', opts.asOf);
  const routes = opts.routes?.split(',').map((r) => r.trim()).filter(Boolean);
  const prepared = prepareWorkloads(loadWorkloadFile(file), catalog, { today: io.today, ...(asOf ? { asOf } : {}), ...(routes?.length ? { routes } : {}) });
  const measured = await measuredByWorkload(opts.traces, catalog, opts);
  const sides: Side[] = prepared.map((p) => {
    const assumed = compareRoutes(p.profile, p.routes);
    assumed.unpriced.unshift(...p.unpriced);
    const g = measured.get(p.name);
    if (!g) return { workload: p.name, asOf: p.asOf, assumed, replaced: [], note: `no traces for workload "${p.name}" in ${opts.traces}: assumptions kept` };
    const { profile, replaced } = withMeasuredInputs(p.profile, g.measured, sourceOf(opts.traces, g));
    const m = compareRoutes(profile, p.routes);
    m.unpriced.unshift(...p.unpriced);
    return { workload: p.name, asOf: p.asOf, assumed, measured: m, replaced: replaced.map((r) => ({ ...r, field: snake(r.field) })) };
  });
  if (opts.json) {
    io.out(JSON.stringify({ file, traces: storeLabel(opts.traces), workloads: sides }, null, 2) + '\n');
  } else {
    io.out(sides.map(renderSide).join('\n\n') + '\n');
  }
  const unpriced = sides.some((s) => (s.measured ?? s.assumed).unpriced.length > 0);
  return unpriced ? EXIT_BAD_INPUT : EXIT_OK;
}

const val = (s: Sourced | undefined) => (s === undefined ? '—' : s.value.toLocaleString('en-US', { maximumFractionDigits: 4 }));

function renderSide(s: Side): string {
  const out = [`${s.workload} — priced as of ${s.asOf}`];
  if (s.note) out.push(`! ${s.note}`);
  const ids = [...new Set([...s.assumed.routes.map((r) => r.route), ...(s.measured?.routes.map((r) => r.route) ?? [])])];
  const lcpr = (c: Comparison | undefined, id: string) => {
    const r = c?.routes.find((x) => x.route === id);
    if (r) return usdPerRequest(r.lcpr);
    return c?.unpriced.find((u) => u.route === id) ? 'unpriced' : '—';
  };
  out.push(
    '',
    table(
      ['Route', 'LCPR (assumed)', 'LCPR (measured)'],
      ids.map((id) => [id, lcpr(s.assumed, id), lcpr(s.measured, id)]),
      ['left', 'right', 'right'],
    ),
  );
  if (s.replaced.length) {
    out.push('', 'Inputs: assumed → measured');
    out.push(
      table(
        ['Input', 'Assumed', 'Evidence', 'Measured'],
        s.replaced.map((r) => [r.field, val(r.assumed), r.assumed?.evidence ?? '—', val(r.measured)]),
        ['left', 'right', 'left', 'right'],
      ),
    );
    out.push(`Measured from ${s.replaced[0]!.measured.source}`);
  }
  for (const u of (s.measured ?? s.assumed).unpriced) out.push(`unpriced: ${u.route}: ${u.message}`);
  return out.join('\n');
}

interface WhatifOpts {
  db: string;
  workload: string;
  route: string;
  serves?: string;
  utilization?: string;
  asOf?: string;
  from?: string;
  to?: string;
  catalog?: string;
  json?: boolean;
}

/** Re-prices a workload's measured token profile on another route (issue 5, "traces whatif"). */
export async function whatifCommand(opts: WhatifOpts, io: Io): Promise<number> {
  const catalog = openCatalog(opts.catalog);
  const asOf = parseDate('--as-of', opts.asOf) ?? io.today;
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
  const utilization = opts.utilization === undefined ? undefined : Number(opts.utilization);
  if (utilization !== undefined && !(utilization > 0 && utilization <= 1)) throw new CliUsageError(`--utilization must be a fraction 0 < value ≤ 1; got "${opts.utilization}"`);
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

/** Adds `--traces DB` to `routefit compare` without touching its own file: with the flag, measured inputs replace assumed ones. */
export function extendCompare(program: Command): void {
  const compare = program.commands.find((c) => c.name() === 'compare');
  if (!compare) return;
  compare
    .option('--traces <db>', 'replace assumed inputs with those measured in this trace store (matched by workload name): a DuckDB file or a ClickHouse URL http[s]://HOST:PORT[/DATABASE]; shows both')
    .option('--from <date>', 'with --traces: window start (UTC)')
    .option('--to <date>', 'with --traces: window end (UTC)')
    .addHelpText('after', '\nWith traces:\n  $ routefit compare examples/saas-chat.yaml --traces routefit.duckdb\n');
  // The action stays compare's own dispatcher (compare-dispatch.ts), which routes --traces / measured_from here.
}
