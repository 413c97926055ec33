import { tcoCalc } from '../tco-calc.js';
import { loadTcoFile } from '../../io/tco-file.js';
import { table, usd } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { fmtTokens } from '../capacity-text.js';
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
  const { serverlessPerMillion, serverlessSource, instanceName, onDemand, reserved, tokensPerDay, overhead, tco } = tcoCalc(file, file_, () => openCatalog(opts.catalog), asOf);
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
  args: [{ name: '<file>', description: 'workload file with a tco block (see examples/open-vs-closed-tco.yaml)' }],
  options,
  examples: ['routefit tco examples/open-vs-closed-tco.yaml', 'routefit tco examples/open-vs-closed-tco.yaml --json'],
  run: (opts, { args, io }) => tco(args[0]!, opts, io),
});
