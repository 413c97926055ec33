import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadGatewayModels } from '../../../catalog/gateway-models.js';
import { importPriceFile } from '../../../catalog/importers/index.js';
import { defaultCatalogDir } from '../../../catalog/load.js';
import { IMPORT_SOURCES, type ImportSource, withOverlays } from '../../../catalog/overlay.js';
import { InputFileError } from '../../../io/input-error.js';
import { CliUsageError, EXIT_BAD_INPUT, EXIT_OK, type Io } from '../../io.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';

const options = {
  from: opt.string('--from <format>', `the file's format: ${IMPORT_SOURCES.join(', ')}`).required(),
  out: opt.string('--out <path>', 'overlay file to write (default: catalog-overlay-<format>-<file date>.yaml here)'),
  date: opt.date('--date <date>', "the date you downloaded the file (default: the file's modification date)"),
  provider: opt.string('--provider <id>', 'portkey: the provider the pricing file covers (default: the file name, e.g. anthropic.json)'),
  acceptRejects: opt.flag('--accept-rejects', 'write the overlay even though some entries are malformed (they are listed in it)'),
  force: opt.flag('--force', 'overwrite an existing overlay file'),
  json: opt.json(),
  catalog: opt.catalog(),
};

function catalogImport(file: string, opts: OptionValues<typeof options>, io: Io): number {
  if (!IMPORT_SOURCES.includes(opts.from as ImportSource)) throw new CliUsageError(`--from must be one of ${IMPORT_SOURCES.join(', ')}; got "${opts.from}"`);
  const from = opts.from as ImportSource;
  const catalog = openCatalog(opts.catalog);
  const result = importPriceFile(file, from, catalog, {
    today: io.today,
    ...(opts.date ? { fileDate: opts.date } : {}),
    ...(opts.provider ? { provider: opts.provider } : {}),
    gatewayModels: loadGatewayModels(opts.catalog ?? defaultCatalogDir()),
  });
  const { overlay, parsed } = result;
  const rejected = parsed.rejected;
  if (rejected.length && !opts.acceptRejects) {
    const shown = rejected.slice(0, 20).map((r) => `  ${r.entry}: ${r.reason}`);
    io.err(`routefit: ${file}: ${rejected.length} malformed entr${rejected.length === 1 ? 'y' : 'ies'}; nothing written (fix the file, or add --accept-rejects to import the rest and list these in the overlay):\n${shown.join('\n')}${rejected.length > 20 ? `\n  … ${rejected.length - 20} more` : ''}\n`);
    return EXIT_BAD_INPUT;
  }
  const out = resolve(opts.out ?? `catalog-overlay-${from}-${overlay.overlay.file_date}.yaml`);
  if (existsSync(out) && !opts.force) throw new CliUsageError(`${out} exists; choose another --out or add --force`);
  // Written beside its destination, read back through the loader, then moved into place: a failed import leaves nothing behind.
  const tmp = join(dirname(out), `.routefit-import-${process.pid}.yaml`);
  writeFileSync(tmp, result.text);
  try {
    withOverlays(catalog, [tmp]);
  } catch (err) {
    rmSync(tmp, { force: true });
    if (err instanceof InputFileError) throw new Error(`the overlay routefit wrote does not load back (${err.message}); please report this with the price file`);
    throw err;
  }
  renameSync(tmp, out);
  const existing = overlay.routes.filter((r) => catalog.tokenRoutes.has(r.id)).length;
  const summary = { out, from, file, fileDate: overlay.overlay.file_date, sha256: overlay.overlay.sha256, routes: overlay.routes.length, updatesCatalogRoutes: existing, newRoutes: overlay.routes.length - existing, skipped: parsed.skipped, rejected };
  if (opts.json) io.out(JSON.stringify(summary, null, 2) + '\n');
  else {
    const L = [`wrote ${out}: ${summary.routes} routes from ${file} (dated ${summary.fileDate}) — ${existing} price catalog routes, ${summary.newRoutes} new`];
    for (const [reason, n] of Object.entries(parsed.skipped)) L.push(`  skipped ${n}: ${reason}`);
    if (rejected.length) L.push(`  rejected ${rejected.length} malformed entries (listed in the overlay)`);
    L.push(`Use it: routefit compare FILE --catalog-overlay ${out}   ·   what changed: routefit catalog diff --against ${out}`);
    io.out(L.join('\n') + '\n');
  }
  return EXIT_OK;
}

export default defineCommand({
  description: "read a price file you downloaded (LiteLLM's model_prices_and_context_window.json, genai-prices' data.json, a Portkey pricing JSON, OpenRouter's models list) into an overlay catalog file; shipped prices are never edited",
  args: [{ name: '<file>', description: 'the price file (JSON)' }],
  options,
  examples: [
    'routefit catalog import model_prices_and_context_window.json --from litellm --date 2026-11-30',
    'routefit catalog import data.json --from genai-prices --out overlays/genai.yaml',
    'routefit catalog import anthropic.json --from portkey',
    'routefit catalog import models.json --from openrouter --json',
  ],
  notes: 'Every route gets source = the file, its sha256 and its date, evidence public. Exit 2 when the file is malformed or has malformed entries (unless --accept-rejects).',
  run: (opts, { args, io }) => catalogImport(args[0]!, opts, io),
});
