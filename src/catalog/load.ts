import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PriceEvidence, Sourced } from '../engine/evidence.js';
import type { TokenPriceSheet } from '../engine/cost/token-pricing.js';
import { InputFileError, type Problem, locate, readYaml, validate } from '../io/yaml-file.js';
import { type PriceField, gpusFile, modelsFile, providersFile, tokenPricesFile } from './schema.js';
import { readSnapshot } from './snapshot.js';
import type { Catalog, GpuSkuEntry, GpuSpecEntry, ModelSpecEntry, PricePoint, ProviderEntry, TokenRouteEntry } from './types.js';

/** The catalog shipped with the package: `<package root>/catalog`. */
export function defaultCatalogDir(): string {
  // dist/catalog/load.js and src/catalog/load.ts both sit two levels below the package root.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'catalog');
}

const cache = new Map<string, Catalog>();

/** Where the build writes the bundled catalog's snapshot: `<package root>/dist/catalog-snapshot.json`. */
export const SNAPSHOT_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'catalog-snapshot.json');

/** Reads the YAML files themselves, never the snapshot (the build and the snapshot test use it). */
export function readCatalogFiles(dir: string = defaultCatalogDir()): Catalog {
  return readCatalog(resolve(dir));
}

/** Loads and validates catalog/{providers,token-prices,gpus}.yaml. Throws InputFileError listing every problem. */
export function loadCatalog(dir: string = defaultCatalogDir()): Catalog {
  const key = resolve(dir);
  const hit = cache.get(key);
  if (hit) return hit;
  // The bundled catalog, unchanged since the build: its validated snapshot (snapshot.ts).
  const catalog = (key === resolve(defaultCatalogDir()) ? readSnapshot(key, SNAPSHOT_FILE) : undefined) ?? readCatalog(key);
  cache.set(key, catalog);
  return catalog;
}

