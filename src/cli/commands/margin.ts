import { type Command } from 'commander';
import { traceToMargin } from '../../engine/measured/reconciliation.js';
import { count, percent, ratio, usd, usdPerRequest } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { num } from './capacity-shared.js';

export interface MarginOpts {
  traceCost: string;
  accepted: string;
  invoiceDelta?: string;
  eval?: string;
  human?: string;
  ops?: string;
  revenuePerUnit?: string;
  json?: boolean;
}

export function marginCommand(opts: MarginOpts, io: Io): number {
  const inputs = {
    traceCostUsd: num('--trace-cost', opts.traceCost, { min: 0 })!,
    deltaUsd: num('--invoice-delta', opts.invoiceDelta ?? '0', { min: -1e12, max: 1e12 })!,
    evalUsd: num('--eval', opts.eval ?? '0', { min: 0 })!,
    humanUsd: num('--human', opts.human ?? '0', { min: 0 })!,
    opsUsd: num('--ops', opts.ops ?? '0', { min: 0 })!,
    accepted: num('--accepted', opts.accepted, { min: 0 })!,
    ...(opts.revenuePerUnit !== undefined ? { revenuePerAccepted: num('--revenue-per-unit', opts.revenuePerUnit, { min: 0, minExclusive: true })! } : {}),
  };
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
    `  naive (trace cost only):       ${m.naiveCostPerAccepted === null ? 'undefined' : usdPerRequest(m.naiveCostPerAccepted)}${m.loadedOverNaive !== null ? `  — loaded is ${ratio(m.loadedOverNaive)} the naive figure` : ''}`,
  ];
  if (m.marginPerAccepted !== null) L.push(`  margin per unit at ${usdPerRequest(inputs.revenuePerAccepted!)} revenue: ${usdPerRequest(m.marginPerAccepted)} (${percent(m.marginPct!)})`);
  else if (inputs.revenuePerAccepted === undefined) L.push('  (give --revenue-per-unit for the margin)');
  L.push('', 'loaded = (trace + invoice delta + eval + human + ops) ÷ accepted; margin = revenue per unit − loaded (Inference Field Guide, Part 0, the full decomposition).');
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

export function registerMargin(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('margin')
    .description('trace-to-margin from direct inputs: loaded vs naive cost per accepted unit, and the margin on its revenue')
    .requiredOption('--trace-cost <usd>', 'token cost the traces price for the period')
    .requiredOption('--accepted <n>', 'accepted units in the period')
    .option('--invoice-delta <usd>', 'invoice minus trace cost (negative when the invoice is lower)', '0')
    .option('--eval <usd>', 'eval/grader cost for the period', '0')
    .option('--human <usd>', 'human review and escalation cost for the period', '0')
    .option('--ops <usd>', 'operational overhead for the period', '0')
    .option('--revenue-per-unit <usd>', 'revenue per accepted unit, for the margin')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples([
        'routefit margin --trace-cost 1000 --invoice-delta 50 --eval 200 --human 300 --ops 150 --accepted 10000 --revenue-per-unit 0.5',
        'routefit margin --trace-cost 42000 --accepted 1.2e6 --json',
      ]) + '\nThe same formula `traces reconcile` applies to an imported store (docs/calculators.md).\n',
    )
    .action((opts) => setCode(marginCommand(opts, io)));
}
