import { type Command, Option } from 'commander';
import { loadFleet } from '../../fleet/load.js';
import { readYaml } from '../../io/yaml-file.js';
import { type ForecastWorkload, forecastSpend, parseScenario } from '../../engine/decisions/forecast.js';
import { loadWorkloadFile } from '../../workload/load.js';
import { prepareWorkloads } from '../../workload/prepare.js';
import { count, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { num } from './capacity-shared.js';
import { openCatalog, parseDate } from './shared.js';

export interface ForecastOpts {
  horizon?: string;
  growth?: string;
  route?: string;
  budget?: string;
  monthlyBudget?: string;
  asOf?: string;
  json?: boolean;
  catalog?: string;
}

/** The workloads of a workload or fleet file, with each one's current route (fleet `current_route`, else --route, else its first route). */
function workloadsOf(file: string, opts: ForecastOpts, io: Io): ForecastWorkload[] {
  const catalog = openCatalog(opts.catalog);
  const asOf = parseDate('--as-of', opts.asOf);
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

export function forecastCommand(file: string, opts: ForecastOpts, io: Io): number {
  const horizon = num('--horizon', opts.horizon ?? '12', { min: 1, max: 120 })!;
  if (!Number.isInteger(horizon)) throw new CliUsageError(`--horizon must be a whole number of months (1-120); got "${opts.horizon}"`);
  const budget = num('--budget', opts.budget, { min: 0, minExclusive: true });
  const monthly = num('--monthly-budget', opts.monthlyBudget, { min: 0, minExclusive: true });
  const scenario = parseScenario(opts.growth ?? 'flat');
  const f = forecastSpend({ workloads: workloadsOf(file, opts, io), horizonMonths: horizon, scenario, ...(budget !== undefined ? { budgetTotal: budget } : {}), ...(monthly !== undefined ? { budgetMonthly: monthly } : {}) });
  if (opts.json) {
    io.out(JSON.stringify({ file, ...f }, null, 2) + '\n');
    return EXIT_OK;
  }
  const names = f.months[0]!.workloads.map((w) => w.name);
  const L = [
    `Spend forecast for ${file}: ${opts.growth ?? 'flat'} over ${horizon} months (month 0 = today's volume)`,
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

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

export function registerForecast(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('forecast')
    .description('monthly spend and LCPR over the planning horizon under a growth scenario, with the months a budget runs out and a gate is crossed')
    .argument('<file>', 'workload or fleet YAML')
    .option('--horizon <months>', 'planning horizon in months', '12')
    .option('--growth <scenario>', 'flat, linear:10% (of today\'s volume per month), compound:5%, one-grows:WORKLOAD[:3]', 'flat')
    .option('--route <id>', "price every workload on this route (default: a fleet's current_route, else the workload's first route)")
    .option('--budget <usd>', 'total budget over the horizon: the month cumulative spend passes it')
    .option('--monthly-budget <usd>', 'monthly budget: the first month spend passes it')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one'))
    .addHelpText(
      'after',
      examples([
        'routefit forecast examples/saas-chat.yaml --growth linear:10% --horizon 12 --monthly-budget 15000',
        'routefit forecast examples/fleet.yaml --growth one-grows:support-resolution:3 --json',
        'routefit forecast examples/stage2.yaml --growth compound:8% --budget 500000',
      ]) + '\nEach month is priced by the same LCPR as `compare`; gates: Volume Gate bands, playbook stages and Stage 1 volume exit, dedicated break-even (docs/calculators.md).\n',
    )
    .action((file: string, opts) => setCode(forecastCommand(file, opts, io)));
}
