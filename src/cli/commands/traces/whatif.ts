import { resolveRoute } from '../../../catalog/resolve.js';
import { compareRoutes } from '../../../engine/cost/compare.js';
import type { RouteSpec, WorkloadProfile } from '../../../engine/cost/lcpr.js';
import { type MeasuredOverheads, withMeasuredInputs } from '../../../engine/measured/measured.js';
import { RoutefitError } from '../../../engine/errors.js';
import { existsSync } from 'node:fs';
import { DEFAULTS } from '../../../workload/defaults.js';
import { loadWorkloadFile } from '../../../workload/load.js';
import { prepareWorkloads } from '../../../workload/prepare.js';
import { val } from '../../compare/traces.js';
import { snake, table, usdPerRequest } from '../../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../../io.js';
import { measuredByWorkload, overheadsLine, overheadsOfProfile, sourceOf } from '../../measured.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';
import { type StoreChoice, choiceLabel, clickhouseOpt, dbOpt, storeChoice, windowOpt, withTraceStore } from '../../stores.js';

const options = {
  workload: opt.string('--workload <file|name>', 'a workload file (its workloads, inputs and routes) or a workload name as in the traces').required(),
  name: opt.string('--name <workload>', 'with a workload file: only this workload of it'),
  route: opt.string('--route <id>', 'catalog route to price it on (required with a name; with a file, default: the file\'s routes)'),
  serves: opt.string('--serves <model>', 'GPU routes: the model it serves (looks up throughput)'),
  utilization: opt.number('--utilization <fraction>', 'GPU routes: planned utilization (default 0.40)', { min: 0, minExclusive: true, max: 1, percent: true }),
  db: dbOpt(),
  clickhouse: clickhouseOpt(),
  asOf: opt.asOf('price as of this date (default: the last traced day, so the re-pricing matches the traces\' period)'),
  from: windowOpt('--from', 'window start (UTC)'),
  to: windowOpt('--to', 'window end (UTC)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type WhatifOpts = OptionValues<typeof options> & { store: StoreChoice };

/** One workload to re-price: its inputs the traces cannot see, and the routes to price it on. */
interface Target {
  name: string;
  /** The file's profile (or the defaults): measured inputs replace what the traces measure. */
  base: WorkloadProfile;
  /** Routes from the file (its own entries, per-route values included); none: --route alone. */
  routes: RouteSpec[];
}

const isFile = (x: string) => /\.ya?ml$/i.test(x) || x === '-' || existsSync(x);

/** Re-prices a workload's measured token profile on another route (issue 5, "traces whatif"). */
async function whatif(opts: WhatifOpts, io: Io): Promise<number> {
  const catalog = openCatalog(opts.catalog);
  // Priced as of the traces' own period (the last traced day), as summarize and reconcile price them, not today (issue 11, item 3).
  const asOf = opts.asOf ?? (await tracedUntil(opts, catalog)) ?? io.today;
  let targets: Target[];
  let file: string | undefined;
  if (isFile(opts.workload)) {
    // The one workload file: its workloads' own inputs (repair cost, engineering hours …) and routes.
    file = opts.workload;
    const prepared = prepareWorkloads(loadWorkloadFile(file), catalog, { today: io.today, asOf });
    const chosen = opts.name ? prepared.filter((p) => p.name === opts.name) : prepared;
    if (!chosen.length) throw new CliUsageError(`--name "${opts.name}" is not a workload of ${file} (it has: ${prepared.map((p) => p.name).join(', ')})`);
    targets = chosen.map((p) => ({ name: p.name, base: p.profile, routes: p.routes }));
  } else {
    if (opts.name) throw new CliUsageError('--name picks a workload of a file: give --workload FILE, or --workload NAME alone');
    if (!opts.route) throw new CliUsageError('--route is required with a workload name (or give --workload FILE to price on the file\'s routes)');
    targets = [{ name: opts.workload, base: defaultProfile(opts.workload), routes: [] }];
  }
  // The window rule (proration.ts) reads the invoice periods of a DuckDB store, as summarize does.
  const periods = await withTraceStore(opts.store, {}, (s) => s.invoicePeriods());
  const results: WhatifResult[] = [];
  const untraced: string[] = [];
  let known: string[] = [];
  for (const t of targets) {
    const r = await whatifOne(t, opts, asOf, catalog, periods, file);
    if ('untraced' in r) {
      untraced.push(t.name);
      known = r.untraced;
    } else results.push(r);
  }
  if (!results.length) {
    throw new CliUsageError(`needs traces: ${file ? `no workload of ${file} (${untraced.join(', ')}) has` : `--workload "${opts.workload}" has no`} traces in ${choiceLabel(opts.store)}; it has: ${known.join(', ') || 'none'}`);
  }
  if (opts.json) {
    const body = file ? { file, asOf, workloads: results.map((r) => r.json), untraced } : { ...results[0]!.json, asOf };
    io.out(JSON.stringify(body, null, 2) + '\n');
  } else {
    const out = results.flatMap((r) => [...r.lines, '']);
    if (untraced.length) out.push(`No traces for ${untraced.join(', ')} in ${choiceLabel(opts.store)}: not re-priced.`);
    io.out(out.join('\n').replace(/\n+$/, '') + '\n');
  }
  return results.every((r) => r.priced) ? EXIT_OK : EXIT_BAD_INPUT;
}

/** The last day any workload was traced (YYYY-MM-DD), in the window asked for; undefined with no traces. */
async function tracedUntil(opts: WhatifOpts, catalog: ReturnType<typeof openCatalog>): Promise<string | undefined> {
  const ends = [...(await measuredByWorkload(opts.store, catalog, opts)).values()].map((g) => String(g.window.end).slice(0, 10)).sort();
  return ends.at(-1);
}

const NO_FILE = 'not counted: no workload file (give --workload FILE for its overheads)';

function defaultProfile(name: string): WorkloadProfile {
  return {
    name,
    requestsPerMonth: 1,
    inputTokens: 0,
    outputTokens: DEFAULTS.outputTokens,
    retryRate: DEFAULTS.retryRate,
    qualityPassRate: DEFAULTS.qualityPassRate,
    // No workload file: no overhead is assumed on the re-priced side either, so both sides count the same (none).
    repairCostPerFailure: { value: 0, evidence: 'assumed', source: NO_FILE },
    engineeringHoursPerMonth: { value: 0, evidence: 'assumed', source: NO_FILE },
    engineeringHourlyRate: DEFAULTS.engineeringHourlyRate,
  };
}

interface WhatifResult {
  json: Record<string, unknown>;
  lines: string[];
  priced: boolean;
}

async function whatifOne(t: Target, opts: WhatifOpts, asOf: string, catalog: ReturnType<typeof openCatalog>, periods: { start: string; end: string }[], file?: string): Promise<WhatifResult | { untraced: string[] }> {
  // Overheads the traces cannot see: the file's values (its registry defaults labelled as such), the same set
  // summarize and reconcile read from it; with a workload name and no file, none (issue 11, item 3: nothing silently defaulted).
  const overheads: MeasuredOverheads = { ...(file ? overheadsOfProfile(t.base, file) : {}), prorateOver: { from: opts.from, to: opts.to, periods } };
  const measured = await measuredByWorkload(opts.store, catalog, opts, overheads);
  const g = measured.get(t.name);
  if (!g) return { untraced: [...measured.keys()] };
  const { profile } = withMeasuredInputs(t.base, g.measured, sourceOf(opts.store, g));
  const utilization = opts.utilization;
  const targetRoutes = opts.route
    ? [resolveRoute(catalog, { id: opts.route, asOf, ...(opts.serves ? { serves: opts.serves } : {}), ...(utilization !== undefined ? { utilization } : {}) }, { utilization: DEFAULTS.utilization })]
    : t.routes;
  const targetIds = new Set(targetRoutes.map((r) => r.id));
  // The traced routes go through the same engine path, so the LCPRs differ only by route.
  const traced: RouteSpec[] = [];
  for (const id of g.routes) {
    if (targetIds.has(id)) continue;
    try {
      traced.push(resolveRoute(catalog, { id, asOf }, { utilization: DEFAULTS.utilization }));
    } catch (err) {
      if (!(err instanceof RoutefitError)) throw err;
    }
  }
  const comparison = compareRoutes(profile, [...traced, ...targetRoutes]);
  const whatifs = comparison.routes.filter((r) => targetIds.has(r.route));
  const result = whatifs[0];
  const billed = g.lcpr;
  const json = {
    workload: t.name,
    tracedRoutes: g.routes,
    measuredBilled: { lcpr: billed.lcpr, naiveCostPerRequest: billed.naiveCostPerRequest, missing: billed.missing ?? null, overheadsIncluded: billed.overheadsIncluded, overheadsNotIncluded: billed.overheadsNotIncluded, prorated: billed.prorated },
    routes: comparison.routes,
    whatif: result ?? null,
    ...(targetRoutes.length > 1 ? { whatifs } : {}),
    unpriced: comparison.unpriced,
  };
  const lines = [`${t.name}: measured profile (traced on ${g.routes.join(', ')}) re-priced as of ${asOf}`, ''];
  const rows: string[][] = [['billed from traces (traced routes)', billed.naiveCostPerRequest === null ? 'unpriced' : usdPerRequest(billed.naiveCostPerRequest), billed.lcpr === null ? '—' : usdPerRequest(billed.lcpr), '']];
  for (const r of comparison.routes) rows.push([`${r.route}${targetIds.has(r.route) ? ' (what-if)' : ' (traced)'}`, usdPerRequest(r.rawCostPerRequest), usdPerRequest(r.lcpr), `$${Math.round(r.monthlyCost).toLocaleString('en-US')}`]);
  lines.push(table(['', 'Raw $/req', 'LCPR', 'Monthly'], rows, ['left', 'right', 'right', 'right']));
  for (const u of comparison.unpriced) lines.push(`unpriced: ${u.route}: ${u.message}`);
  if (billed.missing) lines.push(`billed from traces: no LCPR — ${billed.missing}`);
  else lines.push(`billed from traces: ${overheadsLine(billed.overheadsIncluded, billed.overheadsNotIncluded, billed.prorated)}`);
  if (result) {
    lines.push('', `Inputs of ${result.route} (value · evidence · source):`);
    for (const [k, s] of Object.entries(result.inputs)) lines.push(`  ${snake(k).padEnd(28)} ${val(s).padStart(12)}  ${s.evidence.padEnd(17)} ${s.source ?? ''}`);
  }
  return { json, lines, priced: whatifs.length > 0 };
}

export default defineCommand({
  options,
  examples: [
    'routefit traces whatif --workload examples/saas-chat.yaml',
    'routefit traces whatif --workload examples/fleet.yaml --name support-resolution --route together/deepseek-v3',
    'routefit traces whatif --workload saas-chat --route together/deepseek-v3',
    'routefit traces whatif --workload saas-chat --route lambda/h100-sxm --serves llama-3.3-70b --json',
    'routefit traces whatif --workload saas-chat --route together/deepseek-v3 --clickhouse http://127.0.0.1:8123/traces',
  ],
  run: (opts, { io, cmd }) => {
    const where = storeChoice(cmd, opts);
    return whatif({ ...opts, store: where }, io);
  },
});
