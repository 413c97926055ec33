import { TOKENS_PER_MILLION } from '../../engine/units.js';
import type { Dialect } from './dialect.js';

/**
 * The cost of one attempt in SQL, the one spelling for every store: the same arithmetic as engine
 * `attemptCost` (Inference Field Guide, Part 0: input × input rate + output × output rate) per
 * row: uncached input, cache reads at the cached rate, 5-minute and 1-hour cache writes at their
 * premiums, batch-tier rows at batch rates, and the long-context cliff (past the threshold the
 * whole request pays the tier). Billing follows the tier SERVED. A missing cached or write price
 * falls back to the input rate, as `attemptCost` does for writes.
 *
 * `price(col)` is the price point's column (NULL when the row has no point). Every condition is
 * made non-NULL (ClickHouse 18.16 has no three-valued logic), so a missing tier reads as "no".
 *
 * The formula is linear in the five token quantities once the price point, the long-context side
 * and the batch side are fixed, so it also prices a SUM of them over rows sharing all three (the
 * summary's pre-aggregated rows, ./summary.ts): `quantities` names those sums and the two sides.
 */
export interface AttemptCost {
  cost: string;
  /** The row is on a batch tier (the flag or the tier served). */
  batchRow: string;
  /** The row is billed at batch rates (a batch row whose route has both batch prices, below the long-context threshold). */
  batch: string;
}

/** The token quantities and the two sides the cost reads: one attempt's columns, or sums of them over rows on the same sides. */
export interface CostQuantities {
  /** Input neither read from nor written to the cache. */
  uncached: string;
  cached: string;
  write5m: string;
  write1h: string;
  output: string;
  /** Past the long-context threshold (a condition, non-NULL). */
  longContext: string;
  /** On a batch tier (a condition, non-NULL). */
  batchRow: string;
}

/** One attempt's quantities, from its own columns. */
export function rowQuantities(d: Dialect, price: (col: string) => string): CostQuantities {
  const w1h = 'coalesce(cache_write_1h_tokens, 0)';
  return {
    uncached: '(input_tokens - coalesce(cached_input_tokens, 0) - coalesce(cache_write_tokens, 0))',
    cached: 'coalesce(cached_input_tokens, 0)',
    write5m: `(coalesce(cache_write_tokens, 0) - ${w1h})`,
    write1h: w1h,
    output: 'output_tokens',
    longContext: d.cond(`input_tokens > ${price('lc_threshold')}`),
    batchRow: `(${d.cond(d.isTrue('batch'))} OR ${d.cond("service_tier_served = 'batch'")})`,
  };
}

export function attemptCost(d: Dialect, price: (col: string) => string, q: CostQuantities = rowQuantities(d, price)): AttemptCost {
  const lc = q.longContext;
  const batchRow = q.batchRow;
  const batch = `(${batchRow} AND ${d.notNull(price('p_batch_input'))} AND ${d.notNull(price('p_batch_output'))} AND NOT ${lc})`;
  const inRate = d.iff(lc, price('lc_input'), price('p_input'));
  const outRate = d.iff(lc, price('lc_output'), price('p_output'));
  const cachedRate = `coalesce(${d.iff(lc, price('lc_cached'), 'NULL')}, ${price('p_cached')}, ${inRate})`;
  // Batch rows' cache reads and writes, times the batch discount where the provider stacks the two.
  const cacheScale = d.iff(batch, `coalesce(${price('p_batch_cache')}, 1)`, '1');
  const cost = `(
        ${q.uncached} * ${d.iff(batch, price('p_batch_input'), inRate)}
      + ${q.cached} * ${cachedRate} * ${cacheScale}
      + ${q.write5m} * coalesce(${price('p_write_5m')}, ${inRate}) * ${cacheScale}
      + ${q.write1h} * coalesce(${price('p_write_1h')}, ${inRate}) * ${cacheScale}
      + ${q.output} * ${d.iff(batch, price('p_batch_output'), outRate)}
    ) / ${TOKENS_PER_MILLION}`;
  return { cost, batchRow, batch };
}
