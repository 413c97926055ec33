import { findRoute, pointAt } from '../../catalog/lookup.js';
import { RoutefitError } from '../../engine/errors.js';
import { overheadPerDay, selfHostingTco } from '../../engine/capacity/tco.js';
import { type Overhead } from '../../engine/capacity/self-managed.js';
import { loadTcoFile } from '../../io/tco-file.js';
import { table, usd } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { fmtTokens, tokenRoute } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  asOf: opt.asOf('prices in force on this date (YYYY-MM-DD)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type TcoOpts = OptionValues<typeof options>;

function tco(file: string, opts: TcoOpts, io: Io): number {
  const file_ = loadTcoFile(file);
  const f = file_.tco;
  const asOf = opts.asOf ?? file_.as_of ?? io.today;
  const needCatalog = f.serverless_route !== undefined || f.instance.sku !== undefined;
  const catalog = needCatalog ? openCatalog(opts.catalog) : undefined;
  let serverlessPerMillion = f.serverless_per_million;
  let serverlessSource = 'the tco block';
  if (serverlessPerMillion === undefined) {
    const r = tokenRoute(catalog!, f.serverless_route!, asOf);
    serverlessPerMillion = r.price.output!.value;
    serverlessSource = `${r.id} output price (${r.provenance?.source ?? 'catalog'})`;
  }
  const i = f.instance;
  let onDemand = i.on_demand_hourly;
  let reserved = i.reserved_hourly;
  let instanceName = i.name ?? i.sku ?? 'instance';
  if (i.sku) {
    const e = findRoute(catalog!, i.sku);
    if (e.kind !== 'gpu') throw new CliUsageError(`tco.instance.sku ${i.sku} is a per-token route; give a GPU SKU`);
    const point = pointAt(e, asOf);
    onDemand ??= point.sheet.onDemand?.value;
    if (reserved === undefined && i.reserved_term) {
      const r = point.sheet.reserved.find((x) => x.term === i.reserved_term);
      if (!r) throw new RoutefitError('missing_price', `${e.id} has no reserved term "${i.reserved_term}" on ${asOf} (terms: ${point.sheet.reserved.map((x) => x.term).join(', ') || 'none'})`, { field: 'tco.instance.reserved_term' });
      reserved = r.hourly.value;
    }
    instanceName = i.name ?? e.name;
  }
  if (onDemand === undefined) throw new CliUsageError(`${file}: tco.instance needs on_demand_hourly (or a sku with an on-demand price)`);
  const tokensPerDay = i.tokens_per_day ?? i.throughput_tokens_per_second! * 86_400 * (i.utilization ?? 1);
  const overhead = f.overhead_per_year ? overheadPerDay(f.overhead_per_year) : undefined;
  const tco = selfHostingTco({
    serverlessPerMillion,
    onDemandHourly: onDemand,
    ...(reserved !== undefined ? { reservedHourly: reserved } : {}),
    instanceTokensPerDay: tokensPerDay,
    ...(overhead ? { overheadPerDay: overhead.perDay } : {}),
    dailyOutputTokens: f.daily_output_tokens,
  });
  if (opts.json) {
    io.out(JSON.stringify({ file, name: file_.name ?? null, notes: file_.notes, asOf, serverlessPerMillion, serverlessSource, instance: { name: instanceName, onDemandHourly: onDemand, reservedHourly: reserved ?? null, tokensPerDay }, overhead: overhead ?? null, ...tco }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines = [
    `${file_.name ?? file}: ${instanceName} (${usd(onDemand, 2)}/h on demand${reserved !== undefined ? `, ${usd(reserved, 2)}/h reserved` : ''}, ${fmtTokens(tokensPerDay)} output tokens per instance-day) vs serverless ${usd(serverlessPerMillion, 2)}/M — ${serverlessSource}`,
    overhead ? `Overhead: ${usd(overhead.perYear)}/year = ${usd(overhead.perDay, 2)}/day (${Object.entries(f.overhead_per_year!).map(([k, v]) => `${k} ${usd(v)}`).join(', ')})` : 'Overhead: none given — raw compute only (Open vs Closed LLM TCO Guide: "Daily compute cost is not TCO")',
    '',
    table(
      ['Daily output', 'Instances', 'Serverless', 'On-demand', ...(reserved !== undefined ? ['Reserved'] : []), ...(overhead ? ['+ Overhead', 'Total (best)'] : []), 'Verdict'],
      tco.rows.map((r) => [
        fmtTokens(r.dailyOutputTokens),
        String(r.instances),
        usd(r.serverless, 2),
        usd(r.onDemand, 2),
        ...(reserved !== undefined ? [usd(r.reserved!, 2)] : []),
        ...(overhead ? [usd(r.overhead, 2), usd(r.selfHosted.total, 2)] : []),
        r.verdict,
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    tco.firstSelfHostedWin === null ? 'Self-hosting wins at none of these volumes.' : `Self-hosting first wins at ${fmtTokens(tco.firstSelfHostedWin)} output tokens/day.`,
    ...file_.notes.map((n) => `Note: ${n}.`),
    '',
    'Working:',
    ...tco.formulas.map((x) => `  ${x.label}: ${x.formula}  [${x.cite}]`),
  ];
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload file with a tco block (see examples/Open vs Closed LLM TCO Guide-tco.yaml)' }],
  options,
  examples: ['routefit tco examples/Open vs Closed LLM TCO Guide-tco.yaml', 'routefit tco examples/Open vs Closed LLM TCO Guide-tco.yaml --json'],
  run: (opts, { args, io }) => tco(args[0]!, opts, io),
});