function readCatalog(dir: string): Catalog {
  if (!existsSync(dir)) throw new InputFileError(dir, [{ message: 'catalog directory not found' }]);
  const providersSrc = readYaml(join(dir, 'providers.yaml'));
  const providersData = validate(providersSrc, providersFile);
  const providers = new Map<string, ProviderEntry>();
  for (const [id, p] of Object.entries(providersData.providers)) {
    providers.set(id, { id, name: p.name, mode: p.mode, ...(p.genai_prices_id ? { genaiPricesId: p.genai_prices_id } : {}) });
  }

  const catalog: Catalog = { dir, providers, tokenRoutes: new Map(), gpuSkus: new Map(), gpuSpecs: new Map(), models: new Map(), aliases: new Map() };

  const tokenSrc = readYaml(join(dir, 'token-prices.yaml'));
  const tokenData = validate(tokenSrc, tokenPricesFile);
  const tokenProblems: Problem[] = [];
  const seen = new Set<string>();
  const claim = (name: string, path: PropertyKey[], problems: Problem[], src: Parameters<typeof locate>[0]) => {
    if (seen.has(name)) {
      problems.push({ ...locate(src, path), message: `"${name}" is already used by another route or alias` });
      return false;
    }
    seen.add(name);
    return true;
  };
  tokenData.routes.forEach((r, i) => {
    const provider = r.id.split('/')[0]!;
    const providerEntry = providers.get(provider);
    if (!providerEntry) tokenProblems.push({ ...locate(tokenSrc, ['routes', i, 'id']), field: `routes[${i}].id`, message: `provider "${provider}" is not in providers.yaml` });
    claim(r.id, ['routes', i, 'id'], tokenProblems, tokenSrc);
    const history: PricePoint<TokenPriceSheet>[] = [];
    r.prices.forEach((p, j) => {
      const ctx = { source: p.source, evidence: p.evidence };
      const at = (f: string) => ({ ...locate(tokenSrc, ['routes', i, 'prices', j, f]), field: `routes[${i}].prices[${j}].${f}` });
      const field = (name: string, raw: PriceField | undefined, base: { input?: Sourced; output?: Sourced }): Sourced | undefined => {
        if (raw === undefined) return undefined;
        const out = toSourced(raw, ctx, base);
        if (out === 'missing-base') {
          tokenProblems.push({ ...at(name), message: `is a multiplier of a price this point does not set` });
          return undefined;
        }
        return out;
      };
      const input = field('input', p.input, {});
      const output = field('output', p.output, {});
      const base = { ...(input ? { input } : {}), ...(output ? { output } : {}) };
      const sheet: TokenPriceSheet = {};
      if (input) sheet.input = input;
      if (output) sheet.output = output;
      const put = (k: keyof Omit<TokenPriceSheet, 'longContext'>, name: string, raw: PriceField | undefined) => {
        const v = field(name, raw, base);
        if (v) sheet[k] = v;
      };
      put('cachedInput', 'cached_input', p.cached_input);
      put('cacheWrite5m', 'cache_write_5m', p.cache_write_5m);
      put('cacheWrite1h', 'cache_write_1h', p.cache_write_1h);
      put('batchInput', 'batch_input', p.batch_input);
      put('batchOutput', 'batch_output', p.batch_output);
      if (p.long_context) {
        const lcIn = field('long_context', p.long_context.input, base);
        const lcOut = field('long_context', p.long_context.output, base);
        const lcCached = field('long_context', p.long_context.cached_input, base);
        if (lcIn && lcOut) sheet.longContext = { thresholdTokens: p.long_context.threshold_tokens, input: lcIn, output: lcOut, ...(lcCached ? { cachedInput: lcCached } : {}) };
      }
      if (!input && !output) tokenProblems.push({ ...at('effective'), message: 'a price point must set input or output' });
      const prev = history[history.length - 1];
      if (prev && prev.effective! >= p.effective) tokenProblems.push({ ...at('effective'), message: `effective dates must increase (previous point: ${prev.effective})` });
      history.push({ effective: p.effective, asOf: p.as_of, source: p.source, evidence: p.evidence, ...(p.notes ? { notes: p.notes } : {}), sheet });
    });
    const aliases = r.aliases ?? [];
    aliases.forEach((a, k) => {
      if (claim(a, ['routes', i, 'aliases', k], tokenProblems, tokenSrc)) catalog.aliases.set(a, r.id);
    });
    const entry: TokenRouteEntry = {
      kind: 'tokens',
      id: r.id,
      provider,
      name: r.name ?? r.id,
      model: r.model ?? r.id.split('/')[1]!,
      mode: r.mode ?? providerEntry?.mode ?? 'serverless',
      aliases,
      origin: 'catalog',
      history,
    };
    catalog.tokenRoutes.set(r.id, entry);
  });
  if (tokenProblems.length) throw new InputFileError(tokenSrc.file, tokenProblems);

  const gpuSrc = readYaml(join(dir, 'gpus.yaml'));
  const gpuData = validate(gpuSrc, gpusFile);
  const gpuProblems: Problem[] = [];
  for (const [id, s] of Object.entries(gpuData.specs)) {
    const h = s.hardware;
    const spec: GpuSpecEntry = {
      id,
      name: s.name,
      ...(h
        ? {
            hardware: {
              hbmGb: h.hbm_gb,
              memoryBandwidthTbPerS: h.memory_bandwidth_tb_s,
              denseBf16Tflops: h.dense_bf16_tflops,
              ...(h.dense_fp8_tflops !== undefined ? { denseFp8Tflops: h.dense_fp8_tflops } : {}),
              source: h.source,
              evidence: h.evidence,
            },
          }
        : {}),
      throughput: (s.throughput ?? []).map((t) => ({
        serves: t.serves,
        ...(t.precision ? { precision: t.precision } : {}),
        outputTokensPerSecond: { value: t.output_tokens_per_second, evidence: t.evidence, source: t.source },
      })),
    };
    catalog.gpuSpecs.set(id, spec);
  }
  gpuData.skus.forEach((s, i) => {
    const provider = s.id.split('/')[0]!;
    const providerEntry = providers.get(provider);
    if (!providerEntry) gpuProblems.push({ ...locate(gpuSrc, ['skus', i, 'id']), field: `skus[${i}].id`, message: `provider "${provider}" is not in providers.yaml` });
    if (s.spec && !catalog.gpuSpecs.has(s.spec)) gpuProblems.push({ ...locate(gpuSrc, ['skus', i, 'spec']), field: `skus[${i}].spec`, message: `unknown GPU spec "${s.spec}"` });
    claim(s.id, ['skus', i, 'id'], gpuProblems, gpuSrc);
    const aliases = s.aliases ?? [];
    aliases.forEach((a, k) => {
      if (claim(a, ['skus', i, 'aliases', k], gpuProblems, gpuSrc)) catalog.aliases.set(a, s.id);
    });
    const history = s.prices.map((p, j) => {
      const src = (value: number): Sourced => ({ value, evidence: p.evidence, source: p.source });
      if (p.on_demand === undefined && !p.reserved?.length && p.spot === undefined) {
        gpuProblems.push({ ...locate(gpuSrc, ['skus', i, 'prices', j]), field: `skus[${i}].prices[${j}]`, message: 'a GPU price point needs on_demand, reserved or spot' });
      }
      return {
        effective: p.effective,
        asOf: p.as_of,
        source: p.source,
        evidence: p.evidence,
        ...(p.notes ? { notes: p.notes } : {}),
        sheet: {
          ...(p.on_demand !== undefined ? { onDemand: src(p.on_demand) } : {}),
          reserved: (p.reserved ?? []).map((r) => ({ term: r.term, hourly: src(r.hourly) })),
          ...(p.spot !== undefined ? { spot: src(p.spot) } : {}),
          ...(p.capex_usd !== undefined ? { capexUsd: p.capex_usd } : {}),
        },
      };
    });
    const entry: GpuSkuEntry = {
      kind: 'gpu',
      id: s.id,
      provider,
      name: s.name ?? s.id,
      mode: s.mode ?? providerEntry?.mode ?? 'self_managed',
      ...(s.spec ? { spec: s.spec } : {}),
      gpusPerInstance: s.gpus_per_instance,
      aliases,
      ...(s.min_billing_minutes ? { minBillingMinutes: s.min_billing_minutes } : {}),
      origin: 'catalog',
      history,
    };
    catalog.gpuSkus.set(s.id, entry);
  });
  if (gpuProblems.length) throw new InputFileError(gpuSrc.file, gpuProblems);
  readModels(dir, catalog);
  return catalog;
}

