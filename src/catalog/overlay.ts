import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Sourced } from '../engine/evidence.js';
import type { TokenPriceSheet } from '../engine/cost/token-pricing.js';
import { InputFileError, type Problem, type YamlSource, locate, readYaml, validate } from '../io/yaml-file.js';
import { type PriceField, tokenPricePoint } from './schema.js';
import type { Catalog, PricePoint, TokenRouteEntry } from './types.js';

/**
 * Overlay catalog files: prices imported from a file the user downloaded (`routefit catalog
 * import`), layered over the shipped catalog in memory. An overlay never edits a shipped file:
 * its points join a route's history (a point on the same effective date as a shipped one wins,
 * being the newer observation) or add routes the shipped catalog lacks.
 */
export const IMPORT_SOURCES = ['litellm', 'genai-prices', 'portkey', 'openrouter'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
/** Overlay route ids may keep the provider's own slashes (OpenRouter: openrouter/meta-llama/llama-3.3-70b-instruct). */
export const overlayRouteId = z.string().regex(/^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._:/+-]*$/, 'expected provider/model, lowercase provider');

export const overlayFile = z.strictObject({
  overlay: z.strictObject({
    from: z.enum(IMPORT_SOURCES),
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected the file’s sha256 (64 hex digits)'),
    file_date: date,
    imported: date,
    skipped: z.record(z.string(), z.number().int().min(0)).optional(),
    rejected: z.array(z.strictObject({ entry: z.string(), reason: z.string() })).optional(),
  }),
  routes: z.array(
    z.strictObject({
      id: overlayRouteId,
      name: z.string().optional(),
      model: z.string().optional(),
      prices: z.array(tokenPricePoint).min(1),
    }),
  ),
});
export type OverlayData = z.output<typeof overlayFile>;

export interface OverlayInfo {
  file: string;
  from: ImportSource;
  fileDate: string;
  routes: number;
}

