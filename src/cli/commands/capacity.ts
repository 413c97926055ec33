import { type Command, Option as CliOption } from 'commander';
import type { Io } from '../io.js';
import { breakevenCommand } from './breakeven.js';
import { dedicatedCommand } from './dedicated.js';
import { sizeCommand } from './size.js';
import { tcoCommand } from './tco.js';
import { selfManagedCommand } from './self-managed.js';

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** The capacity commands (docs/capacity.md): break-even, the dedicated utilization gate, sizing, TCO, self-managed. */
export function registerCapacityCommands(program: Command, io: Io, setCode: (c: number) => void): void {
  const catalogOpt = () => new CliOption('--catalog <dir>', 'use this catalog directory instead of the bundled one');
  program
    .command('breakeven')
    .description('daily output tokens at which a dedicated GPU costs what serverless does, the utilization it needs, and the managed crossover')
    .requiredOption('--gpu <sku>', 'GPU SKU, e.g. lambda/h100-sxm')
    .requiredOption('--vs <routes>', 'per-token route(s) to compare with, comma-separated')
    .option('--utilization <u>', 'planned real utilization (0-1 or 40%): adds the seed\'s ÷u figure and the cost multiple')
    .option('--serves <model>', 'model the GPU serves (looks up its throughput in the catalog)')
    .option('--precision <p>', 'precision of the throughput figure, when the catalog has several')
    .option('--throughput <tok/s>', 'measured output tokens per second of one instance')
    .option('--term <term>', 'GPU price term: on_demand (default), spot or a reserved term')
    .option('--response-tokens <list>', 'response lengths for the requests/day view', '30,300')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit breakeven --gpu lambda/h100-sxm --vs together/deepseek-v3',
        'routefit breakeven --gpu lambda/h100-sxm --vs together/deepseek-v3,fireworks/llama-3.3-70b --utilization 0.4',
        'routefit breakeven --gpu fireworks/h100 --vs fireworks/llama-3.3-70b --throughput 1500 --json',
      ]) + '\nBreak-even is on output tokens (decode-bound workloads; seed 000 Part 1).\n',
    )
    .action((opts) => setCode(breakevenCommand(opts, io)));

  program
    .command('dedicated')
    .description('dedicated vs serverless vs hybrid for a workload and its traffic shape: replicas, utilization, monthly cost, u_required')
    .argument('<file>', 'workload YAML with a GPU route and a per-token route')
    .option('--pattern <preset>', 'stable:60%, diurnal:10h@70% or bursty:4x@30%[,2h] (load as a share of one replica)')
    .option('--pattern-csv <file>', 'hourly request counts: 168 rows (a week) or 24 (a day)')
    .option('--gpu <route>', 'the GPU route of the file to size (default: its first GPU route)')
    .option('--serverless <route>', 'the per-token route to compare with (default: the cheapest by LCPR)')
    .option('--serverless-cost <usd>', 'measured serverless cost per accepted output, from traces (default: the route\'s LCPR)')
    .option('--goodput <n>', 'measured accepted outputs per replica-hour under SLO (default: estimated from throughput)')
    .option('--ops-per-hour <usd>', 'operational overhead per hour, C_ops (default 0)')
    .option('--min-replicas <n>', 'replicas that cannot scale to zero, R_min (default 1)')
    .option('--max-utilization <u>', 'highest load per replica, for p99 headroom (default 1)')
    .option('--cold-start-minutes <m>', 'warm-up minutes of a new replica, billed with no output (default 0)')
    .option('--min-billing-minutes <m>', 'minimum billing window per start (default: the SKU\'s, e.g. 5 for Bedrock)')
    .option('--workload <name>', 'which workload, when the file holds several')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit dedicated examples/support-drafting.yaml --pattern diurnal:10h@70% --goodput 800 --serverless-cost 0.012 --ops-per-hour 0.5',
        'routefit dedicated examples/stage2.yaml --pattern-csv examples/hourly-week.csv',
        'routefit dedicated examples/stage2.yaml --pattern bursty:4x@60% --cold-start-minutes 2 --min-billing-minutes 5 --json',
      ]) + '\nu_required = ((C_hw × R_min) + C_ops) / (G_slo × C_serverless) — seed 001 ch. 18, Derivation 4.\n',
    )
    .action((file: string, opts) => setCode(dedicatedCommand(file, opts, io)));

  program
    .command('size')
    .description('KV cache, concurrent sequences, GPUs and roofline throughput for a model on a GPU')
    .requiredOption('--model <id>', 'model id from catalog/models.yaml, e.g. llama-3.3-70b')
    .requiredOption('--gpu <id>', 'GPU spec (h100-sxm) or SKU (lambda/h100-sxm)')
    .requiredOption('--context <tokens>', 'sequence length in tokens (prompt + output)')
    .requiredOption('--precision <p>', 'weight precision: fp16, bf16, fp8, int8, int4 …')
    .option('--kv-precision <p>', 'KV-cache precision (default: the weight precision)')
    .option('--batch <n>', 'concurrent sequences', '1')
    .option('--gpus <n>', 'GPUs to size (default: the fewest that hold weights and batch)')
    .option('--headroom <f>', 'share of HBM held back for activations and the runtime', '0.1')
    .option('--arrival-rate <r/s>', "requests per second, for Little's law")
    .option('--latency <s>', "average latency in seconds, for Little's law")
    .option('--spec-alpha <a>', 'speculative decoding: draft acceptance rate α')
    .option('--spec-gamma <g>', 'speculative decoding: draft length γ', '5')
    .option('--draft-cost <r>', 'speculative decoding: draft cost per token relative to the target', '0.03')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit size --model llama-3.3-70b --gpu h100-sxm --context 4096 --precision fp16 --batch 32',
        'routefit size --model llama-3.3-70b --gpu lambda/h100-sxm --context 8192 --precision fp8 --batch 64 --arrival-rate 100 --latency 2',
        'routefit size --model llama-3.1-8b --gpu l40s --context 4096 --precision bf16 --spec-alpha 0.55 --batch 12 --json',
      ]),
    )
    .action((opts) => setCode(sizeCommand(opts, io)));

  program
    .command('tco')
    .description('self-hosting vs serverless over a range of daily output volumes, with overhead and a verdict per row')
    .argument('<file>', 'TCO YAML (see examples/seed003-tco.yaml)')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit tco examples/seed003-tco.yaml', 'routefit tco examples/seed003-tco.yaml --json']))
    .action((file: string, opts) => setCode(tcoCommand(file, opts, io)));

  program
    .command('self-managed')
    .description('managed dedicated vs self-managed GPUs for a fleet: engineering floor, operational tax, devolution signals')
    .requiredOption('--gpus <n>', 'fleet size in GPUs')
    .requiredOption('--self <sku>', 'GPU SKU you would run yourself, e.g. lambda/h100-sxm')
    .requiredOption('--managed <sku>', 'managed dedicated SKU, e.g. fireworks/h100')
    .option('--fte <n>', 'loaded FTE running the fleet (default 2: the on-call floor)')
    .option('--fte-per-month <usd>', 'loaded cost per FTE-month (default $30,000: seed 001 ch. 20)')
    .option('--hours <h>', 'engineering hours per month instead of FTE')
    .option('--rate <usd>', 'engineering hourly rate, with --hours')
    .option('--managed-hours <h>', 'engineering hours per month the managed option still needs (at --rate, default $150/h)')
    .option('--target-tax <f>', 'report the fleet at which the tax falls to this share (default 0.1)')
    .option('--term <term>', 'price term of the self-managed SKU: on_demand (default), spot or a reserved term')
    .option('--fleet-by-quarter <list>', 'devolution check: fleet size in recent quarters, oldest first')
    .option('--on-call <n>', 'devolution check: engineers in the on-call rotation')
    .option('--seat-open-quarters <n>', 'devolution check: quarters a specialist seat has been open')
    .option('--majors-behind <n>', 'devolution check: serving-engine major releases behind upstream')
    .option('--review-every-days <n>', 'devolution check: days between quality-regression reviews')
    .option('--as-of <date>', 'prices in force on this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit self-managed --gpus 10 --self lambda/h100-sxm --managed fireworks/h100',
        'routefit self-managed --gpus 64 --self together/h100 --term 91-180d --managed fireworks/h100 --fte 3',
        'routefit self-managed --gpus 40 --self lambda/h100-sxm --managed baseten/h100 --fleet-by-quarter 60,45,40 --on-call 1 --json',
      ]),
    )
    .action((opts) => setCode(selfManagedCommand(opts, io)));
}

