import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { stringify } from 'yaml';
import { InputFileError, readInputText } from '../../io/yaml-file.js';
import type { GatewayModels } from '../gateway-models.js';
import { type ImportSource, type OverlayData, overlayRouteId } from '../overlay.js';
import type { Catalog } from '../types.js';
import { type ImportedEntry, type ImportedPrice, type ParseResult, parseJson, skip } from './common.js';
import { parseGenaiPrices } from './genai-prices.js';
import { parseLitellm } from './litellm.js';
import { parseOpenrouter } from './openrouter.js';
import { parsePortkey } from './portkey.js';

export { parseLitellm, parseGenaiPrices, parsePortkey, parseOpenrouter, type ParseResult, type ImportedEntry };

const TITLE: Record<ImportSource, string> = {
  litellm: 'LiteLLM model_prices_and_context_window.json',
  'genai-prices': 'genai-prices data.json',
  portkey: 'Portkey pricing JSON',
  openrouter: 'OpenRouter models list',
};

/** Portkey's provider slugs that differ from routefit's provider ids. */
const PORTKEY_PROVIDERS: Record<string, string> = { 'together-ai': 'together', 'fireworks-ai': 'fireworks', 'x-ai': 'x-ai', 'google': 'google', 'vertex-ai': 'google', 'bedrock': 'aws', 'azure-openai': 'azure', 'mistral-ai': 'mistral' };

export interface ImportOptions {
  today: string;
  /** The date the user downloaded the file; default its modification date (UTC). */
  fileDate?: string;
  /** Portkey: the provider the file prices (default: the file name, e.g. `anthropic.json`). */
  provider?: string;
  gatewayModels?: GatewayModels;
}

export interface ImportResult {
  overlay: OverlayData;
  /** The overlay file's text (YAML with a header comment). */
  text: string;
  parsed: ParseResult;
}

/** A route id for an imported model: the mapping table, then the catalog (ids, aliases), else provider/model. */
function routeIdFor(e: ImportedEntry, catalog: Catalog, table: GatewayModels | undefined): string {
  const lower = e.model.toLowerCase();
  if (e.provider !== 'openrouter') {
    const mapped = table?.models.find((m) => m.provider.id === e.provider && !m.serves && m.model.toLowerCase() === lower);
    if (mapped) return mapped.route;
  }
  const id = `${e.provider}/${e.model}`;
  const known = [...catalog.tokenRoutes.keys(), ...catalog.aliases.keys()].find((k) => k.toLowerCase() === id.toLowerCase());
  if (known) return catalog.aliases.get(known) ?? known;
  return id;
}

/** The point in force on the file's date (observed then: effective = file date), then any later dated points. */
function pointsAsOf(points: ImportedPrice[], fileDate: string): ImportedPrice[] {
  const dated = points.filter((p) => p.effective && p.effective > fileDate).sort((a, b) => a.effective!.localeCompare(b.effective!));
  const inForce = points.filter((p) => !p.effective || p.effective <= fileDate).sort((a, b) => (a.effective ?? '').localeCompare(b.effective ?? '')).at(-1);
  return [...(inForce ? [{ ...inForce, effective: fileDate }] : []), ...dated];
}

/**
 * Reads a price file the user downloaded and maps it to an overlay catalog: `source` names the
 * file, its sha256 and its date; evidence `public`. Malformed entries are listed (`rejected`),
 * entries out of scope are counted (`skipped`); nothing is dropped without a trace.
 */
export function importPriceFile(file: string, from: ImportSource, catalog: Catalog, opts: ImportOptions): ImportResult {
  const text = readInputText(file, 200_000_000, 'a price file');
  const data = parseJson(file, text);
  const fileDate = opts.fileDate ?? statSync(file).mtime.toISOString().slice(0, 10);
  let parsed: ParseResult;
  if (from === 'litellm') parsed = parseLitellm(data);
  else if (from === 'genai-prices') {
    const byGenai = new Map([...catalog.providers.values()].filter((p) => p.genaiPricesId).map((p) => [p.genaiPricesId!, p.id]));
    parsed = parseGenaiPrices(data, (id) => byGenai.get(id) ?? (catalog.providers.has(id) ? id : undefined));
  } else if (from === 'portkey') {
    const slug = opts.provider ?? basename(file).replace(/\.json$/i, '');
    const fromTable = opts.gatewayModels ? [...opts.gatewayModels.providers.values()].find((p) => p.portkey === slug)?.id : undefined;
    const provider = catalog.providers.has(slug) ? slug : (fromTable ?? PORTKEY_PROVIDERS[slug]);
    if (!provider || !catalog.providers.has(provider)) {
      throw new InputFileError(file, [{ message: `Portkey pricing files are per provider: "${slug}" is not a routefit provider; say which with --provider (${[...catalog.providers.keys()].join(', ')})` }]);
    }
    parsed = parsePortkey(data, provider);
  } else parsed = parseOpenrouter(data);
  if (parsed.rejected.some((r) => r.entry === '(file)')) throw new InputFileError(file, [{ line: 1, message: `not a ${TITLE[from]}: ${parsed.rejected[0]!.reason}` }]);

  const sha256 = createHash('sha256').update(text).digest('hex');
  const name = basename(file);
  const routes: OverlayData['routes'] = [];
  const taken = new Map<string, string>();
  for (const e of parsed.entries) {
    if (!catalog.providers.has(e.provider)) {
      skip(parsed, `provider ${e.provider} (not in providers.yaml)`);
      continue;
    }
    const id = routeIdFor(e, catalog, opts.gatewayModels);
    if (!overlayRouteId.safeParse(id).success) {
      parsed.rejected.push({ entry: e.entry, reason: `model id "${e.model}" cannot form a route id provider/model` });
      continue;
    }
    if (catalog.gpuSkus.has(id)) {
      parsed.rejected.push({ entry: e.entry, reason: `${id} is a GPU SKU in the catalog` });
      continue;
    }
    if (taken.has(id)) {
      skip(parsed, 'same route as an earlier entry');
      continue;
    }
    taken.set(id, e.entry);
    const source = `${TITLE[from]} ${name} (sha256 ${sha256.slice(0, 12)}, dated ${fileDate}): ${e.entry}`;
    const prices = pointsAsOf(e.points, fileDate).map(({ effective, ...p }) => ({ effective: effective!, as_of: fileDate, source, evidence: 'public' as const, ...p }));
    routes.push({ id, ...(e.name ? { name: e.name } : {}), model: e.model, prices });
  }
  routes.sort((a, b) => a.id.localeCompare(b.id));
  const overlay: OverlayData = {
    overlay: {
      from,
      file: name,
      sha256,
      file_date: fileDate,
      imported: opts.today,
      ...(Object.keys(parsed.skipped).length ? { skipped: Object.fromEntries(Object.entries(parsed.skipped).sort()) } : {}),
      ...(parsed.rejected.length ? { rejected: parsed.rejected } : {}),
    },
    routes,
  };
  const header = [
    `routefit catalog overlay: ${routes.length} routes from ${TITLE[from]} ${name}, dated ${fileDate}.`,
    'Written by `routefit catalog import`; the shipped catalog files are never edited. Use it with',
    '--catalog-overlay FILE (or a directory of overlays); check it with `routefit catalog validate --catalog-overlay FILE`.',
  ];
  return { overlay, text: header.map((l) => `# ${l}`).join('\n') + '\n' + stringify(overlay, { lineWidth: 0 }), parsed };
}
