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

function catalogValidate(opts: OptionValues<typeof options>, io: Io): number {
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

export default defineCommand({
  options,
  examples: ['routefit catalog validate', 'routefit catalog validate --catalog ./my-catalog'],
  run: (opts, { io }) => catalogValidate(opts, io),
});
