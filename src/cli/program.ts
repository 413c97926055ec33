import { Command, CommanderError } from 'commander';
import { RoutefitError } from '../engine/errors.js';
import { InputFileError } from '../io/input-error.js';
import { type CommandDef, attach } from './command.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, type Io } from './io.js';

interface Entry {
  /** `compare`, or `traces import` for a subcommand of a group below. */
  name: string;
  summary: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load: () => Promise<{ default: CommandDef<any> }>;
}

const GROUPS: Record<string, string> = {
  catalog: 'list, show and validate the pricing catalog',
  traces: 'Trace Kit: import request logs and invoices, measure LCPR and the playbook metrics',
};

/** Every command, one line each, in --help order. A module is loaded only when its command runs. */
export const COMMANDS: Entry[] = [
  { name: 'compare', summary: 'price every route of a workload (or fleet) file and rank them by LCPR', load: () => import('./commands/compare.js') },
  { name: 'explain', summary: "show the working behind one route's LCPR: formula, numbers, sources and evidence labels", load: () => import('./commands/explain.js') },
  { name: 'catalog list', summary: 'list routes and GPU SKUs with the prices in force on a date', load: () => import('./commands/catalog/list.js') },
  { name: 'catalog show', summary: 'one route or GPU SKU: its price history with sources and evidence', load: () => import('./commands/catalog/show.js') },
  { name: 'catalog validate', summary: 'check the catalog files and overlays: schema, sources, dates, duplicate ids, with file:line errors', load: () => import('./commands/catalog/validate.js') },
  { name: 'catalog import', summary: 'read a downloaded price file (LiteLLM, genai-prices, Portkey, OpenRouter) into an overlay catalog file; shipped prices are never edited', load: () => import('./commands/catalog/import.js') },
  { name: 'catalog diff', summary: "prices changed since a date or between sources; flags a workload's routes repriced after its as_of", load: () => import('./commands/catalog/diff.js') },
  { name: 'init', summary: 'print a workload file from one of the workload reference cards of the Inference Field Guide', load: () => import('./commands/init.js') },
  { name: 'breakeven', summary: 'daily output tokens at which a dedicated GPU costs what serverless does, the utilization it needs, and the managed crossover', load: () => import('./commands/breakeven.js') },
  { name: 'dedicated', summary: 'dedicated vs serverless vs hybrid for a workload and its traffic shape: replicas, utilization, monthly cost, u_required', load: () => import('./commands/dedicated.js') },
  { name: 'size', summary: 'KV cache, concurrent sequences, GPUs and roofline throughput for a model on a GPU', load: () => import('./commands/size.js') },
  { name: 'tco', summary: 'self-hosting vs serverless over a range of daily output volumes, with overhead and a verdict per row', load: () => import('./commands/tco.js') },
  { name: 'self-managed', summary: 'managed dedicated vs self-managed GPUs for a fleet: engineering floor, operational tax, devolution signals', load: () => import('./commands/self-managed.js') },
  { name: 'plan', summary: 'decision brief for a fleet file: stage, the three gates, recommended route, savings and payback, evidence, what to measure next', load: () => import('./commands/plan.js') },
  { name: 'matrix', summary: 'the routefit matrix: workloads × routes, each cell an LCPR with its evidence or the funnel stage that eliminated it', load: () => import('./commands/matrix.js') },
  { name: 'readiness', summary: 'migration complexity score from the six factors (Inference Field Guide, Part 1): tier, timeline, team size', load: () => import('./commands/readiness.js') },
  { name: 'scorecard', summary: 'vendor scorecard: the seven gates of the Inference Field Guide, Part 4, Pass / Conditional / Fail with evidence, and the negotiation tier', load: () => import('./commands/scorecard.js') },
  { name: 'procurement', summary: 'hardware procurement matrix: five gates over managed API, hosted open-weight, dedicated endpoint, self-host, buy hardware', load: () => import('./commands/procurement.js') },
  { name: 'export', summary: "turn plan's decisions into a LiteLLM, Portkey, OpenRouter or Envoy AI Gateway config; --diff shows what would change", load: () => import('./commands/export.js') },
  { name: 'cache-gate', summary: 'prompt-cache break-even: reads that pay for a write, the hit rate below which caching loses money, savings at N reads', load: () => import('./commands/cache-gate.js') },
  { name: 'goodput', summary: 'goodput without traces: accepted requests/s within the TTFT/TPOT SLOs and the cost per good accepted output', load: () => import('./commands/goodput.js') },
  { name: 'margin', summary: 'trace-to-margin from direct inputs: loaded vs naive cost per accepted unit and the margin on its revenue', load: () => import('./commands/margin.js') },
  { name: 'forecast', summary: 'monthly spend and LCPR over the planning horizon under a growth scenario: when a budget runs out, when a gate is crossed', load: () => import('./commands/forecast.js') },
  { name: 'agent', summary: 'agent workflow per phase: calls per accepted task, token fanout, uncached share, cost per phase and task, steps that can move to batch', load: () => import('./commands/agent.js') },
  { name: 'fine-tune', summary: 'LoRA fine-tune economics: training cost by tier, serving on an adapter route, payback and break-even volume', load: () => import('./commands/fine-tune.js') },
  { name: 'multi-source', summary: 'one workload split across providers: per-provider LCPR, cache fragmentation, error deltas, routing and engineering overhead, the revert rule', load: () => import('./commands/multi-source.js') },
  { name: 'sensitivity', summary: "tornado ranking: how much each input moves each route's LCPR, and where the cheapest route flips", load: () => import('./commands/sensitivity.js') },
  { name: 'sweep', summary: 'price every route across request volume and/or output length and mark where the cheapest route changes', load: () => import('./commands/sweep.js') },
  { name: 'report', summary: 'the buyer report: an HTML, PDF or Markdown document a budget holder can act on (verdict, fleet, charts, decisions, measured, assumptions, CSV)', load: () => import('./commands/report.js') },
  { name: 'studio', summary: 'open the Studio, a local web workbench over the same engine: compare, edit, sweep, size, traces, catalog', load: () => import('./commands/studio.js') },
  { name: 'traces import', summary: 'import traces (CSV, JSONL, Parquet, OTLP GenAI spans, LiteLLM, Langfuse, Helicone), OTLP GenAI metrics, usage exports and invoices; all or nothing, idempotent', load: () => import('./commands/traces/import.js') },
  { name: 'traces summarize', summary: 'measured LCPR and the playbook metrics per workload × route (or any segment)', load: () => import('./commands/traces/summarize.js') },
  { name: 'traces reconcile', summary: 'trace cost vs invoice per provider × period (and per SKU): delta, flags above 5% and 10%, likely causes, trace-to-margin (DuckDB store only)', load: () => import('./commands/traces/reconcile.js') },
  { name: 'traces check', summary: 'red-flag triggers (Inference Field Guide, Part 5) and reversion signals over the traces; exit 1 when one fires', load: () => import('./commands/traces/check.js') },
  { name: 'traces whatif', summary: "re-price a workload's measured token profile, retries and pass rate on another route", load: () => import('./commands/traces/whatif.js') },
  { name: 'traces generate', summary: 'write synthetic traces for a workload file: diurnal arrivals, retries, cache hits, latency tails; deterministic per seed', load: () => import('./commands/traces/generate.js') },
];

