import { loadFleet } from '../../fleet/load.js';
import { readYaml } from '../../io/yaml-file.js';
import { type ForecastWorkload, type GrowthScenario, forecastSpend } from '../../engine/decisions/forecast.js';
import { loadWorkloadFile } from '../../workload/load.js';
import { prepareWorkloads } from '../../workload/prepare.js';
import { count, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { FORECAST_OPTIONS } from '../calculator-options.js';

const options = { ...FORECAST_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type ForecastOpts = OptionValues<typeof options>;

const scenarioText = (s: GrowthScenario) => (s.kind === 'flat' ? 'flat' : s.kind === 'one-grows' ? `${s.workload} grows to ${s.factor}× (others flat)` : `${s.kind} ${(s.perMonth * 100).toFixed(1)}%/month`);

/** The workloads of a workload or fleet file, with each one's current route (fleet `current_route`, else --route, else its first route). */
function workloadsOf(file: string, opts: ForecastOpts, io: Io): ForecastWorkload[] {
  const catalog = openCatalog(opts.catalog);
  const asOf = opts.asOf;
  const prep = { today: io.today, ...(asOf ? { asOf } : {}) };
  const data = readYaml(file).data;
  const isFleet = data !== null && typeof data === 'object' && 'workloads' in data;
  const rows = isFleet
    ? loadFleet(file, catalog, prep).workloads.map((w) => ({ prepared: w.prepared, current: w.brief.currentRoute }))
    : prepareWorkloads(loadWorkloadFile(file), catalog, prep).map((p) => ({ prepared: p, current: undefined as string | undefined }));
  return rows.map(({ prepared: p, current }) => {
    let cur = current;
    if (opts.route !== undefined) {
      const canonical = catalog.aliases.get(opts.route) ?? opts.route;
      if (!p.routes.some((r) => r.id === canonical)) throw new CliUsageError(`--route ${opts.route} is not a priced route of workload ${p.name} (${p.routes.map((r) => r.id).join(', ')})`);
      cur = canonical;
    }
    if (!p.routes.length) throw new CliUsageError(`workload ${p.name} has no priced route: ${p.unpriced.map((u) => `${u.route}: ${u.message}`).join('; ')}`);
    return { name: p.name, profile: p.profile, routes: p.routes, ...(cur ? { current: cur } : {}) };
  });
}

function forecastCommand(file: string, opts: ForecastOpts, io: Io): number {
  const horizon = opts.horizon;
  const budget = opts.budget;
  const monthly = opts.monthlyBudget;
  const scenario = opts.growth;
  const f = forecastSpend({ workloads: workloadsOf(file, opts, io), horizonMonths: horizon, scenario, ...(budget !== undefined ? { budgetTotal: budget } : {}), ...(monthly !== undefined ? { budgetMonthly: monthly } : {}) });
  if (opts.json) {
    io.out(JSON.stringify({ file, ...f }, null, 2) + '\n');
    return EXIT_OK;
  }
  const names = f.months[0]!.workloads.map((w) => w.name);
  const L = [
    `Spend forecast for ${file}: ${scenarioText(scenario)} over ${horizon} months (month 0 = today's volume)`,
    `Routes: ${f.months[0]!.workloads.map((w) => `${w.name} on ${w.route}`).join(', ')}`,
    '',
    table(
      ['Month', ...names.map((n) => `${n} req/mo`), 'Spend/mo', 'Cumulative', 'LCPR', 'Cheapest'],
      f.months.map((m) => [m.month, ...m.workloads.map((w) => count(w.requestsPerMonth)), usd(m.spend), usd(m.cumulative), usdPerRequest(m.lcpr), [...new Set(m.workloads.map((w) => w.cheapest))].join(', ')]),
      ['right', ...names.map(() => 'right' as const), 'right', 'right', 'right', 'left'],
    ),
    '',
  ];
  if (f.budgetMonthlyExceededAt !== undefined) L.push(`Monthly budget ${usd(monthly!)}: ${f.budgetMonthlyExceededAt === null ? 'not exceeded within the horizon' : `exceeded in month ${f.budgetMonthlyExceededAt}`}`);
  if (f.budgetTotalExhaustedAt !== undefined) L.push(`Budget ${usd(budget!)}: ${f.budgetTotalExhaustedAt === null ? 'not exhausted within the horizon' : `exhausted in month ${f.budgetTotalExhaustedAt}`}`);
  L.push(f.events.length ? 'Gates crossed:' : 'No gate is crossed within the horizon.');
  for (const e of f.events) L.push(`  month ${e.month}: ${e.detail} [${e.cite}]`);
  if (f.notes.length) L.push('', ...f.notes.map((n) => `Note: ${n}`));
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload or fleet YAML' }],
  options,
  examples: [
    'routefit forecast examples/saas-chat.yaml --growth linear:10% --horizon 12 --monthly-budget 15000',
    'routefit forecast examples/fleet.yaml --growth one-grows:support-resolution:3 --json',
    'routefit forecast examples/stage2.yaml --growth compound:8% --budget 500000',
  ],
  notes: 'Each month is priced by the same LCPR as `compare`; gates: the Volume Gate bands, the playbook stages and the Stage 1 volume exit, dedicated break-even (docs/calculators.md).',
  run: (opts, { args, io }) => forecastCommand(args[0]!, opts, io),
});
