import { PROCUREMENT_GATES, type ProcurementResult } from '../../engine/decisions/procurement.js';
import { procurementOf } from '../../fleet/decisions.js';
import { table } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { fleetFrom, fleetOptions } from '../fleet.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = { ...fleetOptions(), json: opt.json() };

function procurement(file: string, opts: OptionValues<typeof options>, io: Io): number {
  const fleet = fleetFrom(file, opts, io);
  const rows = procurementOf(fleet, opts.workload);
  if (opts.json) {
    io.out(JSON.stringify({ file, workloads: rows }, null, 2) + '\n');
    return EXIT_OK;
  }
  const L: string[] = [`Hardware procurement matrix for ${file} — five gates over five routes (Inference Economics Playbook overview)`];
  const short = (r: ProcurementResult, route: string, gate: string) => {
    const v = r.cells.find((c) => c.route === route && c.gate === gate)!.verdict;
    return v ? { pass: 'Pass', conditional: 'Cond.', fail: 'Fail', unknown: '?' }[v.status] : '·';
  };
  for (const { workload, result } of rows) {
    L.push('', `## ${workload} — furthest viable route: ${result.routes.find((r) => r.route === result.furthestViable)!.title}`);
    L.push(table(['Route', ...PROCUREMENT_GATES.map((g) => g.title), 'Route status'], result.routes.map((r) => [r.title, ...PROCUREMENT_GATES.map((g) => short(result, r.route, g.id)), r.status])));
    const seen = new Set<string>();
    for (const c of result.cells) {
      if (!c.verdict || c.verdict.status === 'pass' || seen.has(c.gate)) continue;
      seen.add(c.gate);
      L.push(`  - ${c.verdict.title}: ${c.verdict.reason}`);
    }
    L.push(`  ${result.notes.join(' ')}`);
  }
  L.push('', '· gate does not apply to the route · ? unknown: measure the evidence listed');
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<fleet>', description: 'fleet YAML with procurement facts per workload' }],
  options,
  examples: ['routefit procurement examples/fleet.yaml', 'routefit procurement examples/fleet.yaml --workload background-classification --json'],
  run: (opts, { args, io }) => procurement(args[0]!, opts, io),
});