/** The entries argv names: `routefit traces import …` → that one; `routefit --help` → none. */
function named(argv: string[]): Entry[] {
  const words = argv[0] === 'help' ? argv.slice(1) : argv;
  const [a, b] = words;
  if (a === undefined || a.startsWith('-')) return [];
  const two = COMMANDS.filter((e) => e.name === `${a} ${b}`);
  return two.length ? two : COMMANDS.filter((e) => e.name === a);
}

async function build(argv: string[], io: Io, setCode: (c: number) => void): Promise<Command> {
  const program = new Command('routefit')
    .description('Loaded cost per accepted output (LCPR) for every route an LLM workload could take.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  const load = new Set(named(argv));
  const defs = new Map(await Promise.all([...load].map(async (e) => [e, (await e.load()).default] as const)));
  const groups = new Map<string, Command>();
  for (const e of COMMANDS) {
    const [group, sub] = e.name.includes(' ') ? e.name.split(' ') : [undefined, e.name];
    let parent = program;
    if (group) {
      if (!groups.has(group)) groups.set(group, program.command(group).description(GROUPS[group] ?? ''));
      parent = groups.get(group)!;
    }
    const def = defs.get(e);
    // A command that is not run is listed by name and summary only: its module (and what it imports) stays unloaded.
    if (def) attach(parent, sub!, e.summary, def, io, setCode);
    else parent.command(sub!).description(e.summary);
  }
  return program;
}

/** Runs the CLI in-process and returns its exit code; never throws for bad input. */
export async function run(argv: string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  try {
    const program = await build(argv, io, (c) => (code = c));
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (err instanceof InputFileError) {
      io.err(`routefit: ${err.problems.length > 1 ? `${err.problems.length} problems:\n` : ''}${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (err instanceof RoutefitError || err instanceof CliUsageError) {
      io.err(`routefit: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.err(`routefit: internal error: ${err instanceof Error ? err.message : String(err)}\nPlease report this with the command you ran.\n`);
    return EXIT_INTERNAL;
  }
}
