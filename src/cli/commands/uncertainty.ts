import { type Command, Option } from 'commander';
import type { RouteSpec } from '../../engine/cost/lcpr.js';
import { findLever } from '../../engine/uncertainty/levers.js';
import { migrationCost } from '../../engine/decisions/migration.js';
import { type Correlation, DEFAULT_SAMPLES, DEFAULT_SEED, type MonteCarloResult, monteCarlo } from '../../engine/uncertainty/monte-carlo.js';
import { STALE_AFTER_DAYS } from '../../engine/uncertainty/confidence.js';
import { type LeverRange, type RouteTornado, tornado } from '../../engine/uncertainty/sensitivity.js';
import { type Sweep, linearGrid, logGrid, sweep, sweepOutputTokens } from '../../engine/uncertainty/sweep.js';
import { valueOf } from '../../engine/evidence.js';
import { RoutefitError } from '../../engine/errors.js';
import { count, percent, table, usd, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import type { CompareOptions } from './compare.js';
import { type Priced, type PricingOptions, priceFile } from './shared.js';
import type { PreparedWorkload } from '../../workload/prepare.js';

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** `routefit sensitivity`, `routefit sweep`, and `--uncertainty` on `routefit compare` (issue 6). */
export function registerUncertaintyCommands(program: Command, io: Io, setCode: (c: number) => void): void {
  const catalogOpt = () => new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one');
  const collect = (v: string, prev: string[] = []) => [...prev, v];

  program
    .command('sensitivity')
    .description('tornado ranking: how much each input moves each route\'s LCPR, and where the cheapest route flips')
    .argument('<file>', 'workload or fleet YAML')
    .option('--vary <input=lo:hi[:step]>', 'swing this input over a range and tabulate it (repeatable)', collect)
    .option('--route <ids>', 'only these routes, comma-separated')
    .option('--workload <name>', 'which workload, when the file holds several')
    .option('--top <n>', 'show the n largest levers per route')
    .option('--stale-after <days>', `a measurement older than this counts as stale (default ${STALE_AFTER_DAYS})`)
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit sensitivity examples/saas-chat.yaml',
        'routefit sensitivity examples/saas-chat.yaml --vary retry_rate=0:0.3:0.05 --route openai/gpt-5.5,together/deepseek-v3',
        'routefit sensitivity examples/saas-chat.yaml --vary quality_pass_rate=0.7:0.99:0.05 --json',
      ]) +
        '\nInputs without --vary swing between the P10 and P90 of their spread: assumed ±50%, estimated ±25%, measured ±5%,\nor the range declared in the file (range: [lo, hi]).\n',
    )
    .action((file: string, opts) => setCode(sensitivityCommand(file, opts, io)));

  program
    .command('sweep')
    .description('price every route across request volume and/or output length and mark where the cheapest route changes')
    .argument('<file>', 'workload or fleet YAML')
    .option('--volume [lo:hi]', 'requests per month, log-spaced (default 1e4:1e8: 10K to 100M)')
    .option('--output-tokens [lo:hi[:step]]', 'output tokens per request (default 100:2000; e.g. 100:2000:50)')
    .option('--points-per-decade <n>', 'volume grid density (default 4)')
    .option('--routes <ids>', 'only these routes, comma-separated')
    .option('--workload <name>', 'which workload, when the file holds several')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit sweep examples/saas-chat.yaml --volume 1e4:1e8',
        'routefit sweep examples/saas-chat.yaml --volume --output-tokens     # 10K–100M requests, 100–2,000 tokens',
        'routefit sweep examples/saas-chat.yaml --volume 1e4:1e8 --output-tokens 100:2000:100 --json',
      ]),
    )
    .action((file: string, opts) => setCode(sweepCommand(file, opts, io)));

  // `compare --uncertainty`: the options live here so program.ts keeps one line for this issue.
  const compare = program.commands.find((c) => c.name() === 'compare');
  if (!compare) throw new Error('registerUncertaintyCommands must run after the compare command is defined');
  compare
    .option('--uncertainty', 'Monte Carlo: P10–P90 of LCPR and monthly cost, win probability, and which measurement would settle the pick')
    .option('--samples <n>', `Monte Carlo samples (default ${DEFAULT_SAMPLES.toLocaleString('en-US')})`)
    .option('--seed <n>', `Monte Carlo seed; the same seed gives the same answer (default ${DEFAULT_SEED})`)
    .option('--correlate <a:b=rho>', 'two inputs that move together, e.g. retry_rate:quality_pass_rate=-0.5 (repeatable)', collect)
    .option('--stale-after <days>', `a measurement older than this counts as stale (default ${STALE_AFTER_DAYS})`)
    .option('--current <route>', 'the route you run today: adds the probability that migrating pays back')
    .option('--migration-weeks <n>', 'engineer-weeks the migration takes (with --current)')
    .option('--migration-rate <usd>', 'USD per engineering hour for the migration (default: the workload\'s engineering_hourly_rate)')
    .option('--horizon <months>', 'planning horizon for the payback probability (default 12)')
    .addHelpText(
      'after',
      examples([
        'routefit compare examples/uncertain-race.yaml --uncertainty',
        'routefit compare examples/saas-chat.yaml --uncertainty --samples 20000 --seed 7 --json',
        'routefit compare examples/saas-chat.yaml --uncertainty --current openai/gpt-5.5 --migration-weeks 8 --horizon 12',
      ]).replace('Examples:', 'Examples with --uncertainty (see docs/uncertainty.md):'),
    );
  // The action stays compare's own dispatcher (compare-dispatch.ts), which routes --uncertainty here.
}

