import { FALSE_WORDS, NUMBER_RANGES, type NumberRange, type RuleDialect, TRUE_WORDS, rowRules, spellRules } from '../row-rules.js';
import { COLUMNS, type Column, SECONDS_TWINS } from '../schema.js';
import { EPOCH_UNITS, type TimestampWindow, epochUs } from '../time-window.js';
import { chLit } from './connection.js';
import { chColumn, chType } from './schema.js';

/**
 * The import's row rules (../row-rules.ts, the one list) spelled as ClickHouse SQL (issue 14, "the
 * row checks run as ClickHouse SQL over a staging table"), over a staging table of raw text (`line`
 * plus one Nullable(String) per normalized column, blank already NULL and spaces trimmed by the
 * stager). What is here is how ClickHouse computes what DuckDB's casts compute (numSql, timestampUs,
 * the text DuckDB prints), so both stores give the same rule, message and stored value for a row.
 * Written for ClickHouse 18.16 (no parameters, no short-circuit, no window functions) and current
 * ClickHouse alike. test/traces/clickhouse-native.test.ts proves both checks agree on the hostile
 * and fuzzed fixtures; test/traces/row-rules.test.ts runs one row per rule of the list through both.
 *
 * Where the two parsers can differ (documented in docs/scale.md): DuckDB's timestamp reader also
 * takes time-zone names, BC dates and `24:00` forms; here those are `bad_timestamp`.
 */

/** The stage's columns: every normalized name, the `ts` alias and the seconds twins. */
export const STAGE_COLUMNS: readonly string[] = [...COLUMNS.map((c) => c.name), 'ts', ...Object.keys(SECONDS_TWINS)];

/** DuckDB's TRY_CAST(x AS DOUBLE) as a Float64, NaN where DuckDB gives NULL (every check treats NULL and NaN alike). */
export function numSql(x: string): string {
  const unsigned = `replaceRegexpOne(${x}, '^\\\\+', '')`;
  return `multiIf(isNull(${x}), nan,
    match(${x}, '^[+-]?([0-9]+(_[0-9]+)*(\\\\.([0-9]+(_[0-9]+)*)?)?|\\\\.[0-9]+(_[0-9]+)*)([eE][+-]?[0-9]+)?$'), ifNull(toFloat64OrNull(replaceAll(${unsigned}, '_', '')), if(startsWith(${x}, '-'), -inf, inf)),
    match(lower(${x}), '^[+-]?inf(inity)?$'), if(startsWith(${x}, '-'), -inf, inf),
    match(lower(${x}), '^[+-]?nan$'), nan,
    nan)`;
}

/** DuckDB's CAST(double AS VARCHAR) for the values a message prints: integral values end in ".0". */
const duckDouble = (x: string) => `if(${x} = floor(${x}) AND abs(${x}) < 1e16, concat(toString(${safeInt(x)}), '.0'), toString(${x}))`;

/**
 * A Float64 as Int64 where it is finite and in range, else 0. ClickHouse computes every branch of
 * if/multiIf for every row, and current releases refuse to convert NaN or ±inf to an integer even
 * in a branch not taken, so each conversion guards its own argument.
 */
const safeInt = (x: string) => `toInt64(if(isFinite(${x}) AND abs(${x}) < 9e18, ${x}, 0))`;

const D_US = 'toInt64(86400000000)';

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil; y ≥ 1), integer arithmetic only. */
function daysFromCivil(y: string, m: string, d: string): string {
  const yy = `(${y} - toInt64(${m} <= 2))`;
  const era = `intDiv(${yy}, 400)`;
  const yoe = `(${yy} - ${era} * 400)`;
  const doy = `(intDiv(153 * ((${m} + 9) % 12) + 2, 5) + ${d} - 1)`;
  return `(${era} * 146097 + ${yoe} * 365 + intDiv(${yoe}, 4) - intDiv(${yoe}, 100) + ${doy} - 719468)`;
}

