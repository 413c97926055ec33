/** `routefit compare --uncertainty`: Monte Carlo over every input's spread (docs/uncertainty.md). */
import { migrationCost } from '../../engine/decisions/migration.js';
import { type Correlation, type MonteCarloResult, monteCarlo } from '../../engine/uncertainty/monte-carlo.js';
import { valueOf } from '../../engine/evidence.js';
import { count, percent, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { parseNumber } from '../flags.js';
import { type Priced, priceFile } from '../pricing.js';
import { fmtValue, pricedRoutes, unpricedNote } from '../uncertainty-text.js';
import type { PreparedWorkload } from '../../workload/prepare.js';
import type { CompareOptions } from '../commands/compare.js';

export function uncertaintyCommand(file: string, opts: CompareOptions, io: Io, measured?: (p: PreparedWorkload) => PreparedWorkload): number {
  if (opts.csv) throw new CliUsageError('--csv is not available with --uncertainty; use --json');
  if (opts.blend) throw new CliUsageError('--blend is not available with --uncertainty: decide per workload');
  const { samples, seed, staleAfter: staleAfterDays, migrationWeeks: weeks, migrationRate: rate } = opts;
  const horizonMonths = opts.horizon ?? 12;
  if (opts.current && weeks === undefined) throw new CliUsageError('--current needs --migration-weeks (engineer-weeks the move takes)');
  if (!opts.current && (weeks !== undefined || opts.horizon !== undefined)) throw new CliUsageError('--migration-weeks and --horizon need --current (the route you run today)');
  const correlations: Correlation[] = opts.correlate.map((spec) => {
    const m = /^([a-z_.]+):([a-z_.]+)=(.+)$/.exec(spec.trim());
    if (!m) throw new CliUsageError(`--correlate is "${spec}"; expected a:b=rho, e.g. retry_rate:quality_pass_rate=-0.5`);
    const rho = parseNumber(`--correlate ${m[1]}:${m[2]}`, m[3]!, { min: -1, max: 1 });
    return { inputs: [m[1]!, m[2]!], rho };
  });

  const priced = priceFile(file, opts, io.today, measured);
  const results = priced.map((p) => {
    const routes = pricedRoutes(p);
    if (opts.current && !routes.some((r) => r.id === opts.current)) {
      throw new CliUsageError(`--current "${opts.current}" is not a priced route of ${p.prepared.name} (${routes.map((r) => r.id).join(', ')})`);
    }
    const migration = opts.current
      ? { from: opts.current, oneTimeCost: migrationCost(weeks!, rate ?? valueOf(p.prepared.profile.engineeringHourlyRate)), horizonMonths }
      : undefined;
    const mc = monteCarlo(p.prepared.profile, routes, {
      asOf: p.prepared.asOf,
      ...(samples !== undefined ? { samples } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(staleAfterDays !== undefined ? { staleAfterDays } : {}),
      // The file's declared correlations first, then any --correlate flags.
      ...(correlations.length || p.prepared.correlations ? { correlations: [...(p.prepared.correlations ?? []), ...correlations] } : {}),
      ...(migration ? { migration } : {}),
    });
    return { priced: p, mc };
  });

  if (opts.json) {
    io.out(
      JSON.stringify(
        { file, workloads: results.map(({ priced: { prepared, comparison }, mc }) => ({ ...comparison, asOf: prepared.asOf, uncertainty: mc })) },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.out(results.map((r) => renderUncertainty(r.priced, r.mc)).join('\n\n') + '\n');
  }
  const unpriced = priced.some((p) => p.comparison.unpriced.length > 0);
  if (unpriced && opts.json) io.err('routefit: some routes could not be priced (see "unpriced"); exit code 2\n');
  return unpriced ? EXIT_BAD_INPUT : EXIT_OK;
}

function renderUncertainty(p: Priced, mc: MonteCarloResult): string {
  const lines = [
    `${p.prepared.name} — Monte Carlo, ${count(mc.samples)} samples, seed ${mc.seed} · priced as of ${p.prepared.asOf}`,
    '',
  ];
  const payback = mc.migration;
  lines.push(
    table(
      ['Route', 'LCPR (point)', 'P10', 'P50', 'P90', 'Monthly P10–P90', 'P(cheapest)', ...(payback ? [`P(payback ≤ ${fmtValue(payback.horizonMonths)} mo)`] : [])],
      mc.routes.map((r) => [
        r.route,
        usdPerRequest(r.pointLcpr),
        usdPerRequest(r.lcpr.p10),
        usdPerRequest(r.lcpr.p50),
        usdPerRequest(r.lcpr.p90),
        `${usd(r.monthlyCost.p10)}–${usd(r.monthlyCost.p90)}`,
        percent(r.winProbability),
        ...(payback ? [r.paybackProbability === undefined ? 'current' : percent(r.paybackProbability)] : []),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  lines.push('');
  if (mc.recommended) {
    const w = mc.routes[0]!;
    lines.push(
      `Cheapest: ${mc.recommended} in ${percent(w.winProbability)} of samples — the chance this pick is wrong is ${percent(mc.wrongPickProbability)}.`,
    );
  } else {
    lines.push('No route could be priced in any sample.');
  }
  if (payback) lines.push(`Migration from ${payback.from}: one-time ${usd(payback.oneTimeCost)}, payback counted within ${fmtValue(payback.horizonMonths)} months of cutover.`);
  for (const n of mc.notes) lines.push(`Note: ${n}.`);
  if (mc.invalidSamples) lines.push(`! ${count(mc.invalidSamples)} samples were inconsistent and left out (${mc.invalidReason}).`);

  const voi = mc.valueOfInformation.filter((v) => v.unmeasured).slice(0, 5);
  lines.push('', 'Which measurement would settle it (unmeasured inputs, by how much knowing them cuts the chance of a wrong pick):');
  if (mc.wrongPickProbability === 0) {
    lines.push('  None needed: the same route is cheapest in every sample.');
  } else if (voi.length === 0) {
    lines.push('  Every input with a spread is already measured; narrow the measured ones or declare tighter ranges.');
  } else {
    lines.push(
      table(
        ['Input', 'Status', 'P(wrong) now', 'If measured', 'Overspend avoided/mo'],
        voi.map((v) => [v.route ? `${v.route} ${v.name}` : v.name, v.status, percent(v.wrongPickNow), percent(v.wrongPickIfMeasured), usd(v.regretAvoidedPerMonth)]),
        ['left', 'left', 'right', 'right', 'right'],
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    const best = voi[0]!;
    lines.push(`  → Measure ${best.route ? `${best.route} ${best.name}` : best.name} first (differences under ~1 point are sampling noise).`);
  }

  lines.push('', 'Inputs (value · status · spread used):');
  const width = Math.max(...mc.inputs.map((i) => (i.route ? `${i.route} ${i.name}` : i.name).length));
  for (const i of mc.inputs) {
    const name = i.route ? `${i.route} ${i.name}` : i.name;
    lines.push(`  ${name.padEnd(width)}  ${fmtValue(i.value).padStart(9)}  ${i.status.padEnd(18)}  ${i.description} — ${i.basis}`);
  }
  lines.push(...unpricedNote(p));
  return lines.join('\n');
}