// ---------- parsing ----------

function num(flag: string, text: string | undefined, range: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean } = {}): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(v) &&
    (range.min === undefined || (range.minExclusive ? v > range.min : v >= range.min)) &&
    (range.max === undefined || v <= range.max) &&
    (!range.integer || Number.isInteger(v));
  if (!ok) {
    const lo = range.min === undefined ? '' : `${range.min} ${range.minExclusive ? '<' : '≤'} `;
    const hi = range.max === undefined ? '' : ` ≤ ${range.max}`;
    throw new CliUsageError(`${flag} is "${text}"; allowed ${range.integer ? 'a whole number ' : ''}${lo}value${hi}`);
  }
  return v;
}

/** `lo:hi` or `lo:hi:step`. */
function span(flag: string, text: string): { lo: number; hi: number; step?: number } {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) throw new CliUsageError(`${flag} is "${text}"; expected lo:hi or lo:hi:step (e.g. 0:0.3:0.05)`);
  const lo = num(flag, parts[0])!;
  const hi = num(flag, parts[1])!;
  if (!(lo <= hi)) throw new CliUsageError(`${flag} is "${text}"; the low end must not exceed the high end`);
  const step = parts[2] === undefined ? undefined : num(flag, parts[2], { min: 0, minExclusive: true });
  return { lo, hi, ...(step !== undefined ? { step } : {}) };
}

function list(text: string | undefined): string[] | undefined {
  const out = text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return out?.length ? out : undefined;
}

function pickWorkloads(priced: Priced[], file: string, name: string | undefined): Priced[] {
  if (!name) return priced;
  const found = priced.filter((p) => p.prepared.name === name);
  if (!found.length) throw new CliUsageError(`--workload "${name}" is not in ${file}; it has: ${priced.map((p) => p.prepared.name).join(', ')}`);
  return found;
}

/** Only the routes compareRoutes could price: the rest are listed as unpriced, never varied at $0. */
function pricedRoutes({ prepared, comparison }: Priced): RouteSpec[] {
  const ok = new Set(comparison.routes.map((r) => r.route));
  return prepared.routes.filter((r) => ok.has(r.id));
}

function unpricedNote({ comparison }: Priced): string[] {
  return comparison.unpriced.length ? ['', 'Unpriced — left out, never counted as $0:', ...comparison.unpriced.map((u) => `  ${u.route}: ${u.message}`)] : [];
}

/** Engine errors about a lever name or range are usage errors here: the user typed them in a flag. */
function asUsage<T>(flag: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RoutefitError && err.code === 'invalid_input') throw new CliUsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

const fmtValue = (v: number) => (Math.abs(v) >= 1000 ? count(v) : String(Number(v.toPrecision(4))));

// ---------- sensitivity ----------

interface SensitivityOptions extends PricingOptions {
  vary?: string[];
  route?: string;
  workload?: string;
  top?: string;
  staleAfter?: string;
  json?: boolean;
}

export function sensitivityCommand(file: string, opts: SensitivityOptions, io: Io): number {
  const top = num('--top', opts.top, { min: 1, integer: true });
  const staleAfterDays = num('--stale-after', opts.staleAfter, { min: 0, minExclusive: true });
  const varies = (opts.vary ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 1) throw new CliUsageError(`--vary is "${spec}"; expected input=lo:hi[:step], e.g. retry_rate=0:0.3:0.05`);
    const lever = asUsage('--vary', () => findLever(spec.slice(0, eq).trim()));
    const { lo, hi, step } = span(`--vary ${lever.name}`, spec.slice(eq + 1));
    return { lever, lo, hi, values: asUsage(`--vary ${lever.name}`, () => linearGrid(lo, hi, step ?? (hi - lo || 1) / 10)) };
  });
  const routeIds = list(opts.route);
  const priced = pickWorkloads(priceFile(file, { ...opts, routes: undefined }, io.today), file, opts.workload);
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

/** A text tornado bar: one block per 5% of LCPR, capped at 20. */
function bar(share: number): string {
  return '█'.repeat(Math.min(20, Math.round(share * 20))).padEnd(20, ' ');
}

