/**
 * What `routefit tco FILE` computes from a file's tco block, browser-safe: the CLI prints it, the
 * Studio's Decisions view shows the same object (Open vs Closed LLM TCO Guide, The Break-Even Calculator).
 */
import { findRoute, pointAt } from '../catalog/lookup.js';
import type { Catalog } from '../catalog/types.js';
import { overheadPerDay, selfHostingTco } from '../engine/capacity/tco.js';
import { RoutefitError } from '../engine/errors.js';
import type { TcoFile } from '../io/tco-file.js';
import { tokenRoute } from './capacity-text.js';
import { CliUsageError } from './io.js';

/** Prices from the catalog where the block names a route or SKU (numbers written in the file win), then the TCO rows. */
export function tcoCalc(file: string, file_: TcoFile, openCatalog: () => Catalog, asOf: string) {
  const f = file_.tco;
  const needCatalog = f.serverless_route !== undefined || f.instance.sku !== undefined;
  const catalog = needCatalog ? openCatalog() : undefined;
  let serverlessPerMillion = f.serverless_per_million;
  let serverlessSource = 'the tco block';
  if (serverlessPerMillion === undefined) {
    const r = tokenRoute(catalog!, f.serverless_route!, asOf);
    serverlessPerMillion = r.price.output!.value;
    serverlessSource = `${r.id} output price (${r.provenance?.source ?? 'catalog'})`;
  }
  const i = f.instance;
  let onDemand = i.on_demand_hourly;
  let reserved = i.reserved_hourly;
  let instanceName = i.name ?? i.sku ?? 'instance';
  if (i.sku) {
    const e = findRoute(catalog!, i.sku);
    if (e.kind !== 'gpu') throw new CliUsageError(`tco.instance.sku ${i.sku} is a per-token route; give a GPU SKU`);
    const point = pointAt(e, asOf);
    onDemand ??= point.sheet.onDemand?.value;
    if (reserved === undefined && i.reserved_term) {
      const r = point.sheet.reserved.find((x) => x.term === i.reserved_term);
      if (!r) throw new RoutefitError('missing_price', `${e.id} has no reserved term "${i.reserved_term}" on ${asOf} (terms: ${point.sheet.reserved.map((x) => x.term).join(', ') || 'none'})`, { field: 'tco.instance.reserved_term' });
      reserved = r.hourly.value;
    }
    instanceName = i.name ?? e.name;
  }
  if (onDemand === undefined) throw new CliUsageError(`${file}: tco.instance needs on_demand_hourly (or a sku with an on-demand price)`);
  const tokensPerDay = i.tokens_per_day ?? i.throughput_tokens_per_second! * 86_400 * (i.utilization ?? 1);
  const overhead = f.overhead_per_year ? overheadPerDay(f.overhead_per_year) : undefined;
  const tco = selfHostingTco({
    serverlessPerMillion,
    onDemandHourly: onDemand,
    ...(reserved !== undefined ? { reservedHourly: reserved } : {}),
    instanceTokensPerDay: tokensPerDay,
    ...(overhead ? { overheadPerDay: overhead.perDay } : {}),
    dailyOutputTokens: f.daily_output_tokens,
  });
  return { serverlessPerMillion, serverlessSource, instanceName, onDemand, reserved, tokensPerDay, overhead, tco };
}
