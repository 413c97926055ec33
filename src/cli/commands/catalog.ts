import { allTokenRoutes, findRoute, pointAt } from '../../catalog/lookup.js';
import { genaiRoutes } from '../../catalog/genai-prices.js';
import type { Catalog, GpuSkuEntry, TokenRouteEntry } from '../../catalog/types.js';
import { DEPLOYMENT_MODES } from '../../engine/cost/lcpr.js';
import { RoutefitError } from '../../engine/errors.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { table, usd } from '../format.js';
import { openCatalog, parseDate } from './shared.js';

export interface ListOptions {
  provider?: string;
  model?: string;
  mode?: string;
  origin?: string;
  asOf?: string;
  catalog?: string;
  json?: boolean;
}

const price = (n: number | undefined, digits = 3) => (n === undefined ? '—' : usd(n, digits));

export function catalogList(opts: ListOptions, io: Io): number {
  if (opts.mode && !DEPLOYMENT_MODES.includes(opts.mode as never)) throw new CliUsageError(`--mode must be one of ${DEPLOYMENT_MODES.join(', ')}`);
  const origin = opts.origin ?? (opts.provider ? 'all' : 'catalog');
  if (!['catalog', 'genai-prices', 'all'].includes(origin)) throw new CliUsageError('--origin must be catalog, genai-prices or all');
  const asOf = parseDate('--as-of', opts.asOf) ?? io.today;
  const catalog = openCatalog(opts.catalog);
  const keep = (e: { id: string; provider: string; model?: string; mode: string; origin: string }) =>
    (!opts.provider || e.provider === opts.provider) &&
    (!opts.model || e.id.toLowerCase().includes(opts.model.toLowerCase())) &&
    (!opts.mode || e.mode === opts.mode) &&
    (origin === 'all' || e.origin === origin);

  const tokenRoutes = (origin === 'catalog' ? [...catalog.tokenRoutes.values()] : allTokenRoutes(catalog)).filter(keep);
  const gpus = [...catalog.gpuSkus.values()].filter(keep);
  const tokenRows = tokenRoutes.map((r) => tokenRow(r, asOf));
  const gpuRows = gpus.map((g) => gpuRow(g, asOf, catalog));

  if (opts.json) {
    io.out(JSON.stringify({ asOf, tokenRoutes: tokenRows, gpuSkus: gpuRows }, null, 2) + '\n');
    return EXIT_OK;
  }
  const out: string[] = [`Prices in force on ${asOf}.`, ''];
  if (tokenRows.length) {
    out.push('Per-token routes (USD per million tokens):');
    out.push(
      table(
        ['Route', 'Mode', 'Input', 'Output', 'Cached in', 'Batch in/out', 'Effective', 'Evidence', 'Origin'],
        tokenRows.map((r) => [
          r.id, r.mode, price(r.input), price(r.output), price(r.cachedInput),
          r.batchInput === undefined ? '—' : `${price(r.batchInput)}/${price(r.batchOutput)}`,
          r.effective ?? (r.error ? 'not yet' : 'undated'), r.evidence ?? '', r.origin,
        ]),
        ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left', 'left'],
      ),
    );
    out.push('');
  }
  if (gpuRows.length) {
    out.push('GPU SKUs (USD per instance-hour):');
    out.push(
      table(
        ['SKU', 'Mode', 'GPUs', 'On demand', 'Reserved', 'Serves (tok/s)', 'Effective', 'Evidence'],
        gpuRows.map((g) => [
          g.id, g.mode, g.gpusPerInstance, price(g.onDemand, 2), g.reserved.map((r) => `${r.term} ${usd(r.hourly, 2)}`).join(', ') || '—',
          g.throughput.map((t) => `${t.serves} ${t.tokensPerSecond}`).join(', ') || '—', g.effective ?? 'not yet', g.evidence ?? '',
        ]),
        ['left', 'left', 'right', 'right', 'left', 'left', 'left', 'left'],
      ),
    );
    out.push('');
  }
  if (!tokenRows.length && !gpuRows.length) out.push('No routes match.');
  if (origin === 'catalog') {
    const more = genaiRoutes(catalog.providers.values()).filter((r) => !catalog.tokenRoutes.has(r.id)).length;
    out.push(`${more} more models come from @pydantic/genai-prices: add --origin all, or --provider <id>.`);
  }
  io.out(out.join('\n') + '\n');
  return EXIT_OK;
}

interface TokenRow {
  id: string;
  provider: string;
  model: string;
  mode: string;
  origin: string;
  input?: number | undefined;
  output?: number | undefined;
  cachedInput?: number | undefined;
  batchInput?: number | undefined;
  batchOutput?: number | undefined;
  effective: string | null;
  asOf?: string;
  evidence?: string;
  source?: string;
  error?: string;
}

function tokenRow(r: TokenRouteEntry, asOf: string): TokenRow {
  try {
    const p = pointAt(r, asOf);
    const s = p.sheet;
    return {
      id: r.id, provider: r.provider, model: r.model, mode: r.mode, origin: r.origin,
      input: s.input?.value, output: s.output?.value, cachedInput: s.cachedInput?.value,
      batchInput: s.batchInput?.value, batchOutput: s.batchOutput?.value,
      effective: p.effective, asOf: p.asOf, evidence: p.evidence, source: p.source,
    };
  } catch (err) {
    if (!(err instanceof RoutefitError)) throw err;
    return { id: r.id, provider: r.provider, model: r.model, mode: r.mode, origin: r.origin, effective: null, error: err.message };
  }
}