const daysInMonth = (y: string, m: string) =>
  `multiIf(${m} = 2, if((${y} % 4 = 0 AND ${y} % 100 != 0) OR ${y} % 400 = 0, 29, 28), ${m} IN (4, 6, 9, 11), 30, 31)`;

/** An epoch-µs Int64 spelled as DuckDB prints a TIMESTAMP ("2026-05-01 00:00:00.5"). */
export function duckTimestampText(us: string): string {
  const days = `(intDiv(${us}, ${D_US}) - toInt64(${us} % ${D_US} < 0))`;
  const rem = `(${us} - ${days} * ${D_US})`;
  const z = `(${days} + 719468)`;
  const era = `intDiv(${z}, 146097)`;
  const doe = `(${z} - ${era} * 146097)`;
  const yoe = `intDiv(${doe} - intDiv(${doe}, 1460) + intDiv(${doe}, 36524) - intDiv(${doe}, 146096), 365)`;
  const doy = `(${doe} - (365 * ${yoe} + intDiv(${yoe}, 4) - intDiv(${yoe}, 100)))`;
  const mp = `intDiv(5 * ${doy} + 2, 153)`;
  const d = `(${doy} - intDiv(153 * ${mp} + 2, 5) + 1)`;
  const m = `if(${mp} < 10, ${mp} + 3, ${mp} - 9)`;
  const y = `(${yoe} + ${era} * 400 + toInt64(${m} <= 2))`;
  const two = (v: string) => `concat(if(${v} < 10, '0', ''), toString(${v}))`;
  const year = `concat(multiIf(${y} < 10, '000', ${y} < 100, '00', ${y} < 1000, '0', ''), toString(${y}))`;
  const frac = `${rem} % toInt64(1000000)`;
  const fracText = `if(${frac} = 0, '', concat('.', replaceRegexpOne(substring(toString(${frac} + 1000000), 2, 6), '0+$', '')))`;
  return `concat(${year}, '-', ${two(m)}, '-', ${two(d)}, ' ', ${two(`intDiv(${rem}, toInt64(3600000000))`)}, ':', ${two(`intDiv(${rem}, toInt64(60000000)) % 60`)}, ':', ${two(`intDiv(${rem}, toInt64(1000000)) % 60`)}, ${fracText})`;
}

/**
 * ISO 8601 text as epoch µs (Nullable), as DuckDB's TIMESTAMPTZ cast reads it: `Y-M-D`, then
 * optionally `T` or a space and `H:M[:S[.fraction]]` (the fraction truncated to µs), then an optional
 * `Z`, `UTC` or `±HH[[:]MM]` offset. A date or time out of range (a 13th month, 30 February, 23:59:60) is NULL.
 */
function isoUs(v: string): string {
  const date = `extract(${v}, '^([0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2})')`;
  const rest = `substring(${v}, length(${date}) + 1)`;
  const time = `extract(${rest}, '^[T ]([0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\\\\.[0-9]+)?)?)')`;
  const tz = `replaceRegexpAll(substring(${rest}, length(${time}) + if(${time} = '', 1, 2)), '^ +| +$', '')`;
  const dp = (i: number) => `toInt64(toUInt32OrZero(splitByChar('-', ${date})[${i}]))`;
  const tp = (i: number) => `toInt64(toUInt32OrZero(extract(splitByChar(':', concat(${time}, '::'))[${i}], '^([0-9]*)')))`;
  const frac = `toInt64(toUInt32OrZero(substring(concat(extract(${time}, '\\\\.([0-9]+)'), '000000'), 1, 6)))`;
  const [y, m, d, h, mi, s] = [dp(1), dp(2), dp(3), tp(1), tp(2), tp(3)];
  const off = `if(${tz} IN ('', 'Z', 'UTC'), 0, if(startsWith(${tz}, '-'), -1, 1) * (toInt64(toUInt32OrZero(substring(${tz}, 2, 2))) * 60 + toInt64(toUInt32OrZero(substring(replaceAll(${tz}, ':', ''), 4, 2)))))`;
  const ok = `(${date} != '' AND (${tz} IN ('', 'Z', 'UTC') OR match(${tz}, '^[+-][0-9]{2}(:?[0-9]{2})?$'))
    AND ${y} >= 1 AND ${m} BETWEEN 1 AND 12 AND ${d} BETWEEN 1 AND ${daysInMonth(y, m)}
    AND (${h} < 24 OR (${h} = 24 AND ${mi} = 0 AND ${s} = 0 AND ${frac} = 0)) AND ${mi} < 60 AND ${s} < 60)`;
  const us = `(${daysFromCivil(y, m, d)} * ${D_US} + ((${h} * 60 + ${mi} - ${off}) * 60 + ${s}) * 1000000 + ${frac})`;
  return `if(${ok}, CAST(${us} AS Nullable(Int64)), CAST(NULL AS Nullable(Int64)))`;
}

