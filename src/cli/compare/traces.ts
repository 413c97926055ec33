import { type FieldValues, fieldValues } from '../field-flags.js';
/** `routefit compare --traces`: the assumed and the measured comparison side by side. */
import { type Comparison, compareRoutes } from '../../engine/cost/compare.js';
import type { Sourced } from '../../engine/evidence.js';
import { withMeasuredInputs } from '../../engine/measured/measured.js';
import { loadWorkloadFile } from '../../workload/load.js';
import { prepareWorkloads } from '../../workload/prepare.js';
import { parseList } from '../flags.js';
import { snake, table, usdPerRequest } from '../format.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../io.js';
import { measuredByWorkload, sourceOf } from '../measured.js';
import { openCatalog } from '../pricing.js';
import { choiceLabel, tracesChoice } from '../stores.js';

interface Side {
  workload: string;
  asOf: string;
  assumed: Comparison;
  measured?: Comparison;
  replaced: { field: string; assumed: Sourced | undefined; measured: Sourced }[];
  note?: string;
}

interface CompareTracesOpts extends FieldValues {
  traces: string;
  asOf?: string | undefined;
  routes?: string | undefined;
  catalog?: string | undefined;
  json?: boolean | undefined;
  csv?: boolean | undefined;
  blend?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  source?: string | undefined;
  otelTable?: string | undefined;
}

export async function compareWithTraces(file: string, opts: CompareTracesOpts, io: Io): Promise<number> {
  if (opts.csv || opts.blend) throw new CliUsageError('--traces works with the table and --json outputs; drop --csv / --blend');
  const catalog = openCatalog(opts.catalog);
  const asOf = opts.asOf;
  const routes = parseList(opts.routes);
  const prepared = prepareWorkloads(loadWorkloadFile(file), catalog, { today: io.today, ...(asOf ? { asOf } : {}), ...(routes?.length ? { routes } : {}), fields: fieldValues(opts) });
  const store = tracesChoice(opts.traces, opts);
  const measured = await measuredByWorkload(store, catalog, { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) }, {}, io.clickhouse ? { connector: io.clickhouse } : {});
  const sides: Side[] = prepared.map((p) => {
    const assumed = compareRoutes(p.profile, p.routes);
    assumed.unpriced.unshift(...p.unpriced);
    const g = measured.get(p.name);
    if (!g) return { workload: p.name, asOf: p.asOf, assumed, replaced: [], note: `no traces for workload "${p.name}" in ${opts.traces}: assumptions kept` };
    const { profile, replaced } = withMeasuredInputs(p.profile, g.measured, sourceOf(store, g));
    const m = compareRoutes(profile, p.routes);
    m.unpriced.unshift(...p.unpriced);
    return { workload: p.name, asOf: p.asOf, assumed, measured: m, replaced: replaced.map((r) => ({ ...r, field: snake(r.field) })) };
  });
  if (opts.json) {
    io.out(JSON.stringify({ file, traces: choiceLabel(opts.traces), workloads: sides }, null, 2) + '\n');
  } else {
    io.out(sides.map(renderSide).join('\n\n') + '\n');
  }
  const unpriced = sides.some((s) => (s.measured ?? s.assumed).unpriced.length > 0);
  return unpriced ? EXIT_BAD_INPUT : EXIT_OK;
}

export const val = (s: Sourced | undefined) => (s === undefined ? '—' : s.value.toLocaleString('en-US', { maximumFractionDigits: 4 }));

function renderSide(s: Side): string {
  const out = [`${s.workload} — priced as of ${s.asOf}`];
  if (s.note) out.push(`! ${s.note}`);
  const ids = [...new Set([...s.assumed.routes.map((r) => r.route), ...(s.measured?.routes.map((r) => r.route) ?? [])])];
  const lcpr = (c: Comparison | undefined, id: string) => {
    const r = c?.routes.find((x) => x.route === id);
    if (r) return usdPerRequest(r.lcpr);
    return c?.unpriced.find((u) => u.route === id) ? 'unpriced' : '—';
  };
  out.push(
    '',
    table(
      ['Route', 'LCPR (assumed)', 'LCPR (measured)'],
      ids.map((id) => [id, lcpr(s.assumed, id), lcpr(s.measured, id)]),
      ['left', 'right', 'right'],
    ),
  );
  if (s.replaced.length) {
    out.push('', 'Inputs: assumed → measured');
    out.push(
      table(
        ['Input', 'Assumed', 'Evidence', 'Measured'],
        s.replaced.map((r) => [r.field, val(r.assumed), r.assumed?.evidence ?? '—', val(r.measured)]),
        ['left', 'right', 'left', 'right'],
      ),
    );
    out.push(`Measured from ${s.replaced[0]!.measured.source}`);
  }
  for (const u of (s.measured ?? s.assumed).unpriced) out.push(`unpriced: ${u.route}: ${u.message}`);
  return out.join('\n');
}

