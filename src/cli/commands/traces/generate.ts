import { findRoute } from '../../../catalog/lookup.js';
import { generateTraces, parseShift } from '../../../traces/generate.js';
import { loadWorkloadFile } from '../../../workload/load.js';
import { valueOf } from '../../../engine/evidence.js';
import { count } from '../../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../../io.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';

const options = {
  workload: opt.string('--workload <file>', 'workload or fleet YAML (its first route serves the traffic)').required(),
  out: opt.string('--out <file>', 'output file: .csv, .jsonl or .parquet').required(),
  days: opt.number('--days <n>', "days of traffic (default: the calendar month that --start begins, so a monthly invoice lines up)", { min: 0, minExclusive: true, max: 3660 }),
  rows: opt.number('--rows <n>', "a sample of about this many attempt rows; every count is scaled by rows ÷ the workload's volume, stated in the output (default: the workload's volume over --days)", { min: 1, max: 1e9, integer: true }),
  seed: opt.number('--seed <n>', 'random seed', { min: 0, max: 2 ** 32 - 1, integer: true }).default(1),
  start: opt.date('--start <date>', 'first day (UTC)').default('2026-05-01'),
  malformed: opt.number('--malformed <share>', 'share of rows written malformed, e.g. 0.001', { min: 0, max: 1, percent: true }).default(0),
  shift: opt.repeatable('--shift <spec>', 'planted shift KIND=DELTA@DAY[:WORKLOAD], repeatable (retry=+0.05@15, cache=-0.1@20, pass=-0.05@20, latency=3x@25, volume=3x@15:chat, fallback=+0.25@10)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type GenerateOpts = OptionValues<typeof options>;

/** Days from `start` to the same day of the next month: 31 from 2026-05-01. */
function monthFrom(start: string): number {
  const d = new Date(`${start}T00:00:00Z`);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  return Math.round((next - d.getTime()) / 86_400_000);
}

async function generate(opts: GenerateOpts, io: Io): Promise<number> {
  const { rows, seed, malformed, start } = opts;
  const days = opts.days ?? monthFrom(start);
  const lower = opts.out.toLowerCase();
  const format = lower.endsWith('.csv') ? 'csv' : lower.endsWith('.jsonl') || lower.endsWith('.ndjson') ? 'jsonl' : lower.endsWith('.parquet') ? 'parquet' : undefined;
  if (!format) throw new CliUsageError(`--out must end in .csv, .jsonl or .parquet; got "${opts.out}"`);
  const loaded = loadWorkloadFile(opts.workload);
  const catalog = openCatalog(opts.catalog);
  const modes = new Map<string, string>();
  for (const w of loaded.workloads) {
    for (const { entry } of w.routes) {
      const id = typeof entry === 'string' ? entry : entry.route;
      try {
        modes.set(id, findRoute(catalog, id).mode);
      } catch {
        // A route the catalog does not know keeps an empty deployment column.
      }
    }
  }
  const target = format === 'parquet' ? `${opts.out}.tmp.csv` : opts.out;
  const result = generateTraces(target, {
    workloads: loaded.workloads,
    days,
    ...(rows !== undefined ? { rows } : {}),
    seed,
    malformed,
    start,
    modes,
    shifts: opts.shift.map(parseShift),
    format: format === 'jsonl' ? 'jsonl' : 'csv',
  });
  // Typed columns unless rows were planted malformed (a typed column cannot hold them).
  if (format === 'parquet') await (await import('../../../traces/convert.js')).csvToParquet(target, opts.out, { typed: result.malformed === 0 });
  const volume = loaded.workloads.reduce((s, w) => s + valueOf(w.profile.requestsPerMonth), 0);
  const span = `over ${days} days from ${start}${opts.days === undefined ? ' (a calendar month)' : ''}`;
  const basis =
    rows === undefined
      ? `the workload's volume: ${count(volume)} requests/month`
      : `a sample: ${(result.sampleFraction * 100).toPrecision(3)}% of the workload's ${count(volume)} requests/month (${count(result.volumeAttempts)} attempts over the window); multiply measured counts and volume by ${Number((1 / result.sampleFraction).toPrecision(4))} to read them at the workload's volume`;
  if (opts.json) io.out(JSON.stringify({ out: opts.out, format, days, start, requestsPerMonth: volume, ...result }, null, 2) + '\n');
  else io.out(`${opts.out}: ${count(result.rows)} rows (${count(result.requests)} requests, ${count(result.malformed)} malformed) ${span}, seed ${seed} — ${basis}\n`);
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit traces generate --workload examples/saas-chat.yaml --days 30 --rows 100000 --seed 7 --out may.csv',
    'routefit traces generate --workload examples/stage1-split.yaml --rows 1000000 --out big.parquet --malformed 0.001',
    'routefit traces generate --workload examples/saas-chat.yaml --shift retry=+0.06@20 --out drift.csv',
  ],
  run: (opts, { io }) => generate(opts, io),
});
