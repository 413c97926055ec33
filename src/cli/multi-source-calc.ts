/**
 * What `routefit multi-source` computes for one priced workload, browser-safe: the CLI prints the
 * result, the Studio's Calculators view shows the same object. The checks that span several flags
 * (at least two --split routes, --cache-hit only for a --split route …) live here, so both surfaces
 * refuse the same input with the same message.
 */
import type { Comparison } from '../engine/cost/compare.js';
import { multiSourceNetBenefit, multiSourceOverhead, splitWorkload, type ProviderShare } from '../engine/decisions/multi-source.js';
import type { PreparedWorkload } from '../workload/prepare.js';
import type { MULTI_SOURCE_OPTIONS } from './calculator-options.js';
import { parsePairs, parseSpan } from './flags.js';
import { CliUsageError } from './io.js';
import type { OptionValues } from './options.js';

export type MultiSourceInputs = Pick<OptionValues<typeof MULTI_SOURCE_OPTIONS>, 'split' | 'cacheHit' | 'errorDelta' | 'baseline' | 'routingOverhead' | 'overheadHours' | 'rate'>;

export function multiSourceCalc(p: { prepared: PreparedWorkload; comparison: Comparison }, opts: MultiSourceInputs) {
  const specOf = (id: string, flag: string) => {
    const s = p.prepared.routes.find((r) => r.id === id);
    if (!s) throw new CliUsageError(`${flag} ${id} is not a priced route of workload ${p.prepared.name} (${p.prepared.routes.map((r) => r.id).join(', ')})`);
    return s;
  };
  const shares = parsePairs('--split', opts.split, 'ROUTE', { min: 0, max: 1 });
  if (shares.size < 2) throw new CliUsageError('give --split ROUTE=SHARE for at least two routes of the workload');
  const hits = parsePairs('--cache-hit', opts.cacheHit, 'ROUTE', { min: 0, max: 1 });
  const deltas = parsePairs('--error-delta', opts.errorDelta, 'ROUTE', { min: -1, max: 1 });
  for (const [id, flag] of [...[...hits.keys()].map((k) => [k, '--cache-hit']), ...[...deltas.keys()].map((k) => [k, '--error-delta'])] as [string, string][]) {
    if (!shares.has(id)) throw new CliUsageError(`${flag} ${id} is not one of the --split routes (${[...shares.keys()].join(', ')})`);
  }
  const providers: ProviderShare[] = [...shares].map(([id, share]) => ({
    route: specOf(id, '--split'),
    share,
    ...(hits.has(id) ? { cacheHitRate: { value: hits.get(id)!, evidence: 'assumed' as const, source: '--cache-hit' } } : {}),
    ...(deltas.has(id) ? { errorRateDelta: { value: deltas.get(id)!, evidence: 'assumed' as const, source: '--error-delta' } } : {}),
  }));
  const split = splitWorkload(p.prepared.profile, providers, opts.routingOverhead);
  const span = parseSpan('--overhead-hours', opts.overheadHours, { min: 0, max: 10_000 });
  const overhead = multiSourceOverhead([span.lo, span.hi], opts.rate);
  const baseline = opts.baseline ? p.comparison.routes.find((r) => r.route === specOf(opts.baseline!, '--baseline').id) : split.singleSource;
  if (!baseline) throw new CliUsageError(`--baseline ${opts.baseline} cannot be priced for ${p.prepared.name}`);
  const gross = baseline.monthlyCost - split.monthlyCost;
  const netBenefit = [multiSourceNetBenefit(gross, overhead.monthlyCost[0]), multiSourceNetBenefit(gross, overhead.monthlyCost[1])] as const;
  return { workload: p.prepared.name, split, baseline: { route: baseline.route, monthlyCost: baseline.monthlyCost, lcpr: baseline.lcpr }, overhead, netBenefit, grossSavings: gross, overheadHours: span };
}
