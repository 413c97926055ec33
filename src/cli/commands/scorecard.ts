import type { Verdict } from '../../engine/decisions/verdict.js';
import { vendorScorecard } from '../../fleet/vendors-file.js';
import { table, usd } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = { json: opt.json() };

function scorecard(file: string, opts: OptionValues<typeof options>, io: Io): number {
  const { workload, requirements, requirementsFrom, vendorsFrom, vendors: cards, negotiation: tier, monthlySpend, notes } = vendorScorecard(file);
  if (opts.json) {
    io.out(JSON.stringify({ file, workload, requirements, requirementsFrom, vendorsFrom, vendors: cards, negotiation: tier, notes }, null, 2) + '\n');
    return EXIT_OK;
  }
  const L: string[] = [`Vendor scorecard for ${file}${workload ? ` (${workload})` : ''} — seven gates, Inference Field Guide, Part 4`, ''];
  const short = (s: Verdict['status']) => ({ pass: 'Pass', conditional: 'Cond.', fail: 'Fail', unknown: '?' })[s];
  L.push(table(['Vendor', ...cards[0]!.gates.map((g) => g.title), 'Outcome'], cards.map((c) => [c.vendor, ...c.gates.map((g) => short(g.status)), c.outcome.replace(/_/g, ' ')])));
  for (const c of cards) {
    L.push('', `${c.vendor}: ${c.outcome.replace(/_/g, ' ')} — ${c.reason}`);
    for (const g of c.gates.filter((x) => x.status !== 'pass')) L.push(`  - ${g.title}: ${g.reason}${g.restsOnAssumptions ? ' [rests on assumptions]' : ''}`);
  }
  L.push('', 'A Fail eliminates unless a compensating control exists: reliability can be mitigated by failover; compliance on a regulated workload cannot. Two or more Conditionals: evaluate deeper.');
  for (const n of notes) L.push(`Note: ${n}.`);
  if (tier) L.push(`Negotiation at ${usd(monthlySpend!)}/month: ${tier.advice}.`);
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload file; its vendors block (else its routes\' providers) and vendor_requirements (else its workloads\' constraints)' }],
  options,
  examples: ['routefit scorecard examples/vendors.yaml', 'routefit scorecard examples/fleet.yaml', 'routefit scorecard examples/vendors.yaml --json'],
  run: (opts, { args, io }) => scorecard(args[0]!, opts, io),
});
