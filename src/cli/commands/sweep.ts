import { fieldOptions } from '../field-flags.js';
import { type Sweep, logGrid, sweep, sweepOutputTokens } from '../../engine/uncertainty/sweep.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { Opt, type OptionValues, defineCommand, opt } from '../command.js';
import { parseSpan } from '../flags.js';
import { pickWorkloads, priceFile } from '../pricing.js';
import { asUsage, pricedRoutes, renderSweep, unpricedNote } from '../uncertainty-text.js';

type Span = ReturnType<typeof parseSpan>;
const DEFAULT_VOLUME = '1e4:1e8';

const options = {
  volume: new Opt<Span>('--volume [lo:hi]', 'requests per month, log-spaced (default 1e4:1e8: 10K to 100M; also what sweep does with neither flag)', (t) => {
    const s = parseSpan('--volume', t);
    if (!(s.lo > 0)) throw new CliUsageError(`--volume is "${t}"; requests per month must be above 0`);
    return s;
  }).preset(DEFAULT_VOLUME),
  outputTokens: new Opt<Span>('--output-tokens [lo:hi[:step]]', 'output tokens per request (default 100:2000; e.g. 100:2000:50)', (t) => parseSpan('--output-tokens', t)).preset('100:2000'),
  pointsPerDecade: opt.number('--points-per-decade <n>', 'volume grid density', { min: 1, max: 100, integer: true }).default(4),
  routes: opt.string('--routes <ids>', 'only these routes, comma-separated'),
  workload: opt.string('--workload <name>', 'which workload, when the file holds several'),
  asOf: opt.asOf(),
  json: opt.json(),
  catalog: opt.catalog(),
  // --output-tokens is the sweep's own axis here, not the field flag.
  ...fieldOptions('outputTokens'),
};
type SweepOptions = OptionValues<typeof options>;

function sweepCmd(file: string, opts: SweepOptions, io: Io): number {
  const perDecade = opts.pointsPerDecade;
  // Neither flag: the volume sweep over the range --help promises (10K to 100M requests per month).
  const volume = opts.volume ?? (opts.outputTokens ? undefined : parseSpan('--volume', DEFAULT_VOLUME));
  const output = opts.outputTokens;
  const priced = pickWorkloads(priceFile(file, { ...opts, outputTokens: undefined }, io.today), file, opts.workload);
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

export default defineCommand({
  args: [{ name: '<file>', description: 'workload or fleet YAML' }],
  options,
  examples: [
    'routefit sweep examples/saas-chat.yaml --volume 1e4:1e8',
    'routefit sweep examples/saas-chat.yaml --volume --output-tokens     # 10K–100M requests, 100–2,000 tokens',
    'routefit sweep examples/saas-chat.yaml --volume 1e4:1e8 --output-tokens 100:2000:100 --json',
  ],
  run: (opts, { args, io }) => sweepCmd(args[0]!, opts, io),
});