function renderSweep(s: Sweep): string[] {
  const routes = [...new Set(s.points.flatMap((p) => p.routes.map((r) => r.route)))];
  const lines = [`${s.name} sweep — LCPR per accepted request; * marks the cheapest`];
  lines.push(
    table(
      [s.name, ...routes, 'Cheapest'],
      s.points.map((p) => [
        fmtValue(p.value),
        ...routes.map((id) => {
          const r = p.routes.find((x) => x.route === id);
          return r ? `${usdPerRequest(r.lcpr)}${p.cheapest === id ? '*' : ' '}` : 'unpriced';
        }),
        p.cheapest ?? '—',
      ]),
      ['right', ...routes.map(() => 'right' as const), 'left'],
    ),
  );
  if (s.crossovers.length === 0) lines.push(`No crossover: ${s.points[0]?.cheapest ?? 'no route'} stays cheapest from ${fmtValue(s.points[0]!.value)} to ${fmtValue(s.points.at(-1)!.value)}.`);
  for (const c of s.crossovers) lines.push(`Crossover: ${c.to} overtakes ${c.from} at ${s.name} ≈ ${fmtValue(c.at)}.`);
  return lines;
}

// ---------- sweep ----------

interface SweepOptions extends PricingOptions {
  /** true when the flag is given without a range: the issue's defaults. */
  volume?: string | true;
  outputTokens?: string | true;
  pointsPerDecade?: string;
  workload?: string;
  json?: boolean;
}

export function sweepCommand(file: string, opts: SweepOptions, io: Io): number {
  if (!opts.volume && !opts.outputTokens) throw new CliUsageError('sweep needs --volume lo:hi and/or --output-tokens lo:hi[:step]');
  const perDecade = num('--points-per-decade', opts.pointsPerDecade, { min: 1, max: 100, integer: true }) ?? 4;
  const volume = opts.volume ? span('--volume', opts.volume === true ? '1e4:1e8' : opts.volume) : undefined;
  if (volume && !(volume.lo > 0)) throw new CliUsageError(`--volume is "${opts.volume}"; requests per month must be above 0`);
  const output = opts.outputTokens ? span('--output-tokens', opts.outputTokens === true ? '100:2000' : opts.outputTokens) : undefined;
  const priced = pickWorkloads(priceFile(file, opts, io.today), file, opts.workload);
  const results = priced.map((p) => {
    const routes = pricedRoutes(p);
    const sweeps: Sweep[] = [];
    if (volume) sweeps.push(asUsage('--volume', () => sweep(p.prepared.profile, routes, 'requestsPerMonth', logGrid(volume.lo, volume.hi, perDecade), { scale: 'log' })));
    if (output) {
      const step = output.step ?? Math.max(1, Math.round((output.hi - output.lo) / 19));
      sweeps.push(asUsage('--output-tokens', () => sweepOutputTokens(p.prepared.profile, routes, output.lo, output.hi, step)));
    }
    return { priced: p, sweeps };
  });
  if (opts.json) {
    io.out(
      JSON.stringify({ file, workloads: results.map((r) => ({ workload: r.priced.prepared.name, asOf: r.priced.prepared.asOf, sweeps: r.sweeps, unpriced: r.priced.comparison.unpriced })) }, null, 2) +
        '\n',
    );
  } else {
    io.out(
      results
        .map((r) => [`${r.priced.prepared.name} · priced as of ${r.priced.prepared.asOf}`, ...r.sweeps.flatMap((s) => ['', ...renderSweep(s)]), ...unpricedNote(r.priced)].join('\n'))
        .join('\n\n') + '\n',
    );
  }
  return results.some((r) => r.priced.comparison.unpriced.length) ? EXIT_BAD_INPUT : EXIT_OK;
}

// ---------- compare --uncertainty ----------

export interface UncertaintyOptions {
  uncertainty?: boolean;
  samples?: string;
  seed?: string;
  correlate?: string[];
  staleAfter?: string;
  current?: string;
  migrationWeeks?: string;
  migrationRate?: string;
  horizon?: string;
}

export function uncertaintyCommand(file: string, opts: CompareOptions & UncertaintyOptions, io: Io, measured?: (p: PreparedWorkload) => PreparedWorkload): number {
  if (opts.csv) throw new CliUsageError('--csv is not available with --uncertainty; use --json');
  if (opts.blend) throw new CliUsageError('--blend is not available with --uncertainty: decide per workload');
  const samples = num('--samples', opts.samples, { min: 1, max: 1_000_000, integer: true });
  const seed = num('--seed', opts.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  const staleAfterDays = num('--stale-after', opts.staleAfter, { min: 0, minExclusive: true });
  const horizonMonths = num('--horizon', opts.horizon, { min: 0, minExclusive: true }) ?? 12;
  const weeks = num('--migration-weeks', opts.migrationWeeks, { min: 0 });
  const rate = num('--migration-rate', opts.migrationRate, { min: 0 });
  if (opts.current && weeks === undefined) throw new CliUsageError('--current needs --migration-weeks (engineer-weeks the move takes)');
  if (!opts.current && (weeks !== undefined || opts.horizon !== undefined)) throw new CliUsageError('--migration-weeks and --horizon need --current (the route you run today)');
  const correlations: Correlation[] = (opts.correlate ?? []).map((spec) => {
    const m = /^([a-z_.]+):([a-z_.]+)=(.+)$/.exec(spec.trim());
    if (!m) throw new CliUsageError(`--correlate is "${spec}"; expected a:b=rho, e.g. retry_rate:quality_pass_rate=-0.5`);
    const rho = num(`--correlate ${m[1]}:${m[2]}`, m[3], { min: -1, max: 1 })!;
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
