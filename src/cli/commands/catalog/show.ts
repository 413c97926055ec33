import { allTokenRoutes, findRoute, pointAt } from '../../../catalog/lookup.js';
import { genaiRoutes } from '../../../catalog/genai-prices.js';
import type { Catalog, GpuSkuEntry, TokenRouteEntry } from '../../../catalog/types.js';
import { DEPLOYMENT_MODES } from '../../../engine/cost/lcpr.js';
import { RoutefitError } from '../../../engine/errors.js';
import { CliUsageError, EXIT_OK, type Io } from '../../io.js';
import { table, usd } from '../../format.js';
import { openCatalog } from '../../pricing.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';


const options = { json: opt.json(), catalog: opt.catalog() };

function catalogShow(id: string, opts: OptionValues<typeof options>, io: Io): number {
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


export default defineCommand({
  args: [{ name: '<id>', description: 'route id or alias, e.g. together/deepseek-v3' }],
  options,
  examples: ['routefit catalog show together/deepseek-v3', 'routefit catalog show lambda/h100-sxm --json'],
  run: (opts, { args, io }) => catalogShow(args[0]!, opts, io),
});
