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

/** What an attempt 0 row gives the predicates of `firstTries` (its own values: it is taken as its request's first and last attempt). */
export const FIRST_TRY_REQUEST_COLUMNS = (src: SqlSource): Record<'is_final' | 'req_escalated' | 'req_workflow_id', string> => ({
  is_final: src.dialect.true,
  req_escalated: `coalesce(escalated_to_human, ${src.dialect.false})`,
  req_workflow_id: 'workflow_id',
});

export interface AttemptsOptions {
  /**
   * false leaves the price out: the attempts carry their `day_prices` join keys (JOIN_KEYS)
   * instead of `price_key`, `route_pair`, `cost` and the two rate flags, for a query that prices
   * pre-aggregated rows (./summary.ts).
   */
  priced?: boolean;
  /**
   * Only retries (attempt > 0) probe the lookup; every attempt 0 row takes its own dimensions and
   * counts as final (`is_final`), also when its request was retried. That is its request's first
   * attempt (attempts are ≥ 0 and (request_id, attempt) is unique in every attempts relation), so
   * only `is_final` (and `req_escalated`, read with it) is wrong there, and the caller takes it back:
   * `first_undo` is, on the final row of a retried request, a bit mask of which of these predicates
   * (over an attempt's own columns, FIRST_TRY_REQUEST_COLUMNS for the request's) held on its attempt
   * 0 row (bit i for predicate i), and 0 on every other row. A count of final attempts where X
   * holds is then count(is_final AND X) − (rows whose `first_undo` has X's bit). Why: 97% of the
   * generated rows are first tries of requests without a retry, and an empty key skips the hash
   * probe, whose cost grows faster than the rows once the retried requests outgrow the CPU cache
   * (on 18.16 the summary query took ~1 CPU-s less at 5M rows with only retries probing, and the
   * same at 1M).
   */
  firstTries?: readonly string[];
}

export function attemptsSql(src: SqlSource, p: Params, w: Window, opts: AttemptsOptions = {}): string {
  const d = src.dialect;
  const preds = windowPredicates(d, p, w);
  const req: [string, string][] = [...REQUEST_DIMENSION_COLUMNS.map((c): [string, string] => [c, c]), [d.ts, 'ts']];
  const undo = opts.firstTries;
  // With firstTries an attempt 0 row is never its request's lookup row, also if its empty key were a retried request's id.
  const multi = undo ? `${d.cond(d.isTrue('m_multi'))} AND attempt > 0` : d.cond(d.isTrue('m_multi'));
  // A source whose every attempt is its own request (src.ownRequests) needs no lookup: each row is its request's first and last attempt.
  const lookup = src.ownRequests !== true;
  const pick = (retriedValue: string, single: string) => (lookup ? d.iff(multi, retriedValue, single) : single);
  // The lookup's key: the request id, or (firstTries) on an attempt 0 row a key whose match is ignored (`multi` below).
  const key = undo ? 'lookup_id' : 'request_id';
  const mask = undo?.length ? undo.map((x, i) => d.iff(d.cond(x), String(2 ** i), '0')).join(' + ') : '0';
  const retries = (x: string) => `SELECT ${x} FROM ${src.attempts} WHERE ${[...preds, 'attempt > 0'].join(' AND ')}`;
  // The rows of requests with a retry. Where the dialect has a 64-bit hash (ClickHouse), by the hash of
  // the id: a set of integers is probed cheaper than one of strings (0.37 against 0.53 s at 5M rows on
  // 18.16), and a request whose hash only equals a retried one's has no attempt > 0, so HAVING drops it.
  const retriedFilter = d.hash64 ? `${d.hash64('request_id')} IN (${retries(d.hash64('request_id'))})` : `request_id IN (${retries('request_id')})`;
  const retried = `
      SELECT request_id${undo ? ' AS lookup_id' : ''}, ${req.map(([c, n]) => `${d.argMin(c, 'attempt')} AS m_${n}`).join(', ')},
        max(attempt) AS m_last_attempt, ${d.anyTrue('escalated_to_human')} AS m_escalated, ${d.true} AS m_multi${undo ? `,
        max(${d.iff('attempt = 0', mask, '0')}) AS m_first_mask` : ''}
      FROM ${src.attempts}
      WHERE ${[...preds, retriedFilter].join(' AND ')}
      GROUP BY request_id${d.hash64 ? ' HAVING max(attempt) > 0' : ''}`;
  const own = attemptColumns(src).filter((c) => !(REQUEST_DIMENSION_COLUMNS as readonly string[]).includes(c));
  const priced = opts.priced ?? true;
  const price = priced ? 'price_key AS a_price_key, route_pair, cost, cached_at_input_rate, batch_at_standard_rate' : JOIN_KEYS.join(', ');
  const columns = undo ? [...attemptColumns(src), `${d.keyIf('attempt > 0', 'request_id')} AS lookup_id`] : attemptColumns(src);
  const from = priced ? pricedSql(src, columns, preds) : keyedSql(src, columns, preds);
  return `
    SELECT ${own.join(', ')}, route AS a_route, provider AS a_provider, model AS a_model,
      ${price},
      ${req.map(([c, n]) => `${pick(`m_${n}`, c)} AS req_${n}`).join(',\n      ')},
      ${pick('attempt = m_last_attempt', d.true)} AS is_final,
      ${pick('m_escalated', `coalesce(escalated_to_human, ${d.false})`)} AS req_escalated${undo ? `,
      ${lookup ? d.iff(`${multi} AND attempt = m_last_attempt`, 'm_first_mask', '0') : '0'} AS first_undo` : ''}
    FROM (${from}) AS priced
    ${lookup ? `${d.leftJoinOne} (${retried}) AS retried USING (${key})` : ''}`;
}
