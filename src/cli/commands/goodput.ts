import { type Command } from 'commander';
import { goodput } from '../../engine/measured/goodput.js';
import { count, percent, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { num, stepLines } from './capacity-shared.js';

export interface GoodputOpts {
  rps: string;
  passRate: string;
  sloShare?: string;
  ttftP50?: string;
  ttftP95?: string;
  sloTtftMs?: string;
  tpotP50?: string;
  tpotP95?: string;
  sloTpotMs?: string;
  costPerRequest?: string;
  json?: boolean;
}

function spread(name: string, p50: string | undefined, p95: string | undefined, slo: string | undefined) {
  const given = [p50, p95, slo].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3) throw new CliUsageError(`give --${name}-p50, --${name}-p95 and --slo-${name}-ms together`);
  return { p50Ms: num(`--${name}-p50`, p50, { min: 0, minExclusive: true })!, p95Ms: num(`--${name}-p95`, p95, { min: 0, minExclusive: true })!, sloMs: num(`--slo-${name}-ms`, slo, { min: 0, minExclusive: true })! };
}

export function goodputCommand(opts: GoodputOpts, io: Io): number {
  const ttft = spread('ttft', opts.ttftP50, opts.ttftP95, opts.sloTtftMs);
  const tpot = spread('tpot', opts.tpotP50, opts.tpotP95, opts.sloTpotMs);
  if (opts.sloShare !== undefined && (ttft || tpot)) throw new CliUsageError('give --slo-share or the latency percentiles with their SLOs, not both');
  const sloShare = num('--slo-share', opts.sloShare, { min: 0, max: 1 });
  const cost = num('--cost-per-request', opts.costPerRequest, { min: 0 });
  const g = goodput({
    requestsPerSecond: num('--rps', opts.rps, { min: 0, max: 1e9 })!,
    qualityPassRate: num('--pass-rate', opts.passRate, { min: 0, max: 1 })!,
    ...(sloShare !== undefined ? { sloShare } : {}),
    ...(ttft ? { ttft } : {}),
    ...(tpot ? { tpot } : {}),
    ...(cost !== undefined ? { costPerRequest: cost } : {}),
  });
  if (opts.json) {
    io.out(JSON.stringify(g, null, 2) + '\n');
    return EXIT_OK;
  }
  const L = [
    `Goodput at ${g.requestsPerSecond} requests/s, ${percent(g.qualityPassRate)} quality pass rate, ${percent(g.sloShare)} within SLO (${g.sloShareFrom})`,
    '',
    `  accepted requests/s:            ${g.acceptedPerSecond.toFixed(3)}`,
    `  goodput (accepted within SLO):  ${g.goodputPerSecond.toFixed(3)}/s = ${count(g.goodputPerHour)}/hour`,
    ...(g.ttftShare !== undefined ? [`  share within the TTFT SLO:      ${percent(g.ttftShare)}`] : []),
    ...(g.tpotShare !== undefined ? [`  share within the TPOT SLO:      ${percent(g.tpotShare)}`] : []),
    ...(g.costPerAccepted !== null ? [`  cost per accepted output:       ${usdPerRequest(g.costPerAccepted)}`] : []),
    ...(cost !== undefined ? [`  cost per good accepted output:  ${g.costPerGoodAccepted === null ? 'undefined (nothing accepted within SLO)' : usdPerRequest(g.costPerGoodAccepted)}`] : []),
  ];
  if (g.notes.length) L.push('', 'Notes:', ...g.notes.map((n) => `  ${n}`));
  L.push('', 'Working:', ...stepLines(g.steps));
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

export function registerGoodput(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('goodput')
    .description('goodput without traces: accepted requests/s within the TTFT/TPOT SLOs and the cost per good accepted output')
    .requiredOption('--rps <n>', 'requests per second')
    .requiredOption('--pass-rate <p>', 'quality pass rate (0-1 or 95%)')
    .option('--slo-share <s>', 'share of requests meeting the TTFT and TPOT SLOs, when known')
    .option('--ttft-p50 <ms>', 'TTFT p50, ms (with --ttft-p95 and --slo-ttft-ms)')
    .option('--ttft-p95 <ms>', 'TTFT p95, ms')
    .option('--slo-ttft-ms <ms>', 'TTFT SLO, ms')
    .option('--tpot-p50 <ms>', 'time per output token p50, ms (with --tpot-p95 and --slo-tpot-ms)')
    .option('--tpot-p95 <ms>', 'TPOT p95, ms')
    .option('--slo-tpot-ms <ms>', 'TPOT SLO, ms')
    .option('--cost-per-request <usd>', 'cost per request, all attempts included (e.g. the raw $/req of `routefit compare`)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples([
        'routefit goodput --rps 50 --pass-rate 0.9 --slo-share 0.8 --cost-per-request 0.01',
        'routefit goodput --rps 20 --pass-rate 95% --ttft-p50 250 --ttft-p95 900 --slo-ttft-ms 500 --json',
        'routefit goodput --rps 20 --pass-rate 0.95 --ttft-p50 250 --ttft-p95 900 --slo-ttft-ms 500 --tpot-p50 20 --tpot-p95 45 --slo-tpot-ms 40',
      ]) + '\ngoodput = requests/s × pass rate × share within SLO; the definition `traces summarize --slo-ttft-ms` counts from rows (docs/calculators.md).\n',
    )
    .action((opts) => setCode(goodputCommand(opts, io)));
}