function gpuRow(g: GpuSkuEntry, asOf: string, catalog: Catalog) {
  const spec = g.spec ? catalog.gpuSpecs.get(g.spec) : undefined;
  const throughput = (spec?.throughput ?? []).map((t) => ({ serves: t.serves, precision: t.precision, tokensPerSecond: t.outputTokensPerSecond.value * g.gpusPerInstance }));
  try {
    const p = pointAt(g, asOf);
    return {
      id: g.id, provider: g.provider, mode: g.mode, spec: g.spec, gpusPerInstance: g.gpusPerInstance,
      onDemand: p.sheet.onDemand?.value, spot: p.sheet.spot?.value, reserved: p.sheet.reserved.map((r) => ({ term: r.term, hourly: r.hourly.value })),
      throughput, effective: p.effective as string | null, evidence: p.evidence as string | undefined, source: p.source as string | undefined,
    };
  } catch (err) {
    if (!(err instanceof RoutefitError)) throw err;
    return { id: g.id, provider: g.provider, mode: g.mode, spec: g.spec, gpusPerInstance: g.gpusPerInstance, onDemand: undefined, spot: undefined, reserved: [], throughput, effective: null, evidence: undefined, source: undefined };
  }
}

export function catalogShow(id: string, opts: { catalog?: string; json?: boolean }, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const entry = findRoute(catalog, id);
  if (opts.json) {
    const spec = entry.kind === 'gpu' && entry.spec ? catalog.gpuSpecs.get(entry.spec) : undefined;
    io.out(JSON.stringify({ ...entry, ...(spec ? { specDetail: spec } : {}) }, null, 2) + '\n');
    return EXIT_OK;
  }
  const out: string[] = [`${entry.id} — ${entry.name}`, `mode: ${entry.mode}   origin: ${entry.origin}${entry.aliases.length ? `   aliases: ${entry.aliases.join(', ')}` : ''}`, ''];
  out.push('Price history (oldest first):');
  for (const p of entry.history) {
    out.push(`  effective ${p.effective ?? '(undated)'} · observed ${p.asOf} · ${p.evidence}`);
    out.push(`    source: ${p.source}`);
    if (p.notes) out.push(`    note: ${p.notes}`);
    const fields = Object.entries(p.sheet).flatMap(([k, v]) => {
      if (v === undefined) return [];
      if (k === 'longContext') {
        const lc = v as NonNullable<TokenRouteEntry['history'][number]['sheet']['longContext']>;
        return [`long context > ${lc.thresholdTokens} tokens: ${usd(lc.input.value, 3)}/${usd(lc.output.value, 3)} (${lc.input.source})`];
      }
      if (k === 'reserved') return (v as GpuSkuEntry['history'][number]['sheet']['reserved']).map((r) => `reserved ${r.term}: ${usd(r.hourly.value, 2)}/h`);
      if (k === 'capexUsd') return [`capex: ${usd(v as number)}`];
      const s = v as { value: number; source?: string; evidence: string };
      return [`${k}: ${usd(s.value, 4)}${s.source && s.source !== p.source ? `  (${s.evidence}: ${s.source})` : ''}`];
    });
    out.push(...fields.map((f) => `    ${f}`));
  }
  if (entry.kind === 'gpu') {
    const spec = entry.spec ? catalog.gpuSpecs.get(entry.spec) : undefined;
    out.push('', `GPU spec: ${spec ? `${spec.id} (${spec.name})` : 'not given'}; ${entry.gpusPerInstance} GPU(s) per instance${entry.minBillingMinutes ? `; ${entry.minBillingMinutes}-minute minimum billing` : ''}`);
    const hw = spec?.hardware;
    if (hw) {
      out.push(
        `  hardware: ${hw.hbmGb} GB HBM, ${hw.memoryBandwidthTbPerS} TB/s memory bandwidth, ${hw.denseBf16Tflops} dense BF16 TFLOPS${hw.denseFp8Tflops ? `, ${hw.denseFp8Tflops} dense FP8 TFLOPS` : ''} — ${hw.evidence}: ${hw.source}`,
      );
    }
    for (const t of spec?.throughput ?? []) {
      out.push(`  serves ${t.serves}${t.precision ? ` (${t.precision})` : ''}: ${t.outputTokensPerSecond.value} output tok/s per GPU — ${t.outputTokensPerSecond.evidence}: ${t.outputTokensPerSecond.source}`);
    }
  }
  io.out(out.join('\n') + '\n');
  return EXIT_OK;
}

export function catalogValidate(opts: { catalog?: string; json?: boolean }, io: Io): number {
  // loadCatalog throws InputFileError with every problem and its line; the caller prints it and exits 2.
  const catalog = openCatalog(opts.catalog);
  const priced = [...catalog.tokenRoutes.values()].reduce((n, r) => n + r.history.length, 0);
  const summary = {
    dir: catalog.dir,
    providers: catalog.providers.size,
    tokenRoutes: catalog.tokenRoutes.size,
    tokenPricePoints: priced,
    gpuSkus: catalog.gpuSkus.size,
    gpuSpecs: catalog.gpuSpecs.size,
    aliases: catalog.aliases.size,
  };
  if (opts.json) io.out(JSON.stringify({ valid: true, ...summary }, null, 2) + '\n');
  else {
    io.out(
      `catalog OK: ${summary.dir}\n  ${summary.providers} providers, ${summary.tokenRoutes} per-token routes (${summary.tokenPricePoints} price points), ${summary.gpuSkus} GPU SKUs, ${summary.gpuSpecs} GPU specs, ${summary.aliases} aliases\n  every price has a source, an as_of date and an evidence label\n`,
    );
  }
  return EXIT_OK;
}
