import { allTokenRoutes, findRoute, pointAt } from '../../../catalog/lookup.js';
import { genaiRoutes } from '../../../catalog/genai-prices.js';
import type { Catalog, GpuSkuEntry, TokenRouteEntry } from '../../../catalog/types.js';
import { DEPLOYMENT_MODES } from '../../../engine/cost/lcpr.js';
import { RoutefitError } from '../../../engine/errors.js';
import { CliUsageError, EXIT_OK, type Io } from '../../io.js';
import { table, usd } from '../../format.js';
import { openCatalog } from '../../pricing.js';
import { loadGatewayModels } from '../../../catalog/gateway-models.js';
import { type OptionValues, defineCommand, opt } from '../../command.js';


const options = { json: opt.json(), catalog: opt.catalog(), catalogOverlay: opt.catalogOverlay() };

function catalogValidate(opts: OptionValues<typeof options>, io: Io): number {
  // loadCatalog throws InputFileError with every problem and its line; the caller prints it and exits 2.
  const catalog = openCatalog(opts.catalog, opts.catalogOverlay);
  const priced = [...catalog.tokenRoutes.values()].reduce((n, r) => n + r.history.length, 0);
  const summary = {
    dir: catalog.dir,
    providers: catalog.providers.size,
    tokenRoutes: catalog.tokenRoutes.size,
    tokenPricePoints: priced,
    gpuSkus: catalog.gpuSkus.size,
    gpuSpecs: catalog.gpuSpecs.size,
    aliases: catalog.aliases.size,
    // The export's model-id mapping is catalog data too: checked with file:line errors like the rest.
    gatewayModels: loadGatewayModels(catalog.dir).models.length,
    overlays: catalog.overlays ?? [],
  };
  if (opts.json) io.out(JSON.stringify({ valid: true, ...summary }, null, 2) + '\n');
  else {
    io.out(
      `catalog OK: ${summary.dir}\n  ${summary.providers} providers, ${summary.tokenRoutes} per-token routes (${summary.tokenPricePoints} price points), ${summary.gpuSkus} GPU SKUs, ${summary.gpuSpecs} GPU specs, ${summary.aliases} aliases\n  every price has a source, an as_of date and an evidence label\n  ${summary.gatewayModels} gateway model ids (gateway-models.yaml)\n${summary.overlays.map((o) => `  overlay OK: ${o.file} (${o.from}, dated ${o.fileDate}, ${o.routes} routes)\n`).join('')}`,
    );
  }
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: ['routefit catalog validate', 'routefit catalog validate --catalog ./my-catalog', 'routefit catalog validate --catalog-overlay litellm-2026-11-30.yaml'],
  run: (opts, { io }) => catalogValidate(opts, io),
});
