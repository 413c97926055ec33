import { isDefault } from '../../workload/defaults.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { snake, table } from '../format.js';
import { priceFile } from '../pricing.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  route: opt.string('--route <id>', 'the route to explain').required(),
  workload: opt.string('--workload <name>', 'which workload, when the file holds several'),
  asOf: opt.asOf(),
  json: opt.json(),
  catalog: opt.catalog(),
};
type ExplainOptions = OptionValues<typeof options>;

/** The working behind one route's LCPR: every step with its formula, numbers and source, then every input. */
function explain(file: string, opts: ExplainOptions, io: Io): number {
  const priced = priceFile(file, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) }, io.today);
  const has = (p: (typeof priced)[number]) => p.comparison.routes.some((r) => r.route === opts.route || r.label === opts.route) || p.comparison.unpriced.some((u) => u.route === opts.route);
  let candidates = opts.workload ? priced.filter((p) => p.prepared.name === opts.workload) : priced;
  if (opts.workload && candidates.length === 0) {
    throw new CliUsageError(`--workload "${opts.workload}" is not in ${file}; it has: ${priced.map((p) => p.prepared.name).join(', ')}`);
  }
  // Several workloads and no --workload: the first that lists the route, said so (never a refusal of the file).
  let note: string | undefined;
  if (!opts.workload && priced.length > 1) {
    const withRoute = priced.filter(has);
    if (withRoute.length) {
      candidates = withRoute;
      note = `${file} holds ${priced.length} workloads; explaining "${withRoute[0]!.prepared.name}", the first that lists ${opts.route} (pick another with --workload: ${priced.map((p) => p.prepared.name).join(', ')})`;
    }
  }
  const { prepared, comparison } = candidates[0]!;
  const result = comparison.routes.find((r) => r.route === opts.route || r.label === opts.route);
  if (!result) {
    const failure = comparison.unpriced.find((u) => u.route === opts.route);
    if (failure) {
      io.err(`routefit: ${failure.route} cannot be priced: ${failure.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw new CliUsageError(`--route "${opts.route}" is not among ${prepared.name}'s routes: ${comparison.routes.map((r) => r.route).join(', ')}`);
  }
  if (opts.json) {
    io.out(JSON.stringify({ workload: prepared.name, asOf: prepared.asOf, ...(note ? { note } : {}), ...result }, null, 2) + '\n');
    return EXIT_OK;
  }
  const fmt = (v: number, unit: string) =>
    unit === 'USD/month'
      ? `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
      : unit.startsWith('USD')
        ? `$${v.toPrecision(4)}`
        : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
  const out: string[] = note ? [`Note: ${note}.`, ''] : [];
  out.push(`${result.route} (${result.mode}) for ${prepared.name}, priced as of ${prepared.asOf}`);
  out.push('');
  out.push(
    table(
      ['Step', 'Formula', 'With these numbers', 'Result', 'Source'],
      result.steps.map((s) => [s.label, s.formula, s.expression, `${fmt(s.value, s.unit)} ${s.unit}`, s.cite]),
    ),
  );
  out.push('');
  out.push('Inputs (value · evidence · source):');
  for (const [k, s] of Object.entries(result.inputs)) {
    out.push(`  ${snake(k).padEnd(30)} ${String(s.value).padStart(10)}  ${s.evidence.padEnd(17)} ${isDefault(s) ? 'default — ' : ''}${s.source ?? ''}`);
  }
  if (result.provenance) out.push(`\nPrice: ${result.provenance.source}${result.provenance.effective ? ` (effective ${result.provenance.effective})` : ''}`);
  if (result.notes.length) out.push('', 'Notes:', ...result.notes.map((n) => `  ${n}`));
  io.out(out.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  args: [{ name: '<file>', description: 'workload or fleet YAML' }],
  options,
  examples: ['routefit explain examples/saas-chat.yaml --route lambda/h100-sxm'],
  run: (opts, { args, io }) => explain(args[0]!, opts, io),
});
