import { findRoute } from '../../../catalog/lookup.js';
import { generateTraces, parseShift } from '../../../traces/generate.js';
import { loadWorkloadFile } from '../../../workload/load.js';
import { count } from '../../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../../io.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';

const options = {
  workload: opt.string('--workload <file>', 'workload or fleet YAML (its first route serves the traffic)').required(),
  out: opt.string('--out <file>', 'output file: .csv, .jsonl or .parquet').required(),
  days: opt.number('--days <n>', 'days of traffic', { min: 0, minExclusive: true, max: 3660 }).default(30),
  rows: opt.number('--rows <n>', 'about this many attempt rows', { min: 1, max: 1e9, integer: true }).default(10000),
  seed: opt.number('--seed <n>', 'random seed', { min: 0, max: 2 ** 32 - 1, integer: true }).default(1),
  start: opt.date('--start <date>', 'first day (UTC)').default('2026-05-01'),
  malformed: opt.number('--malformed <share>', 'share of rows written malformed, e.g. 0.001', { min: 0, max: 1, percent: true }).default(0),
  shift: opt.repeatable('--shift <spec>', 'planted shift KIND=DELTA@DAY[:WORKLOAD], repeatable (retry=+0.05@15, cache=-0.1@20, pass=-0.05@20, latency=3x@25, volume=3x@15:chat, fallback=+0.25@10)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type GenerateOpts = OptionValues<typeof options>;

async function generate(opts: GenerateOpts, io: Io): Promise<number> {
  const { days, rows, seed, malformed, start } = opts;
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
    rows,
    seed,
    malformed,
    start,
    modes,
    shifts: opts.shift.map(parseShift),
    format: format === 'jsonl' ? 'jsonl' : 'csv',
  });
  if (format === 'parquet') await (await import('../../../traces/convert.js')).csvToParquet(target, opts.out);
  if (opts.json) io.out(JSON.stringify({ out: opts.out, format, ...result }, null, 2) + '\n');
  else io.out(`${opts.out}: ${count(result.rows)} rows (${count(result.requests)} requests, ${count(result.malformed)} malformed) over ${days} days, seed ${seed}\n`);
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
