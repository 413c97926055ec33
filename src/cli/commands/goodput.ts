import { goodput } from '../../engine/measured/goodput.js';
import { count, percent, usdPerRequest } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { stepLines } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { GOODPUT_OPTIONS, goodputInput } from '../calculator-options.js';


const options = { ...GOODPUT_OPTIONS, json: opt.json() };
type GoodputOpts = OptionValues<typeof options>;

function goodputCommand(opts: GoodputOpts, io: Io): number {
  const g = goodput(goodputInput(opts));
  const cost = opts.costPerRequest;
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

export default defineCommand({
  options,
  examples: [
    'routefit goodput --rps 50 --pass-rate 0.9 --slo-share 0.8 --cost-per-request 0.01',
    'routefit goodput --rps 20 --pass-rate 95% --ttft-p50 250 --ttft-p95 900 --slo-ttft-ms 500 --json',
    'routefit goodput --rps 20 --pass-rate 0.95 --ttft-p50 250 --ttft-p95 900 --slo-ttft-ms 500 --tpot-p50 20 --tpot-p95 45 --slo-tpot-ms 40',
  ],
  notes: 'goodput = requests/s × pass rate × share within SLO: the definition `traces summarize --slo-ttft-ms` counts from rows (docs/calculators.md).',
  run: (opts, { io }) => goodputCommand(opts, io),
});
