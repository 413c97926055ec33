import { ident, lit } from './db.js';
import { FALSE_WORDS, NUMBER_RANGES, type NumberRange, type RuleDialect, TRUE_WORDS, rowRules, spellRules } from './row-rules.js';
import { COLUMNS, storeName } from './schema.js';
import type { TypedKind } from './staging.js';
import { EPOCH_UNITS, type TimestampWindow, epochUs } from './time-window.js';

/**
 * The import's row rules (./row-rules.ts, the one list) spelled for DuckDB, over the staged rows
 * `stg` (import.ts checkAndInsert inserts what checkSql selects). Here lives only how DuckDB
 * computes them: text parsed with TRY_CAST, a typed Parquet column checked as the value it is.
 */

/**
 * SQL (DuckDB) turning a text timestamp into a UTC TIMESTAMP, or NULL when it is none: ISO 8601
 * (an offset honoured, none read as UTC: db.ts sets TimeZone) or an epoch number in the unit its
 * magnitude names (time-window.ts EPOCH_UNITS). Integers are converted exactly (µs), through HUGEINT for nanoseconds.
 */
function timestampSql(v: string): string {
  const n = `TRY_CAST(${v} AS DOUBLE)`;
  const [s, ms, us, ns] = EPOCH_UNITS;
  return `CASE WHEN contains(${v}, '-') THEN ${utcWallTime(`TRY_CAST(${v} AS TIMESTAMPTZ)`)}
     WHEN regexp_full_match(${v}, '[0-9]+(\\.[0-9]+)?') THEN CASE
       WHEN ${n} < ${s.below} THEN make_timestamp(CAST(round(${n} * ${s.toUs}) AS BIGINT))
       WHEN ${n} < ${ms.below} THEN make_timestamp(CAST(round(${n} * ${ms.toUs}) AS BIGINT))
       WHEN ${n} < ${us.below} THEN make_timestamp(CAST(round(${n}) AS BIGINT))
       WHEN ${n} < ${ns.below} THEN make_timestamp(CAST(coalesce(TRY_CAST(${v} AS HUGEINT) // 1000, round(${n} / 1000)) AS BIGINT)) END
     ELSE ${utcWallTime(`TRY_CAST(${v} AS TIMESTAMPTZ)`)} END`;
}

/**
 * SQL: the UTC wall time (a TIMESTAMP) of a TIMESTAMPTZ instant. Its µs since the epoch ARE the UTC
 * wall time, so a finite instant is rebuilt from them: `timezone('UTC', x)` gives the same value
 * through ICU's calendar, 0.17 CPU-s per 1M rows more (issue 14), and fails on the last
 * representable instant. ±infinity stays ±infinity (the window check rejects it).
 */
function utcWallTime(x: string): string {
  return `CASE WHEN isfinite(${x}) THEN make_timestamp(epoch_us(${x})) ELSE CAST(${x} AS TIMESTAMP) END`;
}

/** SQL: true when a (non-NULL) TIMESTAMP lies outside the window (or is ±infinity). */
function outsideWindowSql(ts: string, w: TimestampWindow): string {
  return `(NOT isfinite(${ts}) OR ${ts} < make_timestamp(${epochUs(w.from)}) OR ${ts} >= make_timestamp(${epochUs(w.to)}))`;
}

/**
 * `x = a OR x = b …`, not `x IN (a, b …)`: DuckDB plans a constant IN list as a MARK hash join, and
 * that join does not keep the rows in file order, which the insert needs (line numbers, out-of-order count).
 */
const oneOf = (x: string, values: readonly string[]) => `(${values.map((val) => `${x} = ${lit(val)}`).join(' OR ')})`;

/** A parsed number (DOUBLE, NULL when not one) in a NumberRange; NULL for NULL, which a CASE takes as false. */
const inRange = (n: string, r: NumberRange) => `(isfinite(${n}) AND ${n} >= 0 AND ${n} <= ${r.max}${r.integer ? ` AND ${n} = floor(${n})` : ''})`;

/**
 * The one SQL that types and checks a staged row. `reason` is NULL for a good row; `rule` groups rejects.
 * Columns in `typed` arrive typed (a typed Parquet column, staging.ts typedKind): the same range
 * checks run on the value, without the text round trip; their text is made only for a reject's message.
 */