/** The overlay files a path names: a file, or every *.yaml / *.yml in a directory (sorted by name). */
export function overlayFiles(path: string): string[] {
  if (!existsSync(path)) throw new InputFileError(path, [{ message: 'catalog overlay not found (give a file written by `routefit catalog import`, or a directory of them)' }]);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

function num(raw: PriceField | undefined, ctx: { source: string; evidence: Sourced['evidence'] }, base: TokenPriceSheet): Sourced | undefined | 'missing-base' {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return { value: raw, evidence: ctx.evidence, source: ctx.source };
  if ('value' in raw) return { value: raw.value, evidence: raw.evidence ?? ctx.evidence, source: raw.source ?? ctx.source };
  const b = base[raw.of];
  if (!b) return 'missing-base';
  return { value: raw.multiplier * b.value, evidence: raw.evidence ?? ctx.evidence, source: raw.source ?? ctx.source };
}

/** Reads and checks one overlay against a catalog; every problem with file:line (InputFileError, exit 2). */
export function readOverlay(file: string, catalog: Catalog): { src: YamlSource; data: OverlayData; entries: { id: string; canonical: string | null; name?: string; model?: string; history: PricePoint<TokenPriceSheet>[] }[] } {
  const src = readYaml(file);
  const data = validate(src, overlayFile);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const entries = data.routes.map((r, i) => {
    const at = (path: (string | number)[]) => ({ ...locate(src, ['routes', i, ...path]), field: `routes[${i}].${path.join('.')}` });
    const provider = r.id.split('/')[0]!;
    if (!catalog.providers.has(provider)) problems.push({ ...at(['id']), message: `provider "${provider}" is not in providers.yaml (known: ${[...catalog.providers.keys()].join(', ')})` });
    if (seen.has(r.id)) problems.push({ ...at(['id']), message: `"${r.id}" appears twice in this overlay` });
    seen.add(r.id);
    if (catalog.gpuSkus.has(catalog.aliases.get(r.id) ?? r.id)) problems.push({ ...at(['id']), message: `"${r.id}" is a GPU SKU; overlays carry per-token prices` });
    const history: PricePoint<TokenPriceSheet>[] = [];
    r.prices.forEach((p, j) => {
      const ctx = { source: p.source, evidence: p.evidence };
      const sheet: TokenPriceSheet = {};
      const put = (k: Exclude<keyof TokenPriceSheet, 'longContext' | 'batchStacksWithCache'>, name: string, raw: PriceField | undefined) => {
        const v = num(raw, ctx, sheet);
        if (v === 'missing-base') problems.push({ ...at(['prices', j, name]), message: 'is a multiplier of a price this point does not set' });
        else if (v) sheet[k] = v;
      };
      put('input', 'input', p.input);
      put('output', 'output', p.output);
      put('cachedInput', 'cached_input', p.cached_input);
      put('cacheWrite5m', 'cache_write_5m', p.cache_write_5m);
      put('cacheWrite1h', 'cache_write_1h', p.cache_write_1h);
      put('batchInput', 'batch_input', p.batch_input);
      put('batchOutput', 'batch_output', p.batch_output);
      if (p.long_context) {
        const i2 = num(p.long_context.input, ctx, sheet);
        const o2 = num(p.long_context.output, ctx, sheet);
        const c2 = num(p.long_context.cached_input, ctx, sheet);
        if (typeof i2 === 'object' && typeof o2 === 'object') sheet.longContext = { thresholdTokens: p.long_context.threshold_tokens, input: i2, output: o2, ...(typeof c2 === 'object' ? { cachedInput: c2 } : {}) };
      }
      if (!sheet.input && !sheet.output) problems.push({ ...at(['prices', j]), message: 'a price point must set input or output' });
      const prev = history[history.length - 1];
      if (prev && prev.effective! >= p.effective) problems.push({ ...at(['prices', j, 'effective']), message: `effective dates must increase (previous point: ${prev.effective})` });
      history.push({ effective: p.effective, asOf: p.as_of, source: p.source, evidence: p.evidence, ...(p.notes ? { notes: p.notes } : {}), sheet });
    });
    const canonical = catalog.aliases.get(r.id) ?? (catalog.tokenRoutes.has(r.id) ? r.id : null);
    return { id: r.id, canonical, ...(r.name ? { name: r.name } : {}), ...(r.model ? { model: r.model } : {}), history };
  });
  if (problems.length) throw new InputFileError(file, problems);
  return { src, data, entries };
}

/** The catalog with overlays applied, in order (a later overlay's point wins on the same date). The input catalog is not changed. */
export function withOverlays(base: Catalog, files: readonly string[]): Catalog {
  if (!files.length) return base;
  const catalog: Catalog = { ...base, tokenRoutes: new Map(base.tokenRoutes), aliases: new Map(base.aliases), overlays: [...(base.overlays ?? [])] };
  for (const file of files) {
    const { data, entries } = readOverlay(file, catalog);
    for (const e of entries) {
      const id = e.canonical ?? e.id;
      const existing = catalog.tokenRoutes.get(id);
      const merged = [...(existing?.history ?? [])].filter((p) => !e.history.some((q) => q.effective === p.effective));
      merged.push(...e.history);
      merged.sort((a, b) => (a.effective ?? '').localeCompare(b.effective ?? ''));
      const provider = id.split('/')[0]!;
      const entry: TokenRouteEntry = existing
        ? { ...existing, history: merged }
        : { kind: 'tokens', id, provider, name: e.name ?? id, model: e.model ?? id.slice(provider.length + 1), mode: catalog.providers.get(provider)!.mode, aliases: [], origin: 'overlay', history: merged };
      catalog.tokenRoutes.set(id, entry);
    }
    catalog.overlays!.push({ file: resolve(file), from: data.overlay.from, fileDate: data.overlay.file_date, routes: entries.length });
  }
  return catalog;
}
