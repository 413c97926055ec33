import { LATENCY_TIERS } from '../../engine/decisions/agent-workflow.js';
import { agentReport } from '../agent-calc.js';
import { loadAgentFile } from '../../io/agent-file.js';
import { count, percent, table, usd, usdPerRequest } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = { asOf: opt.asOf(), json: opt.json(), catalog: opt.catalog() };
type AgentOpts = OptionValues<typeof options>;

function agentCommand(file: string, opts: AgentOpts, io: Io): number {
  const asOf = opts.asOf;
  const a = loadAgentFile(file, openCatalog(opts.catalog), io.today, asOf);
  const r = agentReport(a);
  const perMonth = a.file.tasks_per_month;
  if (opts.json) {
    io.out(JSON.stringify({ file, name: a.file.name ?? null, asOf: a.asOf, prices: a.priced, ...r }, null, 2) + '\n');
    return EXIT_OK;
  }
  const L = [
    `Agent workflow ${a.file.name ?? file}: ${count(r.callsPerTask)} calls per task, ${percent(a.file.task_success_rate)} of tasks accepted, priced as of ${a.asOf}`,
    '',
    table(
      ['Phase', 'Calls', '$/call', '$/task', 'Share', 'Tier now', 'Can move to'],
      r.phases.map((p, i) => [p.name, count(p.calls), usdPerRequest(p.costPerCall), usdPerRequest(p.costPerTask), percent(p.costShare), LATENCY_TIERS[r.routing.steps[i]!.from].label, r.routing.steps[i]!.to === r.routing.steps[i]!.from ? '—' : LATENCY_TIERS[r.routing.steps[i]!.to].label]),
      ['left', 'right', 'right', 'right', 'right', 'left', 'left'],
    ),
    '',
    `  calls per accepted task:      ${r.callsPerAcceptedTask.toFixed(1)}`,
    `  token fanout:                 ${r.tokenFanout.toFixed(1)}× the user's ${count(a.file.user_prompt_tokens)}-token prompt`,
    `  uncached input share:         ${percent(r.uncachedShare)}`,
    `  cost per task:                ${usdPerRequest(r.costPerTask)}`,
    `  cost per accepted task:       ${usdPerRequest(r.costPerAcceptedTask)}`,
    `  after step routing:           ${usdPerRequest(r.costPerAcceptedTaskAfterRouting)} (${percent(r.routing.savingsShare)} less: machine-facing steps to batch or async where their latency tolerance allows)`,
  ];
  if (perMonth !== undefined) L.push(`  at ${count(perMonth)} tasks/month:      ${usd(r.costPerTask * perMonth)} now, ${usd(r.routing.costAfter * perMonth)} routed`);
  L.push('', `Per call: uncached input × input rate + cached input × cached rate + output × output rate; per accepted task ÷ the task success rate. [${r.cite}]`);
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<file>', description: 'agent YAML (see examples/coding-agent.yaml)' }],
  options,
  examples: ['routefit agent examples/coding-agent.yaml', 'routefit agent examples/coding-agent.yaml --as-of 2026-05-15 --json'],
  notes: "Step routing follows the playbook, ch. 21: human-facing steps stay real-time; machine-facing ones go to batch (a day's tolerance) or async (a minute's).",
  run: (opts, { args, io }) => agentCommand(args[0]!, opts, io),
});
