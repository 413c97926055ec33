import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/load.js';
import { overlayFiles, withOverlays } from '../../../catalog/overlay.js';
import { type PriceChange, changesSince, compareSources, workloadPriceFlags } from '../../../catalog/price-diff.js';
import type { Catalog } from '../../../catalog/types.js';
import { loadFleet } from '../../../fleet/load.js';
import { InputFileError } from '../../../io/input-error.js';
import { loadWorkloadFile } from '../../../workload/load.js';
import { prepareWorkloads } from '../../../workload/prepare.js';
import { table } from '../../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../../io.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';

/** A workload's route changed price since its as_of: re-run the comparison (exit 1, like `traces check`). */
const EXIT_SIGNAL = 1;

const options = {
  since: opt.date('--since <date>', 'price changes that took effect after this date'),
  against: opt.string('--against <path>', 'another source: an overlay from `routefit catalog import`, or a catalog directory'),
  workload: opt.string('--workload <file>', "a workload or fleet file: flag its routes whose price changed after its as_of"),
  asOf: opt.asOf('with --against: compare the prices in force on this date (default today)'),
  json: opt.json(),
  catalog: opt.catalog(),
  catalogOverlay: opt.catalogOverlay(),
};

const money = (v: number | null) => (v === null ? '—' : `$${v}`);
const changeText = (c: PriceChange['changes']) => c.map((x) => `${x.field} ${money(x.before)} → ${money(x.after)}`).join(', ');

function workloadsOf(file: string, catalog: Catalog, today: string) {
  try {
    return prepareWorkloads(loadWorkloadFile(file), catalog, { today });
  } catch (err) {
    // A fleet file (decision facts beside the workload keys) loads through the fleet loader.
    if (!(err instanceof InputFileError) || !err.problems.some((p) => p.message.startsWith('unknown key'))) throw err;
    return loadFleet(file, catalog, { today }).workloads.map((w) => w.prepared);
  }
}

function catalogDiff(opts: OptionValues<typeof options>, io: Io): number {
  if (!opts.since && !opts.against && !opts.workload) throw new CliUsageError('say what to compare: --since DATE, --against FILE, or --workload FILE (see --help)');
  const catalog = openCatalog(opts.catalog, opts.catalogOverlay);
  const result: Record<string, unknown> = {};
  const L: string[] = [];
  if (opts.since) {
    const changes = changesSince(catalog, opts.since);
    result.since = { date: opts.since, changes };
    L.push(`Price changes effective after ${opts.since}: ${changes.length}`);
    if (changes.length) L.push(table(['Route', 'Effective', 'Change'], changes.map((c) => [c.route, c.effective, changeText(c.changes)])));
  }
  if (opts.against) {
    const asOf = opts.asOf ?? io.today;
    // A directory with providers.yaml is a catalog; anything else is an overlay (or a directory of them).
    const isCatalog = statSync(opts.against, { throwIfNoEntry: false })?.isDirectory() && existsSync(join(opts.against, 'providers.yaml'));
    const other = isCatalog ? loadCatalog(opts.against) : withOverlays(catalog, overlayFiles(opts.against));
    const rows = compareSources(catalog, other, asOf);
    result.against = { path: opts.against, asOf, routes: rows };
    if (L.length) L.push('');
    L.push(`${opts.against} against the catalog on ${asOf}: ${rows.filter((r) => r.before).length} routes priced differently, ${rows.filter((r) => !r.before).length} new`);
    if (rows.length) L.push(table(['Route', 'Change', 'Now (source)'], rows.map((r) => [r.route, r.before ? changeText(r.changes) : `new: ${changeText(r.changes)}`, r.before ? r.before.source.slice(0, 60) : '—'])));
  }
  let flags: ReturnType<typeof workloadPriceFlags> = [];
  if (opts.workload) {
    const ws = workloadsOf(opts.workload, catalog, io.today).map((p) => ({ name: p.name, asOf: p.asOf, routes: p.routes.map((r) => r.id) }));
    flags = workloadPriceFlags(catalog, ws);
    result.workloads = { file: opts.workload, flags };
    if (L.length) L.push('');
    L.push(flags.length ? `${flags.length} route price${flags.length === 1 ? '' : 's'} changed after the workload's as_of — pricing page update: re-run the LCPR comparison (Inference Field Guide, Part 5):` : `no route of ${opts.workload} changed price after its as_of`);
    if (flags.length) L.push(table(['Workload', 'as_of', 'Route', 'Effective', 'Change'], flags.map((f) => [f.workload, f.asOf, f.change.route, f.change.effective, changeText(f.change.changes)])));
  }
  io.out(opts.json ? JSON.stringify(result, null, 2) + '\n' : L.join('\n') + '\n');
  return flags.length ? EXIT_SIGNAL : EXIT_OK;
}

export default defineCommand({
  description: "prices that changed since a date or between two sources, and each workload route whose price changed after the workload's as_of (exit 1 then: re-run the calculator)",
  options,
  examples: [
    'routefit catalog diff --since 2026-05-01',
    'routefit catalog diff --against catalog-overlay-litellm-2026-11-30.yaml',
    'routefit catalog diff --workload examples/saas-chat.yaml --catalog-overlay catalog-overlay-litellm-2026-11-30.yaml',
  ],
  notes: 'Exit code 1 when --workload finds a route whose price changed after its as_of (the same price-change diff `routefit traces check` uses).',
  run: (opts, { io }) => catalogDiff(opts, io),
});
