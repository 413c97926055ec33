import { findLever } from '../../engine/uncertainty/levers.js';
import { STALE_AFTER_DAYS } from '../../engine/uncertainty/confidence.js';
import { type LeverRange, type RouteTornado, tornado } from '../../engine/uncertainty/sensitivity.js';
import { type Sweep, linearGrid, sweep } from '../../engine/uncertainty/sweep.js';
import { percent, table, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { parseList, parseSpan } from '../flags.js';
import { type Priced, pickWorkloads, priceFile } from '../pricing.js';
import { fieldOptions } from '../field-flags.js';
import { asUsage, bar, fmtValue, pricedRoutes, renderSweep, unpricedNote } from '../uncertainty-text.js';

const options = {
  vary: opt.repeatable('--vary <input=lo:hi[:step]>', 'swing this input over a range and tabulate it (repeatable)'),
  route: opt.string('--route <ids>', 'only these routes, comma-separated'),
  workload: opt.string('--workload <name>', 'which workload, when the file holds several'),
  top: opt.number('--top <n>', 'show the n largest levers per route', { min: 1, integer: true }),
  staleAfter: opt.number('--stale-after <days>', `a measurement older than this counts as stale (default ${STALE_AFTER_DAYS})`, { min: 0, minExclusive: true }),
  asOf: opt.asOf(),
  json: opt.json(),
  catalog: opt.catalog(),
  ...fieldOptions(),
};
type SensitivityOptions = OptionValues<typeof options>;

function sensitivity(file: string, opts: SensitivityOptions, io: Io): number {
  const top = opts.top;
  const staleAfterDays = opts.staleAfter;
  const varies = opts.vary.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 1) throw new CliUsageError(`--vary is "${spec}"; expected input=lo:hi[:step], e.g. retry_rate=0:0.3:0.05`);
    const lever = asUsage('--vary', () => findLever(spec.slice(0, eq).trim()));
    const { lo, hi, step } = parseSpan(`--vary ${lever.name}`, spec.slice(eq + 1));
    return { lever, lo, hi, values: asUsage(`--vary ${lever.name}`, () => linearGrid(lo, hi, step ?? (hi - lo || 1) / 10)) };
  });
  const routeIds = parseList(opts.route);
  const priced = pickWorkloads(priceFile(file, opts, io.today), file, opts.workload);
  const ranges: LeverRange[] = varies.map((v) => ({ lever: v.lever.key, low: v.lo, high: v.hi }));

  const results = priced.map((p) => {
    const routes = pricedRoutes(p);
    if (routeIds) {
      const missing = routeIds.filter((id) => !routes.some((r) => r.id === id));
      if (missing.length) throw new CliUsageError(`--route names ${missing.map((m) => `"${m}"`).join(', ')}, not a priced route of ${p.prepared.name} (${routes.map((r) => r.id).join(', ')})`);
    }
    const chosen = routeIds ? routes.filter((r) => routeIds.includes(r.id)) : routes;
    const tornados = asUsage('--vary', () =>
      tornado(p.prepared.profile, chosen, { ranges, asOf: p.prepared.asOf, ...(staleAfterDays ? { staleAfterDays } : {}) }),
    ).map((t) => (top ? { ...t, bars: t.bars.slice(0, top) } : t));
    // Sweeps keep every priced route: a crossover is about the ranking, not the routes --route picked.
    const sweeps = varies.map((v) => asUsage('--vary', () => sweep(p.prepared.profile, routes, v.lever.key, v.values)));
    return { priced: p, tornados, sweeps };
  });

  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          file,
          workloads: results.map((r) => ({ workload: r.priced.prepared.name, asOf: r.priced.prepared.asOf, tornado: r.tornados, sweeps: r.sweeps, unpriced: r.priced.comparison.unpriced })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.out(results.map((r) => renderSensitivity(r.priced, r.tornados, r.sweeps)).join('\n\n') + '\n');
  }
  return results.some((r) => r.priced.comparison.unpriced.length) ? EXIT_BAD_INPUT : EXIT_OK;
}

function renderSensitivity(p: Priced, tornados: RouteTornado[], sweeps: Sweep[]): string {
  const lines = [`${p.prepared.name} — one input at a time, the others at their values · priced as of ${p.prepared.asOf}`];
  for (const t of tornados) {
    lines.push('', `${t.route} — LCPR ${usdPerRequest(t.baseLcpr)}; largest swing first`);
    lines.push(
      table(
        ['Input', 'Evidence', 'Value', 'Low → high', 'LCPR at low', 'LCPR at high', 'Swing', 'Range from'],
        t.bars.map((b) => [
          b.name,
          b.evidence,
          fmtValue(b.base),
          `${fmtValue(b.low)} → ${fmtValue(b.high)}`,
          usdPerRequest(b.lcprAtLow),
          usdPerRequest(b.lcprAtHigh),
          `${bar(b.swingShare)} ${percent(b.swingShare)}`,
          b.rangeFrom === 'given' ? '--vary' : b.basis,
        ]),
        ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'],
      ),
    );
    for (const s of t.skipped) lines.push(`  skipped ${s.lever}: ${s.reason}`);
  }
  for (const s of sweeps) lines.push('', ...renderSweep(s));
  lines.push(...unpricedNote(p));
  return lines.join('\n');
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload or fleet YAML' }],
  options,
  examples: [
    'routefit sensitivity examples/saas-chat.yaml',
    'routefit sensitivity examples/saas-chat.yaml --vary retry_rate=0:0.3:0.05 --route openai/gpt-5.5,together/deepseek-v3',
    'routefit sensitivity examples/saas-chat.yaml --vary quality_pass_rate=0.7:0.99:0.05 --json',
  ],
  notes: 'Inputs without --vary swing between the P10 and P90 of their spread: assumed ±50%, estimated ±25%, measured ±5%,\nor the range declared in the file (range: [lo, hi]).',
  run: (opts, { args, io }) => sensitivity(args[0]!, opts, io),
});
