import { Command, CommanderError, Option } from 'commander';
import { RoutefitError } from '../engine/errors.js';
import { InputFileError } from '../io/yaml-file.js';
import { runCompare } from './commands/compare-dispatch.js';
import { explainCommand } from './commands/explain.js';
import { catalogList, catalogShow, catalogValidate } from './commands/catalog.js';
import { initCommand } from './commands/init.js';
import { registerCapacityCommands } from './commands/capacity.js';
import { registerDecisionCommands } from './commands/decisions.js';
import { registerUncertaintyCommands } from './commands/uncertainty.js';
import { registerTracesCommands } from './commands/traces.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, type Io } from './io.js';

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

function build(io: Io, setCode: (c: number) => void): Command {
  const program = new Command('routefit')
    .description('Loaded cost per accepted output (LCPR) for every route an LLM workload could take.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  const catalogOpt = () => new Option('--catalog <dir>', 'use this catalog directory instead of the bundled one');

  program
    .command('compare')
    .description('price every route of a workload (or fleet) file and rank them by LCPR')
    .argument('<file>', 'workload or fleet YAML')
    .option('--routes <ids>', 'only these routes, comma-separated')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD); overrides dates in the file')
    .option('--blend', 'add a volume-weighted LCPR across the file\'s workloads (read the warning)')
    .addOption(new Option('--json', 'machine-readable output').conflicts('csv'))
    .option('--csv', 'one CSV row per workload × route')
    .addOption(catalogOpt())
    .addHelpText(
      'after',
      examples([
        'routefit compare examples/saas-chat.yaml',
        'routefit compare examples/saas-chat.yaml --routes openai/gpt-5.5,together/deepseek-v3 --json',
        'routefit compare examples/stage1-split.yaml --blend --as-of 2026-05-15',
      ]) + '\nExit code 2 when the file is invalid or a route cannot be priced (it is listed as unpriced, never as $0).\n',
    )
    .action(async (file: string, opts) => setCode(await runCompare(file, opts, io)));

  program
    .command('explain')
    .description("show the working behind one route's LCPR: formula, numbers, sources and evidence labels")
    .argument('<file>', 'workload or fleet YAML')
    .requiredOption('--route <id>', 'the route to explain')
    .option('--workload <name>', 'which workload, when the file holds several')
    .option('--as-of <date>', 'price as of this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit explain examples/saas-chat.yaml --route lambda/h100-sxm']))
    .action((file: string, opts) => setCode(explainCommand(file, opts, io)));

  const catalog = program.command('catalog').description('list, show and validate the pricing catalog');
  catalog
    .command('list')
    .description('list routes and GPU SKUs with the prices in force on a date')
    .option('--provider <id>', 'only this provider (includes its @pydantic/genai-prices models)')
    .option('--model <text>', 'route ids containing this text')
    .option('--mode <mode>', 'closed_api, serverless, managed_dedicated or self_managed')
    .option('--origin <origin>', 'catalog (default), genai-prices or all')
    .option('--as-of <date>', 'prices in force on this date (default: today)')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit catalog list --mode serverless', 'routefit catalog list --provider anthropic --json', 'routefit catalog list --model llama --as-of 2026-05-15']))
    .action((opts) => setCode(catalogList(opts, io)));
  catalog
    .command('show')
    .description('one route or GPU SKU: its price history with sources and evidence')
    .argument('<id>', 'route id or alias, e.g. together/deepseek-v3')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit catalog show together/deepseek-v3', 'routefit catalog show lambda/h100-sxm --json']))
    .action((id: string, opts) => setCode(catalogShow(id, opts, io)));
  catalog
    .command('validate')
    .description('check the catalog files: schema, sources, dates, duplicate ids')
    .option('--json', 'machine-readable output')
    .addOption(catalogOpt())
    .addHelpText('after', examples(['routefit catalog validate', 'routefit catalog validate --catalog ./my-catalog']))
    .action((opts) => setCode(catalogValidate(opts, io)));

  program
    .command('init')
    .description("print a workload file from one of the seed's workload reference cards")
    .option('--preset <name>', 'chat, rag, codegen, agent or batch')
    .option('--list', 'list the presets')
    .option('--json', 'print the preset as JSON')
    .addHelpText('after', examples(['routefit init --preset rag > my-workload.yaml', 'routefit init --list']))
    .action((opts) => setCode(initCommand(opts, io)));

  registerCapacityCommands(program, io, setCode);
  registerDecisionCommands(program, io, setCode);
  registerUncertaintyCommands(program, io, setCode);
  registerTracesCommands(program, io, setCode);
  return program;
}

/** Runs the CLI in-process and returns its exit code; never throws for bad input. */
export async function run(argv: string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = build(io, (c) => (code = c));
  try {
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
