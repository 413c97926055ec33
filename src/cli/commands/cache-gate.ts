import { findRoute } from '../../catalog/lookup.js';
import { resolveRoute } from '../../catalog/resolve.js';
import { type CacheTtl } from '../../engine/cost/token-pricing.js';
import { cacheGate } from '../../engine/cost/cache-gate.js';
import { DEFAULTS } from '../../workload/defaults.js';
import { count, percent, table } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { stepLines, today } from '../capacity-text.js';
import { openCatalog } from '../pricing.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { CACHE_GATE_OPTIONS } from '../calculator-options.js';

const options = { ...CACHE_GATE_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type CacheGateOpts = OptionValues<typeof options>;

const money = (v: number) => `${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: Math.abs(v) < 1 ? 5 : 2 })}`;
const rate = (v: number) => `$${v.toLocaleString('en-US', { maximumFractionDigits: 6 })}/M`;

function cacheGateCommand(opts: CacheGateOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const asOf = today(io, opts.asOf);
  const ttl = (opts.ttl ?? '5m') as CacheTtl;
  if (ttl !== '5m' && ttl !== '1h') throw new CliUsageError(`--ttl must be 5m or 1h; got "${opts.ttl}"`);
  const gpu = findRoute(catalog, opts.route).kind === 'gpu';
  const spec = gpu ? undefined : resolveRoute(catalog, { id: opts.route, asOf }, { utilization: DEFAULTS.utilization });
  if (!spec || spec.billing !== 'tokens') throw new CliUsageError(`--route ${opts.route} is a GPU route: the cache gate prices per-token prompt caching (give e.g. anthropic/claude-sonnet-4.6)`);
  const g = cacheGate({
    routeId: spec.id,
    prices: spec.price,
    ttl,
    ...(opts.storagePerHour !== undefined ? { storagePerMillionPerHour: opts.storagePerHour } : {}),
    ...(opts.storedHours !== undefined ? { storedHours: opts.storedHours } : {}),
    ...(opts.prefixTokens !== undefined ? { prefixTokens: opts.prefixTokens } : {}),
    reads: opts.reads,
    ...(opts.hitRate !== undefined ? { hitRate: opts.hitRate } : {}),
  });
  if (opts.json) {
    io.out(JSON.stringify({ asOf, ...g }, null, 2) + '\n');
    return EXIT_OK;
  }
  const r = g.rates;
  const L = [
    `Cache gate for ${g.routeId}, ${ttl} TTL, priced as of ${asOf}: input ${rate(r.input)}, cached ${rate(r.cachedInput)}, write ${rate(r.cacheWrite)}${r.storagePerMillionPerHour ? `, storage ${rate(r.storagePerMillionPerHour)} per hour × ${r.storedHours.toLocaleString('en-US', { maximumFractionDigits: 3 })} h` : ''}`,
    '',
  ];
  if (g.readsToBreakEven === null) L.push('Caching never pays on this route: a cached read costs no less than input.');
  else {
    L.push(`Reads to pay for one write: ${g.readsToBreakEven.toFixed(2)} (${g.minWholeReads === 0 ? 'writes carry no premium: any read saves' : `ahead from read ${g.minWholeReads}`})`);
    L.push(`Break-even hit rate: ${percent(g.breakEvenHitRate!)} of cached-prefix lookups (reads ÷ (reads + writes)); below it caching loses money`);
  }
  if (g.atHitRate) L.push(`At a ${percent(g.atHitRate.hitRate)} hit rate caching ${g.atHitRate.pays ? `saves ${percent(g.atHitRate.savingsShare)} of` : `costs ${percent(-g.atHitRate.savingsShare)} more than`} the prefix's uncached input cost`);
  L.push(
    '',
    `One write then N reads of a ${count(g.prefixTokens)}-token prefix:`,
    table(['Reads', 'Uncached', 'Cached', 'Savings'], g.savings.map((s) => [count(s.reads), money(s.uncachedUsd), money(s.cachedUsd), money(s.savingsUsd)]), ['right', 'right', 'right', 'right']),
  );
  if (g.notes.length) L.push('', 'Notes:', ...g.notes.map((n) => `  ${n}`));
  L.push('', 'Working:', ...stepLines(g.steps), '', `Prices: ${Object.entries(g.pricesUsed).map(([k, v]) => `${k} ${v.evidence}${v.source ? ` (${v.source})` : ''}`).join('; ')}`);
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit cache-gate --route anthropic/claude-sonnet-4.6',
    'routefit cache-gate --route anthropic/claude-sonnet-4.6 --ttl 1h --prefix-tokens 4000 --hit-rate 0.83',
    'routefit cache-gate --route google/gemini-2.5-pro --storage-per-hour 4.5 --stored-hours 1 --json',
  ],
  notes: "N* = (W − I) ÷ (I − C), h* = (W − I) ÷ (W − C); W = write rate + storage × hours (docs/calculators.md).\n`traces check` fires when a workload's measured hit rate falls below h* (the playbook, ch. 22).",
  run: (opts, { io }) => cacheGateCommand(opts, io),
});
