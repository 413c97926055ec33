import { findRoute, pointAt } from '../../catalog/lookup.js';
import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { type FleetHealth, type Overhead, devolutionSignals, managedVsSelfManaged } from '../../engine/capacity/self-managed.js';
import { count, percent, table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { stepLines, today } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = {
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
  json: opt.json(),
  catalog: opt.catalog(),
};
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