/** catalog/models.yaml is optional: a catalog without it prices routes but cannot size models. */
function readModels(dir: string, catalog: Catalog): void {
  const file = join(dir, 'models.yaml');
  if (!existsSync(file)) return;
  const src = readYaml(file);
  const data = validate(src, modelsFile);
  const problems: Problem[] = [];
  const names = new Set<string>();
  for (const [id, m] of Object.entries(data.models)) {
    const at = (f: string) => ({ ...locate(src, ['models', id, f]), field: `models.${id}.${f}` });
    if (m.kv_heads > m.attention_heads) problems.push({ ...at('kv_heads'), message: `kv_heads ${m.kv_heads} exceeds attention_heads ${m.attention_heads}` });
    if (m.active_parameters !== undefined && m.active_parameters > m.parameters) problems.push({ ...at('active_parameters'), message: 'active_parameters exceeds parameters' });
    for (const n of [id, ...(m.aliases ?? [])]) {
      if (names.has(n)) problems.push({ ...at('aliases'), message: `"${n}" names two models` });
      names.add(n);
    }
    const entry: ModelSpecEntry = {
      id,
      name: m.name,
      parameters: m.parameters,
      activeParameters: m.active_parameters ?? m.parameters,
      layers: m.layers,
      attentionHeads: m.attention_heads,
      kvHeads: m.kv_heads,
      headDim: m.head_dim,
      aliases: m.aliases ?? [],
      ...(m.notes ? { notes: m.notes } : {}),
      source: m.source,
      evidence: m.evidence,
    };
    catalog.models.set(id, entry);
  }
  if (problems.length) throw new InputFileError(src.file, problems);
}

function toSourced(
  raw: PriceField,
  ctx: { source: string; evidence: PriceEvidence },
  base: { input?: Sourced; output?: Sourced },
): Sourced | 'missing-base' {
  if (typeof raw === 'number') return { value: raw, evidence: ctx.evidence, source: ctx.source };
  if ('value' in raw) return { value: raw.value, evidence: raw.evidence ?? ctx.evidence, source: raw.source ?? ctx.source };
  const of = base[raw.of];
  if (!of) return 'missing-base';
  return {
    value: of.value * raw.multiplier,
    evidence: raw.evidence ?? 'derived',
    source: `${raw.source ?? ctx.source} (${raw.multiplier}× the ${raw.of} price)`,
  };
}
