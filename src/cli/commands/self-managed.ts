import { findRoute, pointAt } from '../../catalog/lookup.js';
import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { type FleetHealth, type Overhead, devolutionSignals, managedVsSelfManaged } from '../../engine/capacity/self-managed.js';
import { count, percent, table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { stepLines, today } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { SELF_MANAGED_OPTIONS } from '../calculator-options.js';

const options = { ...SELF_MANAGED_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type SelfManagedOpts = OptionValues<typeof options>;

function skuHourly(catalog: Catalog, id: string, asOf: string, term: string | undefined, flag: string): { hourly: number; gpusPerInstance: number; source: string } {
  const e = findRoute(catalog, id);
  if (e.kind !== 'gpu') throw new CliUsageError(`${flag} ${id} is a per-token route; give a GPU SKU (see \`routefit catalog list --mode self_managed\`)`);
  const p = pointAt(e, asOf);
  const t = term ?? 'on_demand';
  const h = t === 'on_demand' ? p.sheet.onDemand : t === 'spot' ? p.sheet.spot : p.sheet.reserved.find((r) => r.term === t)?.hourly;
  if (!h) throw new RoutefitError('missing_price', `${e.id} has no ${t} price on ${asOf}`, { field: 'term' });
  return { hourly: h.value / e.gpusPerInstance, gpusPerInstance: e.gpusPerInstance, source: p.source };
}

function selfManaged(opts: SelfManagedOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const asOf = today(io, opts.asOf);
  const gpus = opts.gpus;
  const self = skuHourly(catalog, opts.self, asOf, opts.term, '--self');
  const managed = skuHourly(catalog, opts.managed, asOf, undefined, '--managed');
  if ((opts.hours === undefined) !== (opts.rate === undefined)) throw new CliUsageError('give --hours and --rate together (or --fte)');
  if (opts.hours !== undefined && opts.fte !== undefined) throw new CliUsageError('give --fte or --hours/--rate, not both');
  const overhead: Overhead =
    opts.hours !== undefined
      ? { hoursPerMonth: opts.hours, hourlyRate: opts.rate! }
      : { fte: opts.fte ?? 2, ...(opts.ftePerMonth !== undefined ? { monthlyPerFte: opts.ftePerMonth } : {}) };
  const managedOverhead: Overhead | undefined = opts.managedHours !== undefined ? { hoursPerMonth: opts.managedHours, hourlyRate: opts.rate ?? 150 } : undefined;
  const targetTax = opts.targetTax;
  const r = managedVsSelfManaged({ gpus, managedHourly: managed.hourly, selfManagedHourly: self.hourly, selfManagedOverhead: overhead, ...(managedOverhead ? { managedOverhead } : {}), ...(targetTax !== undefined ? { targetTax } : {}) });
  const tax = r.tax;
  const health: FleetHealth = {
    ...(opts.fleetByQuarter ? { fleetGpusByQuarter: opts.fleetByQuarter } : {}),
    ...(opts.onCall !== undefined ? { onCallEngineers: opts.onCall } : {}),
    ...(opts.seatOpenQuarters !== undefined ? { specialistSeatOpenQuarters: opts.seatOpenQuarters } : {}),
    ...(opts.majorsBehind !== undefined ? { servingEngineMajorsBehind: opts.majorsBehind } : {}),
    ...(opts.reviewEveryDays !== undefined ? { qualityReviewCadenceDays: opts.reviewEveryDays } : {}),
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
    lines.push('', `Devolution signals (Inference Economics Playbook, ch. 20): ${signals.fired} of ${signals.signals.length} fired${signals.recommendGate ? ' — run the utilization gate against managed dedicated (routefit dedicated)' : ''}`);
    lines.push(...signals.signals.map((s) => `  [${s.fired ? 'x' : ' '}] ${s.reason}`));
  }
  lines.push('', 'Working:', ...stepLines(r.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit self-managed --gpus 10 --self lambda/h100-sxm --managed fireworks/h100',
    'routefit self-managed --gpus 64 --self together/h100 --term 91-180d --managed fireworks/h100 --fte 3',
    'routefit self-managed --gpus 40 --self lambda/h100-sxm --managed baseten/h100 --fleet-by-quarter 60,45,40 --on-call 1 --json',
  ],
  run: (opts, { io }) => selfManaged(opts, io),
});
