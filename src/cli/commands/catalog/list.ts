import { allTokenRoutes, findRoute, pointAt } from '../../../catalog/lookup.js';
import { genaiRoutes } from '../../../catalog/genai-prices.js';
import type { Catalog, GpuSkuEntry, TokenRouteEntry } from '../../../catalog/types.js';
import { DEPLOYMENT_MODES } from '../../../engine/cost/lcpr.js';
import { RoutefitError } from '../../../engine/errors.js';
import { CliUsageError, EXIT_OK, type Io } from '../../io.js';
import { table, usd } from '../../format.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';


const options = {
  provider: opt.string('--provider <id>', 'only this provider (includes its @pydantic/genai-prices models)'),
  model: opt.string('--model <text>', 'route ids containing this text'),
  mode: opt.string('--mode <mode>', 'closed_api, serverless, managed_dedicated or self_managed'),
  origin: opt.string('--origin <origin>', 'catalog (default), genai-prices or all'),
  asOf: opt.asOf('prices in force on this date (default: today)'),
  json: opt.json(),
  catalog: opt.catalog(),
};
type ListOptions = OptionValues<typeof options>;

const price = (n: number | undefined, digits = 3) => (n === undefined ? '—' : usd(n, digits));

function catalogList(opts: ListOptions, io: Io): number {
  if (opts.mode && !DEPLOYMENT_MODES.includes(opts.mode as never)) throw new CliUsageError(`--mode must be one of ${DEPLOYMENT_MODES.join(', ')}`);
  const origin = opts.origin ?? (opts.provider ? 'all' : 'catalog');
  if (!['catalog', 'genai-prices', 'all'].includes(origin)) throw new CliUsageError('--origin must be catalog, genai-prices or all');
  const asOf = opts.asOf ?? io.today;
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


export default defineCommand({
  options,
  examples: ['routefit catalog list --mode serverless', 'routefit catalog list --provider anthropic --json', 'routefit catalog list --model llama --as-of 2026-05-15'],
  run: (opts, { io }) => catalogList(opts, io),
});