/** DuckDB's timestampSql: ISO text (it holds a '-'), or an epoch number in the unit its magnitude names (time-window.ts EPOCH_UNITS). */
function timestampUs(raw: string): string {
  const v = `ifNull(${raw}, '')`;
  const [s, ms, us, ns] = EPOCH_UNITS;
  const n = `toFloat64OrZero(${v})`;
  // DuckDB rounds half away from zero; the values are positive, so floor(x + 0.5).
  const round = (x: string) => safeInt(`floor(${x} + 0.5)`);
  // Nanoseconds: an integer is cut exactly (DuckDB's HUGEINT // 1000); a fraction goes through the double.
  const nsUs = `if(match(${v}, '^[0-9]+$'), if(length(${v}) <= 3, toInt64(0), toInt64(toUInt64OrZero(substring(${v}, 1, length(${v}) - 3)))), ${round(`${n} / 1000`)})`;
  const I = (x: string) => `CAST(${x} AS Nullable(Int64))`;
  return `multiIf(
    isNull(${raw}), ${I('NULL')},
    position(${v}, '-') > 0, ${isoUs(v)},
    match(${v}, '^[0-9]+(\\\\.[0-9]+)?$'), multiIf(${n} < ${s.below}, ${I(round(`${n} * ${s.toUs}`))}, ${n} < ${ms.below}, ${I(round(`${n} * ${ms.toUs}`))}, ${n} < ${us.below}, ${I(round(n))}, ${n} < ${ns.below}, ${I(nsUs)}, ${I('NULL')}),
    lower(${v}) = 'epoch', ${I('0')},
    ${isoUs(v)})`;
}

export interface RuleSqlOptions {
  window: TimestampWindow;
  /** Stage columns the file has (others are NULL). */
  present: ReadonlySet<string>;
  /** Compute each reject's message (only for the few rows a report shows: ClickHouse evaluates every branch). */
  reasons: boolean;
}

const q = (s: string) => chLit(s);

/**
 * `lineSql` turns the stage's `pos` into the file line a report names.
 * SELECT over `stage` giving every stored column of `requests_data` (ts_us, …, source_line NULL
 * unless `lineStored`), `line`, `rule` ('' for a good row) and, with `reasons`, `reason`.
 */
