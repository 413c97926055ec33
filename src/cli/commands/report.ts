import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { defineCommand, opt } from '../command.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK } from '../io.js';
import { openCatalog } from '../pricing.js';
import { clickhouseOpt, tracesChoice } from '../stores.js';
import { DEFAULT_SAMPLES } from '../../engine/uncertainty/monte-carlo.js';

const FORMATS = { '.html': 'html', '.htm': 'html', '.pdf': 'pdf', '.md': 'md' } as const;
type Format = (typeof FORMATS)[keyof typeof FORMATS];

const options = {
  out: opt.string('--out <file>', 'report.html (self-contained), report.pdf (with report.csv beside it) or report.md (with report.csv)').default('report.html'),
  traces: opt.string('--traces <db>', 'add the measured section from this DuckDB trace store (or a ClickHouse URL)'),
  clickhouse: clickhouseOpt(),
  workload: opt.string('--workload <name>', 'only this workload of the file'),
  asOf: opt.asOf('price as of this date (YYYY-MM-DD); the same inputs and date give the same report'),
  paper: opt.string('--paper <size>', 'PDF paper size: a4 or letter').default('a4'),
  samples: opt.number('--samples <n>', `Monte Carlo samples (default ${DEFAULT_SAMPLES.toLocaleString('en-US')})`, { min: 100, max: 1_000_000, integer: true }),
  from: opt.date('--from <date>', 'with traces: window start (UTC)'),
  to: opt.date('--to <date>', 'with traces: window end (UTC)'),
  json: opt.json(),
  catalog: opt.catalog(),
};

/** The routefit version the report names, from the package that ships it. */
function version(): string {
  const pkg = resolve(import.meta.dirname, '../../../package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export default defineCommand({
  description:
    'the buyer report: one HTML, PDF or Markdown document a budget holder can act on: verdict first, the fleet table, each workload (LCPR by route, breakdown, crossover, sensitivity, uncertainty), the decisions and their reasons, measured traces, assumptions, formulas, prices and a CSV of the numbers',
  args: [{ name: '<file>', description: 'workload or fleet YAML (a fleet with current_route adds savings, payback and the decision gates)' }],
  options,
  examples: [
    'routefit report examples/fleet.yaml --out fleet.pdf',
    'routefit report examples/saas-chat.yaml --out saas-chat.html --as-of 2026-05-15',
    'routefit report examples/fleet.yaml --workload support-resolution --out support.md',
    'routefit report examples/saas-chat.yaml --traces routefit.duckdb --out measured.html',
  ],
  notes:
    'HTML is one self-contained file (no external URL) and byte-identical for the same inputs, catalog and --as-of. PDF needs Chromium (/usr/bin/chromium, or ROUTEFIT_CHROMIUM). Exit code 2 for bad input (file:line), and no partial file is left behind.',
  run: async (opts, { args, io, cmd }) => {
    const file = args[0]!;
    const out = opts.out;
    const format: Format | undefined = FORMATS[extname(out).toLowerCase() as keyof typeof FORMATS];
    if (!format) throw new CliUsageError(`--out ${out}: the extension picks the format; allowed .html, .pdf, .md`);
    const dir = dirname(resolve(out));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliUsageError(`--out ${out}: folder ${dir} does not exist`);
    const paper = opts.paper.toLowerCase();
    if (paper !== 'a4' && paper !== 'letter') throw new CliUsageError(`--paper is "${opts.paper}"; allowed a4 or letter`);
    const ch = opts.clickhouse !== undefined && cmd.getOptionValueSource('clickhouse') === 'cli' ? opts.clickhouse : undefined;
    if (opts.traces && ch) throw new CliUsageError('--traces and --clickhouse name two different stores; pass one');
    if (!existsSync(file)) throw new CliUsageError(`${file}: no such file`);

    const R = await import('../../report/index.js');
    const catalog = openCatalog(opts.catalog);
    const window = { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
    const store = ch ?? opts.traces;
    const measured = store ? await R.measureStore(tracesChoice(store), { catalog, ...window }) : null;
    const model = R.buildReport(file, {
      catalog,
      today: io.today,
      version: version(),
      measured,
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      ...(opts.workload ? { workload: opts.workload } : {}),
      ...(opts.samples ? { samples: opts.samples } : {}),
    });
    const blocks = R.buildDocument(model);
    const csv = R.reportCsv(model);
    const csvPath = join(dirname(out), `${basename(out, extname(out))}.csv`);
    const csvName = basename(csvPath);
    const html = R.renderHtml(model, blocks, { csv, csvName });
    const files: { path: string; data: string | Buffer }[] = [];
    if (format === 'html') files.push({ path: out, data: html });
    else if (format === 'md') files.push({ path: out, data: R.renderMarkdown(model, blocks, csvName) }, { path: csvPath, data: csv });
    else files.push({ path: out, data: await R.renderPdf(model, html, { paper: paper === 'a4' ? 'A4' : 'Letter' }) }, { path: csvPath, data: csv });
    R.writeAll(files);

    const unpriced = model.workloads.flatMap((w) => w.comparison.unpriced.map((u) => `${w.name}: ${u.route}`));
    if (opts.json) io.out(JSON.stringify({ written: files.map((f) => f.path), format, model }, null, 2) + '\n');
    else io.out(`wrote ${files.map((f) => f.path).join(' and ')} (${model.workloads.length} workload${model.workloads.length === 1 ? '' : 's'}, priced as of ${model.asOf})\n`);
    if (unpriced.length) {
      io.err(`routefit: the report lists routes that could not be priced (never counted as $0): ${unpriced.join(', ')}; exit code 2\n`);
      return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
  },
});
