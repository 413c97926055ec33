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
 */
export interface AttemptCost {
  cost: string;
  /** The row is on a batch tier (the flag or the tier served). */
  batchRow: string;
  /** The row is billed at batch rates (a batch row whose route has both batch prices, below the long-context threshold). */
  batch: string;
}

export function attemptCost(d: Dialect, price: (col: string) => string): AttemptCost {
  const lc = d.cond(`input_tokens > ${price('lc_threshold')}`);
  const batchRow = `(${d.cond(d.isTrue('batch'))} OR ${d.cond("service_tier_served = 'batch'")})`;
  const batch = `(${batchRow} AND ${d.notNull(price('p_batch_input'))} AND ${d.notNull(price('p_batch_output'))} AND NOT ${lc})`;
  const inRate = d.iff(lc, price('lc_input'), price('p_input'));
  const outRate = d.iff(lc, price('lc_output'), price('p_output'));
  const cachedRate = `coalesce(${d.iff(lc, price('lc_cached'), 'NULL')}, ${price('p_cached')}, ${inRate})`;
  const w1h = 'coalesce(cache_write_1h_tokens, 0)';
  const w5m = `(coalesce(cache_write_tokens, 0) - ${w1h})`;
  const uncached = '(input_tokens - coalesce(cached_input_tokens, 0) - coalesce(cache_write_tokens, 0))';
  // Batch rows' cache reads and writes, times the batch discount where the provider stacks the two.
  const cacheScale = d.iff(batch, `coalesce(${price('p_batch_cache')}, 1)`, '1');
  const cost = `(
        ${uncached} * ${d.iff(batch, price('p_batch_input'), inRate)}
      + coalesce(cached_input_tokens, 0) * ${cachedRate} * ${cacheScale}
      + ${w5m} * coalesce(${price('p_write_5m')}, ${inRate}) * ${cacheScale}
      + ${w1h} * coalesce(${price('p_write_1h')}, ${inRate}) * ${cacheScale}
      + output_tokens * ${d.iff(batch, price('p_batch_output'), outRate)}
    ) / ${TOKENS_PER_MILLION}`;
  return { cost, batchRow, batch };
}
