/**
 * Measured back into the calculator: a workload's assumed inputs replaced by what its traces measured
 * (labelled `measured`), for `compare --traces`, `compare --uncertainty --traces` and `traces whatif`.
 */
import type { Catalog } from '../catalog/types.js';
import { type MeasuredOverheads, withMeasuredInputs } from '../engine/measured/measured.js';
import type { GroupSummary } from '../traces/metrics.js';
import type { PricingContext } from '../traces/pricing.js';
import { type PreparedWorkload, prepareWorkloads } from '../workload/prepare.js';
import { loadWorkloadFile } from '../workload/load.js';
import type { WorkloadProfile } from '../engine/cost/lcpr.js';
import { CliUsageError } from './io.js';
import { type Sourced, sourced } from '../engine/evidence.js';
import { DEFAULTS } from '../workload/defaults.js';
import { field } from '../workload/fields.js';
import type { CostPerAcceptedResult } from '../engine/measured/cost-per-accepted.js';
import type { OpenOptions, StoreChoice } from '../traces/store/types.js';
import { storeLabel } from '../traces/clickhouse/connection.js';
import { openCatalog } from './pricing.js';
import { choiceLabel, tracesChoice, withTraceStore } from './stores.js';

interface Window {
  from?: string | undefined;
  to?: string | undefined;
}

/** Per-workload trace aggregates, keyed by workload name. */
/** `store`: the store a command chose, or a `--traces` value (a DuckDB file or a ClickHouse URL). */
export async function measuredByWorkload(store: StoreChoice | string, catalog: Catalog, w: Window, overheads: MeasuredOverheads = {}, open: OpenOptions = {}): Promise<Map<string, GroupSummary & { routes: string[] }>> {
  const window = { ...(w.from ? { from: w.from } : {}), ...(w.to ? { to: w.to } : {}), overheads };
  const collect = (groups: GroupSummary[], byRoute: GroupSummary[], pricing: PricingContext) => {
    const routes = (name: string) => byRoute.filter((r) => r.key.workload === name && r.key.route).map((r) => pricing.resolved.get(r.key.route!) ?? r.key.route!);
    return new Map(groups.filter((g) => g.key.workload).map((g) => [g.key.workload!, { ...g, routes: routes(g.key.workload!) }]));
  };
  return withTraceStore(typeof store === 'string' ? tracesChoice(store) : store, open, async (s) => {
    await s.requireTraces();
    await s.focus(w);
    const pricing = await s.preparePricing(catalog);
    return collect(await s.summarize({ by: ['workload'], ...window }), await s.summarize({ by: ['workload', 'route'], ...window }), pricing);
  });
}

/**
 * For `compare --uncertainty --traces`: a function that swaps each workload's assumed inputs for
 * the measured ones (a workload without traces keeps its assumptions).
 */
export async function measuredSwap(db: string | StoreChoice, opts: { catalog?: string | undefined; from?: string | undefined; to?: string | undefined }): Promise<(p: PreparedWorkload) => PreparedWorkload> {
  const measured = await measuredByWorkload(db, openCatalog(opts.catalog), opts);
  return (p) => {
    const g = measured.get(p.name);
    return g ? { ...p, profile: withMeasuredInputs(p.profile, g.measured, sourceOf(db, g)).profile } : p;
  };
}

export const sourceOf = (store: StoreChoice | string, g: GroupSummary) => `traces ${choiceLabel(store)}: ${g.requests} requests, ${g.window.start} – ${g.window.end}`;


/** The overheads traces cannot see, as a workload's profile gives them (file values, else the registry defaults, each with its source). */
export function overheadsOfProfile(p: WorkloadProfile, file?: string): MeasuredOverheads {
  const o: MeasuredOverheads = {};
  for (const k of ['repairCostPerFailure', 'engineeringHoursPerMonth', 'engineeringHourlyRate', 'evalCostPerMonth', 'humanCostPerEscalation', 'opsCostPerMonth'] as const) {
    const q = p[k];
    if (q === undefined) continue;
    const s = sourced(q);
    // Name the file and the key a value was read from, so every surface prints the same, checkable source.
    // A registry default says so: "default (its source)", so a reader sees which defaults apply (issue 11, item 3).
    const d = (DEFAULTS as Record<string, Sourced | undefined>)[k];
    const isDefault = d !== undefined && s.value === d.value && s.source === d.source;
    o[k] = isDefault ? { ...s, source: `default (${d.source ?? d.evidence})` } : file && (s.source === undefined || s.source === 'workload file') ? { ...s, source: `${file}: ${field(k)?.key ?? k}` } : s;
  }
  return o;
}

/**
 * Overheads from a workload file for `traces summarize --workload` and `traces reconcile --workload`: the one
 * place they come from when a file is given, so every surface counts the same overheads (issue 11, item 3).
 */
export function workloadFileOverheads(file: string, name: string | undefined, catalog: Catalog, today: string): { name: string; overheads: MeasuredOverheads } {
  const prepared = prepareWorkloads(loadWorkloadFile(file), catalog, { today });
  const chosen = name ? prepared.filter((p) => p.name === name) : prepared;
  if (chosen.length !== 1) {
    throw new CliUsageError(name ? `--name "${name}" is not a workload of ${file} (it has: ${prepared.map((p) => p.name).join(', ')})` : `${file} has ${prepared.length} workloads (${prepared.map((p) => p.name).join(', ')}): pick one with --name`);
  }
  return { name: chosen[0]!.name, overheads: overheadsOfProfile(chosen[0]!.profile, file) };
}

export { overheadsLine } from './overheads-text.js';
