import { traceToMargin } from '../../engine/measured/reconciliation.js';
import { count, percent, ratio, usd, usdPerRequest } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { overheadsLine } from '../overheads-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { MARGIN_OPTIONS, marginInputsOf } from '../calculator-options.js';

const options = { ...MARGIN_OPTIONS, json: opt.json() };
type MarginOpts = OptionValues<typeof options>;

function marginCommand(opts: MarginOpts, io: Io): number {
  const inputs = marginInputsOf(opts);
  const m = traceToMargin(inputs);
  if (opts.json) {
    io.out(JSON.stringify({ inputs, ...m }, null, 2) + '\n');
    return EXIT_OK;
  }
  const p = m.parts;
  const L = [
    `Trace-to-margin over ${count(inputs.accepted)} accepted units`,
    '',
    `  trace cost ${usd(p.traceCostUsd, 2)} + invoice delta ${usd(p.deltaUsd, 2)} + eval ${usd(p.evalUsd, 2)} + human ${usd(p.humanUsd, 2)} + ops ${usd(p.opsUsd, 2)} = ${usd(p.totalUsd, 2)}`,
    `  loaded cost per accepted unit: ${m.loadedCostPerAccepted === null ? 'undefined (no accepted unit)' : usdPerRequest(m.loadedCostPerAccepted)}`,
    `  ${overheadsLine(m.overheadsIncluded, m.overheadsNotIncluded)}`,
    `  naive (trace cost only):       ${m.naiveCostPerAccepted === null ? 'undefined' : usdPerRequest(m.naiveCostPerAccepted)}${m.loadedOverNaive !== null ? `  — loaded is ${ratio(m.loadedOverNaive)} the naive figure` : ''}`,
  ];
  if (m.marginPerAccepted !== null) L.push(`  margin per unit at ${usdPerRequest(inputs.revenuePerAccepted!)} revenue: ${usdPerRequest(m.marginPerAccepted)} (${percent(m.marginPct!)})`);
  else if (inputs.revenuePerAccepted === undefined) L.push('  (give --revenue-per-unit for the margin)');
  L.push('', 'loaded = (trace + invoice delta + eval + human + ops) ÷ accepted; margin = revenue per unit − loaded (Inference Field Guide, Part 0, the full decomposition).');
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit margin --trace-cost 1000 --invoice-delta 50 --eval 200 --human 300 --ops 150 --accepted 10000 --revenue-per-unit 0.5',
    'routefit margin --trace-cost 42000 --accepted 1.2e6 --json',
  ],
  notes: 'The same formula `traces reconcile` applies to an imported store (docs/calculators.md).',
  run: (opts, { io }) => marginCommand(opts, io),
});
