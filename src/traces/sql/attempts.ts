import type { Params } from './params.js';
import { JOIN_KEYS, attemptColumns, keyedSql, pricedSql } from './pricing.js';
import type { SqlSource } from './source.js';
import { type Window, windowPredicates } from './window.js';

/**
 * The first/last-attempt join: attempts with their request's dimensions (the first attempt's,
 * `req_*`) and outcome (`is_final`: the last attempt; `req_escalated`: any attempt escalated).
 * Only requests with retries need a lookup: those few are aggregated (argMin by attempt) and joined
 * back; a single-attempt request is its own first and last attempt. The attempt's own route,
 * provider, model and price key are `a_*`. On a cluster a request's attempts sit on one shard.
 */

/** The dimensions a request takes from its first attempt (and its timestamp, `req_ts`). */
export const REQUEST_DIMENSION_COLUMNS = ['workload', 'route', 'model', 'provider', 'user_segment', 'deployment', 'workflow_id'] as const;

/**
 * `priced: false` leaves the price out: the attempts carry their `day_prices` join keys (JOIN_KEYS)
 * instead of `price_key`, `route_pair`, `cost` and the two rate flags, for a query that prices
 * pre-aggregated rows (./summary.ts).
 */
export function attemptsSql(src: SqlSource, p: Params, w: Window, opts: { priced?: boolean } = {}): string {
  const d = src.dialect;
  const preds = windowPredicates(d, p, w);
  const req: [string, string][] = [...REQUEST_DIMENSION_COLUMNS.map((c): [string, string] => [c, c]), [d.ts, 'ts']];
  const multi = d.cond(d.isTrue('m_multi'));
  // A source whose every attempt is its own request (src.ownRequests) needs no lookup: each row is its request's first and last attempt.
  const lookup = src.ownRequests !== true;
  const pick = (retriedValue: string, single: string) => (lookup ? d.iff(multi, retriedValue, single) : single);
  const retried = `
      SELECT request_id, ${req.map(([c, n]) => `${d.argMin(c, 'attempt')} AS m_${n}`).join(', ')},
        max(attempt) AS m_last_attempt, ${d.anyTrue('escalated_to_human')} AS m_escalated, ${d.true} AS m_multi
      FROM ${src.attempts}
      WHERE ${[...preds, `request_id IN (SELECT request_id FROM ${src.attempts} WHERE ${[...preds, 'attempt > 0'].join(' AND ')})`].join(' AND ')}
      GROUP BY request_id`;
  const own = attemptColumns(src).filter((c) => !(REQUEST_DIMENSION_COLUMNS as readonly string[]).includes(c));
  const priced = opts.priced ?? true;
  const price = priced ? 'price_key AS a_price_key, route_pair, cost, cached_at_input_rate, batch_at_standard_rate' : JOIN_KEYS.join(', ');
  const from = priced ? pricedSql(src, attemptColumns(src), preds) : keyedSql(src, attemptColumns(src), preds);
  return `
    SELECT ${own.join(', ')}, route AS a_route, provider AS a_provider, model AS a_model,
      ${price},
      ${req.map(([c, n]) => `${pick(`m_${n}`, c)} AS req_${n}`).join(',\n      ')},
      ${pick('attempt = m_last_attempt', d.true)} AS is_final,
      ${pick('m_escalated', `coalesce(escalated_to_human, ${d.false})`)} AS req_escalated
    FROM (${from}) AS priced
    ${lookup ? `${d.leftJoinOne} (${retried}) AS retried USING (request_id)` : ''}`;
}