export function ruleSelectSql(stage: string, o: RuleSqlOptions & { lineStored: boolean; lineSql: string; where?: string }): string {
  const has = (c: string) => o.present.has(c);
  const raw = (c: string) => `r_${c}`;
  // Level 1: the raw text of each normalized column (timestamp from `ts` when the file names it so; latency from its seconds twin).
  const l1: string[] = [`${o.lineSql} AS line`];
  for (const c of COLUMNS) {
    const twin = Object.entries(SECONDS_TWINS).find(([, msName]) => msName === c.name)?.[0];
    let src: string;
    if (has(c.name)) src = `\`${c.name}\``;
    else if (c.name === 'timestamp' && has('ts')) src = '`ts`';
    else if (twin && has(twin)) {
      const t = `\`${twin}\``;
      const n = numSql(t);
      src = `multiIf(isNull(${t}), CAST(NULL AS Nullable(String)), isNaN(${n}) AND NOT match(lower(ifNull(${t}, '')), '^[+-]?nan$'), ${t}, CAST(${duckDouble(`${n} * 1000`)} AS Nullable(String)))`;
    } else src = 'CAST(NULL AS Nullable(String))';
    l1.push(`${src} AS ${raw(c.name)}`);
  }
  // Level 2: each column's typed value v_<name> (and the number n_<name> it is read from).
  const typed: string[] = [];
  for (const c of COLUMNS) {
    const r = raw(c.name);
    const out = `v_${c.name}`;
    const n = `n_${c.name}`;
    switch (c.kind) {
      case 'timestamp':
        // ±infinity has no Int64 µs: ts_inf marks it (outside every window, not unreadable, as DuckDB reads it).
        typed.push(`${timestampUs(r)} AS ${out}`, `lower(ifNull(${r}, '')) IN ('infinity', '-infinity', '+infinity') AS ts_inf`);
        break;
      case 'text':
        typed.push(c.values ? `if(${r} IN (${c.values.map(q).join(', ')}), ${r}, lowerUTF8(${r})) AS ${out}` : `${r} AS ${out}`);
        break;
      case 'count':
        typed.push(`${numSql(r)} AS ${n}`, `if(${inRange(n, NUMBER_RANGES.count)}, CAST(${safeInt(n)} AS Nullable(Int64)), CAST(NULL AS Nullable(Int64))) AS ${out}`);
        break;
      case 'attempt':
        typed.push(
          `${numSql(r)} AS ${n}`,
          `multiIf(isNull(${r}), CAST(0 AS Nullable(Int32)), ${inRange(n, NUMBER_RANGES.attempt)}, CAST(toInt32(${safeInt(`if(${n} <= ${NUMBER_RANGES.attempt.max}, ${n}, 0)`)}) AS Nullable(Int32)), CAST(NULL AS Nullable(Int32))) AS ${out}`,
        );
        break;
      case 'ms':
      case 'usd':
        typed.push(`${numSql(r)} AS ${n}`, `if(${inRange(n, NUMBER_RANGES[c.kind])}, CAST(${n} AS Nullable(Float64)), CAST(NULL AS Nullable(Float64))) AS ${out}`);
        break;
      case 'bool': {
        const low = `lower(${r})`;
        const B = (x: string) => `CAST(${x} AS Nullable(UInt8))`;
        typed.push(
          `multiIf(isNull(${r}), ${B('0')}, ${r} = 'true', ${B('1')}, ${r} = 'false', ${B('0')}, ${low} IN (${TRUE_WORDS.map(q).join(', ')}), ${B('1')}, ${low} IN (${FALSE_WORDS.map(q).join(', ')}), ${B('0')}, ${B('NULL')}) AS ${out}`,
        );
        break;
      }
    }
  }
  const v = (c: string) => `v_${c}`;
  const dialect: RuleDialect = {
    missing: (cols) => cols.map((c) => `isNull(${raw(c.name)})`).join(' AND '),
    // An absent attempt or flag has a default (0, false): its typed value is NULL only when it is given and unreadable.
    unreadable: (c) =>
      c.kind === 'attempt' || c.kind === 'bool' ? `isNull(${v(c.name)})` : `isNotNull(${raw(c.name)}) AND isNull(${v(c.name)})${c.kind === 'timestamp' ? ' AND NOT ts_inf' : ''}`,
    negative: (c) => `startsWith(ifNull(${raw(c.name)}, ''), '-') AND n_${c.name} < 0`,
    outsideWindow: (c, w) => `ts_inf OR ${v(c.name)} < ${epochUs(w.from)} OR ${v(c.name)} >= ${epochUs(w.to)}`,
    notAllowed: (c, values) => `isNotNull(${v(c.name)}) AND ${v(c.name)} NOT IN (${values.map(q).join(', ')})`,
    term: (c, orZero) => (orZero ? `ifNull(${v(c.name)}, 0)` : v(c.name)),
    text: q,
    raw: (c) => raw(c.name),
    // The typed value as DuckDB prints it (the DuckDB check's messages are the reference).
    value: (c) =>
      c.kind === 'timestamp'
        ? `if(ts_inf, if(startsWith(${raw(c.name)}, '-'), '-infinity', 'infinity'), ${duckTimestampText(`assumeNotNull(${v(c.name)})`)})`
        : c.kind === 'ms' || c.kind === 'usd'
          ? duckDouble(`assumeNotNull(${v(c.name)})`)
          : c.kind === 'text'
            ? v(c.name)
            : `toString(${v(c.name)})`,
    integerText: (x) => `toString(${x})`,
    concat: (parts) => (parts.length === 1 ? parts[0]! : `concat(${parts.join(', ')})`),
  };
  const all = spellRules(rowRules(o.window), dialect);
  const ruleSql = `multiIf(${all.map((c) => `ifNull(${c.when}, 0), ${q(c.name)}`).join(', ')}, '')`;
  const reasonSql = `multiIf(${all.map((c) => `rule = ${q(c.name)}, ifNull(${c.message}, '')`).join(', ')}, '')`;
  // The stored columns, typed as requests_data's, with the derived route/provider and defaults (as the DuckDB check).
  const stored = (c: Column): string => {
    const col = chColumn(c);
    let e: string;
    // Not coalesce(route, concat(provider, '/', model), model): on 18.16 that gives NULL for a present route, or kills
    // the server, when provider and model are absent columns (constant NULLs). A concat of non-Nullable parts is sound.
    if (c.name === 'route')
      e = `multiIf(isNotNull(${v('route')}), ${v('route')}, isNotNull(${v('provider')}) AND isNotNull(${v('model')}), toNullable(concat(assumeNotNull(${v('provider')}), '/', assumeNotNull(${v('model')}))), ${v('model')})`;
    else if (c.name === 'provider') e = `coalesce(${v('provider')}, if(position(ifNull(${v('route')}, ''), '/') > 0, splitByChar('/', assumeNotNull(${v('route')}))[1], NULL))`;
    else if (c.name === 'status') e = `ifNull(${v('status')}, 'ok')`;
    else if (c.name === 'quality') e = `ifNull(${v('quality')}, 'unknown')`;
    else e = v(c.name);
    const t = chType(c);
    // A rejected row's columns may be NULL where the table's are not: a stand-in keeps the cast valid (such rows are never stored).
    return t.startsWith('Nullable') ? `CAST(${e} AS ${t}) AS ${col}` : `CAST(ifNull(${e}, ${c.kind === 'text' ? "''" : '0'}) AS ${t}) AS ${col}`;
  };
  return `SELECT ${COLUMNS.map(stored).join(', ')}, toUInt32(0) AS import_id, ${o.lineStored ? 'toNullable(line)' : 'CAST(NULL AS Nullable(Int64))'} AS source_line, line, rule${o.reasons ? `, ${reasonSql} AS reason` : ''}
    FROM (SELECT *, ${ruleSql} AS rule FROM (SELECT *, ${typed.join(', ')} FROM (SELECT ${l1.join(', ')} FROM ${stage})${o.where ? ` WHERE ${o.where}` : ''}))`;
}

/** A parsed number (Float64, NaN when not one) in a NumberRange. */
const inRange = (n: string, r: NumberRange) => `(isFinite(${n}) AND ${n} >= 0 AND ${n} <= ${r.max}${r.integer ? ` AND ${n} = floor(${n})` : ''})`;
