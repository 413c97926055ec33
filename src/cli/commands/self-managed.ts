import { findRoute, pointAt } from '../../catalog/lookup.js';
import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { type FleetHealth, type Overhead, devolutionSignals, managedVsSelfManaged } from '../../engine/capacity/self-managed.js';
import { count, percent, table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from './shared.js';
import { num, stepLines, today } from './capacity-shared.js';

export interface SelfManagedOpts {
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