export function checkSql(window: TimestampWindow, typed: ReadonlyMap<string, TypedKind>): string {
  const v = (name: string) => `stg.${ident(name)}`;
  // Each numeric column is parsed once, in the `stg` CTE below, as n_<name>.
  const num = (name: string) => `stg.n_${name}`;
  // The common spellings are matched as they are; lower() (a string copy) only runs on the rest.
  const bool = (name: string) =>
    `CASE ${v(name)} WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE ELSE CASE WHEN ${oneOf(`lower(${v(name)})`, TRUE_WORDS)} THEN TRUE WHEN ${oneOf(`lower(${v(name)})`, FALSE_WORDS)} THEN FALSE END END`;
  // Level `t`: each column's typed value (named as its store column) and its raw value (raw_<name>).
  const typedSel: string[] = ['stg.line AS line'];
  for (const c of COLUMNS) {
    const out = storeName(c);
    switch (c.kind) {
      case 'timestamp': {
        // Dates contain '-', epoch numbers do not; the unit of an epoch number is told by its magnitude (time-window.ts).
        const t = typed.get(c.name);
        // A TIMESTAMPTZ is an instant: its UTC wall time is stored. A naive TIMESTAMP is UTC already (issue 5).
        typedSel.push(`${t === 'timestamptz' ? utcWallTime(v(c.name)) : t === 'timestamp' ? `CAST(${v(c.name)} AS TIMESTAMP)` : timestampSql(v(c.name))} AS ${out}`);
        break;
      }
      case 'text':
        typedSel.push(c.values ? `CASE WHEN ${oneOf(v(c.name), c.values)} THEN ${v(c.name)} ELSE lower(${v(c.name)}) END AS ${out}` : `${v(c.name)} AS ${out}`);
        break;
      case 'count':
        typedSel.push(`CASE WHEN ${inRange(num(c.name), NUMBER_RANGES.count)} THEN CAST(${num(c.name)} AS BIGINT) END AS ${out}`);
        break;
      case 'attempt':
        typedSel.push(`CASE WHEN ${v(c.name)} IS NULL THEN 0 WHEN ${inRange(num(c.name), NUMBER_RANGES.attempt)} THEN CAST(${num(c.name)} AS INTEGER) END AS ${out}`);
        break;
      case 'ms':
      case 'usd':
        typedSel.push(`CASE WHEN ${inRange(num(c.name), NUMBER_RANGES[c.kind])} THEN ${num(c.name)} END AS ${out}`);
        break;
      case 'bool':
        // A BOOLEAN column holds only true, false or NULL (absent: false).
        typedSel.push(`${typed.has(c.name) ? `coalesce(${v(c.name)}, FALSE)` : `coalesce(${bool(c.name)}, CASE WHEN ${v(c.name)} IS NULL THEN FALSE END)`} AS ${out}`);
        break;
    }
    typedSel.push(`${v(c.name)} AS raw_${c.name}`);
  }
  const dialect: RuleDialect = {
    missing: (cols) => cols.map((c) => `raw_${c.name} IS NULL`).join(' AND '),
    // An absent attempt or flag has a default (0, false): its typed value is NULL only when it is given and unreadable.
    unreadable: (c) => (c.kind === 'attempt' || c.kind === 'bool' ? `${storeName(c)} IS NULL` : `raw_${c.name} IS NOT NULL AND ${storeName(c)} IS NULL`),
    // As text, only a value starting with '-' is parsed for this check (a 10M-row file: most are not);
    // prefix(), not starts_with() (DuckDB 1.5.6's `^@`, a slower implementation of the same test: staging.ts blankToNull).
    negative: (c) => (typed.has(c.name) ? `raw_${c.name} < 0` : `prefix(raw_${c.name}, '-') AND TRY_CAST(raw_${c.name} AS DOUBLE) < 0`),
    outsideWindow: (c, w) => outsideWindowSql(storeName(c), w),
    notAllowed: (c, values) => `${storeName(c)} IS NOT NULL AND NOT ${oneOf(storeName(c), values)}`,
    term: (c, orZero) => (orZero ? `coalesce(${storeName(c)}, 0)` : storeName(c)),
    text: lit,
    // A reject's message quotes the value as written: text already, or a typed value spelled as text.
    raw: (c) => (typed.has(c.name) ? `CAST(raw_${c.name} AS VARCHAR)` : `raw_${c.name}`),
    value: (c) => (c.kind === 'timestamp' ? `CAST(${storeName(c)} AS VARCHAR)` : storeName(c)),
    integerText: (x) => x,
    concat: (parts) => parts.join(' || '),
  };
  const all = spellRules(rowRules(window), dialect);
  const ruleCase = `CASE ${all.map((c) => `WHEN ${c.when} THEN ${lit(c.name)}`).join(' ')} END`;
  // The message is picked by rule name, so the conditions run once per row, not twice.
  const reasonCase = `CASE rule0 ${all.map((c) => `WHEN ${lit(c.name)} THEN ${c.message}`).join(' ')} END`;
  const out = COLUMNS.map(storeName).filter((n) => !['route', 'provider', 'status', 'quality'].includes(n));
  return `
    WITH stg AS (SELECT *, ${COLUMNS.filter((c) => ['count', 'ms', 'usd', 'attempt'].includes(c.kind)).map((c) => `${typed.has(c.name) ? 'CAST' : 'TRY_CAST'}(${ident(c.name)} AS DOUBLE) AS n_${c.name}`).join(', ')} FROM stg),
    t AS (SELECT ${typedSel.join(',\n      ')} FROM stg),
    r AS (
      SELECT q.*, CASE WHEN rule0 IS NOT NULL THEN ${reasonCase} END AS reason0 FROM (SELECT t.*, ${ruleCase} AS rule0 FROM t) q
    )
    SELECT ${out.join(', ')},
      coalesce(route, provider || '/' || model, model) AS route,
      coalesce(provider, CASE WHEN contains(route, '/') THEN split_part(route, '/', 1) END) AS provider,
      coalesce(status, 'ok') AS status,
      coalesce(quality, 'unknown') AS quality,
      line, rule0 AS rule, reason0 AS reason
    FROM r`;
}
