/**
 * How each store's SQL spells the expressions the read queries are written in (./expr.ts names
 * them; the queries in this directory are written once over them). One object per SQL: DuckDB,
 * current ClickHouse (chdb 26.x in the tests, what users at scale run) and ClickHouse 18.16
 * (Debian's package; the local servers and the two-shard cluster of the tests).
 *
 * The differences, each found by running the store's queries on all three:
 * - Timestamps: DuckDB keeps `ts` TIMESTAMP; ClickHouse keeps `ts_us`, epoch microseconds (Int64),
 *   because 18.16 has no DateTime64. Instants reach SQL as epoch microseconds on both.
 * - Aggregates with a condition: DuckDB `FILTER (WHERE …)`; ClickHouse the -If combinators.
 * - Booleans: DuckDB BOOLEAN with three-valued logic; ClickHouse UInt8, and 18.16's AND/OR/NOT
 *   and if() return NULL on any NULL argument, so conditions are made non-NULL (`cond`).
 * - Quantiles: DuckDB quantile_cont; current ClickHouse quantilesExactInclusive (the same R7
 *   interpolation, lo + (hi − lo)·d at (n − 1)·q: one selection per level, no full sort); 18.16, which
 *   has no inclusive variant, selects lo and hi with quantileExact over the group's values and
 *   sentinels (`selected`) and interpolates the same way. All three give the same p50/p95/p99 (to
 *   1e-9; the tests compare them).
 * - Joins: ClickHouse needs ANY LEFT JOIN … USING for a one-match lookup (18.16 joins on
 *   equality only: the price of a row is looked up by (route, provider, model, day), not by range).
 * - formatDateTime's minute is `%M` on 18.16 and `%i` since 23.4 (`%M` became the month's name).
 * - Values: DuckDB binds `$name` (prepared statements); current ClickHouse binds `{name:Type}`
 *   query parameters; 18.16 has none (refused: "Syntax error"), so there a value is rendered as a
 *   typed literal checked first (./params.ts): finite numbers, whole microseconds, plain dates.
 */

export type Engine = 'duckdb' | 'clickhouse';
/** The types a bound value can have. */
export type ParamType = 'Int64' | 'Float64' | 'String' | 'Date';

export interface Dialect {
  /** Which SQL, for messages. */
  name: string;
  engine: Engine;
  /** How a value reaches the SQL: a placeholder bound by the client, or a checked literal (18.16). */
  binding: 'duckdb' | 'clickhouse' | 'literal';
  /** How `format` spells a two-digit minute. */
  minute: string;
  /** The attempts' timestamp column. */
  ts: string;
  /** A ledger table's timestamp column (DuckDB TIMESTAMP; ClickHouse keeps `<name>_us` epoch µs beside it) comparable to `ts`. */
  ledgerTs(col: string): string;
  /** An INNER JOIN taking every match (ClickHouse's ALL). */
  innerJoinAll: string;
  /** An epoch-microseconds (Int64) expression as a value comparable to `ts`. */
  fromMicros(us: string): string;
  /** A timestamp expression (of `ts`) as epoch microseconds. */
  micros(t: string): string;
  /** A timestamp expression as epoch seconds (a double, to the microsecond). */
  epochSeconds(t: string): string;
  /** A timestamp expression's UTC day as a DATE. */
  date(t: string): string;
  /** A timestamp expression formatted (UTC) with strftime-like parts: %Y %m %d %H %M(minute) %S. */
  format(t: string, pattern: string): string;
  /** A DATE expression as 'YYYY-MM-DD'. */
  dateText(d: string): string;
  true: string;
  false: string;
  /** A boolean (BOOLEAN or UInt8) column or expression as a condition. */
  isTrue(x: string): string;
  /** A condition that may be NULL, made FALSE when NULL. */
  cond(x: string): string;
  isNull(x: string): string;
  notNull(x: string): string;
  /** Bit i (0 = lowest) of a non-negative integer x is set. */
  bit(x: string, i: number): string;
  /** A 64-bit hash of a string, where a set of them is probed cheaper than a set of the strings (ClickHouse); absent on DuckDB. */
  hash64?: (x: string) => string;
  /**
   * A join key that is x where c holds and otherwise a value of x's type that the join need not
   * match (the caller ignores a match there): ClickHouse the type's default ('' or 0, whose hash
   * cell is found without hashing; x may be a String or, over a hashed read source, a UInt64),
   * DuckDB NULL.
   */
  keyIf(c: string, x: string): string;
  /** if(c, a, b). */
  iff(c: string, a: string, b: string): string;
  countIf(c: string): string;
  sumIf(x: string, c: string): string;
  /** avg of x over rows where c; NULL (not NaN) over none. */
  avgIf(x: string, c: string): string;
  /** TRUE when x holds on every row where c (of x's rows), NULL/0 over none. */
  allIf(x: string, c: string): string;
  /** The value of x on the row of the least `by`. */
  argMin(x: string, by: string): string;
  /** The value of x on the row of the least `by` among rows where c. */
  argMinIf(x: string, by: string, c: string): string;
  /** TRUE when x holds on any row. */
  anyTrue(x: string): string;
  /** The number of distinct non-NULL x. */
  distinct(x: string): string;
  /** The distinct non-NULL values of x in a group, as an array. */
  distinctValues(x: string): string;
  /** The most frequent value of x. */
  mode(x: string): string;
  /**
   * Quantiles `qs` of x over rows where c, in two steps because ClickHouse computes them in an
   * outer query: `inner` aggregates, `outer(alias)` turns the aggregate (named alias) into an
   * array of |qs| values (empty or NULL over no row).
   */
  quantiles(x: string, qs: readonly number[], c?: string): { inner: string; outer: (alias: string) => string };
  /**
   * Aggregates in two steps, where the SQL has partial states (ClickHouse's -State/-MergeState/-Merge
   * combinators): a query aggregates fine groups first and merges them into its groups (./summary.ts
   * prices the fine groups, not every row). Absent on DuckDB, whose aggregates have no partial state
   * there: its queries aggregate rows in one step.
   */
  partial?: {
    /** quantiles() split: `parts` aggregate the fine groups, `merge(aliases of the parts)` gives the value `quantiles().outer` reads. */
    quantiles(x: string, qs: readonly number[], c?: string): { parts: string[]; merge: (aliases: string[]) => string };
  };
  /** A LEFT JOIN that takes one matching row (ClickHouse's ANY). */
  leftJoinOne: string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** The SQL types of temp tables. */
  types: { text: string; bool: string; int: string; float: string; date: string; nullable: (t: string) => string };
}

export const DUCKDB: Dialect = {
  name: 'DuckDB',
  engine: 'duckdb',
  binding: 'duckdb',
  minute: '%M',
  ts: 'ts',
  ledgerTs: (col) => col,
  innerJoinAll: 'JOIN',
  fromMicros: (us) => `make_timestamp(${us})`,
  micros: (t) => `epoch_us(${t})`,
  epochSeconds: (t) => `epoch(${t})`,
  date: (t) => `CAST(${t} AS DATE)`,
  format: (t, pattern) => `strftime(${t}, '${pattern}')`,
  dateText: (d) => `strftime(${d}, '%Y-%m-%d')`,
  true: 'TRUE',
  false: 'FALSE',
  isTrue: (x) => `${x}`,
  cond: (x) => `coalesce(${x}, FALSE)`,
  isNull: (x) => `(${x} IS NULL)`,
  notNull: (x) => `(${x} IS NOT NULL)`,
  bit: (x, i) => `((${x} >> ${i}) & 1 = 1)`,
  keyIf: (c, x) => `CASE WHEN ${c} THEN ${x} END`,
  iff: (c, a, b) => `CASE WHEN ${c} THEN ${a} ELSE ${b} END`,
  countIf: (c) => `count(*) FILTER (WHERE ${c})`,
  sumIf: (x, c) => `sum(${x}) FILTER (WHERE ${c})`,
  avgIf: (x, c) => `avg(${x}) FILTER (WHERE ${c})`,
  allIf: (x, c) => `bool_and(${x}) FILTER (WHERE ${c})`,
  argMin: (x, by) => `arg_min(${x}, ${by})`,
  argMinIf: (x, by, c) => `arg_min(${x}, ${by}) FILTER (WHERE ${c})`,
  anyTrue: (x) => `bool_or(${x})`,
  distinct: (x) => `count(DISTINCT ${x})`,
  distinctValues: (x) => `list(DISTINCT ${x}) FILTER (WHERE ${x} IS NOT NULL)`,
  mode: (x) => `mode(${x})`,
  quantiles: (x, qs, c) => ({ inner: `quantile_cont(${x}, [${qs.join(', ')}])${c ? ` FILTER (WHERE ${c})` : ''}`, outer: (alias) => alias }),
  leftJoinOne: 'LEFT JOIN',
  ident: (name) => `"${name.replace(/"/g, '""')}"`,
  types: { text: 'VARCHAR', bool: 'BOOLEAN', int: 'INTEGER', float: 'DOUBLE', date: 'DATE', nullable: (t) => t },
};

/** A level 0 < q < 1 as the fraction p/r in lowest terms (0.95 → [19, 20]), from its decimal digits. */
function fraction(q: number): [number, number] {
  const r0 = 10 ** (String(q).split('.')[1] ?? '').length;
  const p0 = Math.round(q * r0);
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const g = gcd(p0, r0);
  if (!(q > 0 && q < 1) || r0 > 1000) throw new Error(`quantile level ${q}: expected 0 < q < 1 with at most three decimals`);
  return [p0 / g, r0 / g];
}

/**
 * DuckDB's quantile_cont (R7: rn = (n − 1)·q, lo·(1 − d) + hi·d with lo, hi the sorted values at
 * floor(rn) and floor(rn) + 1, d = rn − floor(rn)) on 18.16 without sorting: 18.16's quantileExact(q)
 * over N values selects the sorted value at floor(q·N) (nth_element; checked on the server), so the
 * group's values are gathered once (`quantileExactState`) and merged with constant sentinels: with
 * q = p/r, p copies of −inf and r − p − 1 of +inf make N = n + r − 1 and the selected index, counted
 * among the n values, floor(q(n + r − 1)) − p = floor((n − 1)·q) (lo); one −inf moved to +inf selects
 * the next one (hi). Two selections per level instead of a sort of the group's array. The level's
 * double q·N rounds to the exact floor for the levels used (0.5, 0.95, 0.99: the error is below half an
 * ulp, the fraction at least 1/r). Empty over no value. `inner` is (count, state).
 */
function selectedParts(x: string, c?: string): [string, string] {
  const v = `toFloat64(${x})`;
  return c ? [`countIf(isNotNull(${x}) AND ${c})`, `quantileExactStateIf(${v}, ${c})`] : [`count(${x})`, `quantileExactState(${v})`];
}

function selected(x: string, qs: readonly number[], c?: string): { inner: string; outer: (alias: string) => string } {
  const inner = `tuple(${selectedParts(x, c).join(', ')})`;
  const outer = (alias: string) => {
    const n = `tupleElement(${alias}, 1)`;
    const at = (q: number, below: number, above: number) =>
      `arrayReduce('quantileExactMerge(${q})', [tupleElement(${alias}, 2), arrayReduce('quantileExactState', [${[...Array(below).fill('-inf'), ...Array(above).fill('inf')].join(', ')}])])`;
    const levels = qs.map((q) => {
      const [p, r] = fraction(q);
      const rn = `((${n} - 1) * ${q})`;
      const d = `(${rn} - floor(${rn}))`;
      const lo = at(q, p, r - p - 1);
      // d = 0: lo alone (hi may be the +inf sentinel there, and inf · 0 is NaN); lo · 1 + hi · 0 is lo.
      return `if(${d} = 0, ${lo}, ${lo} * (1 - ${d}) + ${at(q, p - 1, r - p)} * ${d})`;
    });
    return `if(${n} = 0, emptyArrayFloat64(), [${levels.join(', ')}])`;
  };
  return { inner, outer };
}

const UTC_SECONDS = (us: string) => `toDateTime(intDiv(${us}, 1000000), 'UTC')`;

/**
 * Current ClickHouse's exact quantiles of x over rows where c (NULL x skipped), with R7 interpolation
 * as DuckDB's quantile_cont (quantilesExactInclusive, ClickHouse 20.1+); empty over no row (the
 * aggregate alone gives NaNs there), as `selected`.
 */
function exactInclusive(x: string, qs: readonly number[], c?: string, combinator = ''): [string, string] {
  const n = `countIf(${c ? `isNotNull(${x}) AND ${c}` : `isNotNull(${x})`})`;
  const levels = qs.join(', ');
  const q = c ? `quantilesExactInclusive${combinator}If(${levels})(toFloat64(${x}), ${c})` : `quantilesExactInclusive${combinator}(${levels})(toFloat64(${x}))`;
  return [n, q];
}

/** Two-step quantiles: the fine groups' (count, state), merged into one (count, state) for `selected`'s outer, or the inclusive levels. */
function partialQuantiles(kind: 'selected' | 'inclusive', x: string, qs: readonly number[], c?: string): { parts: string[]; merge: (aliases: string[]) => string } {
  if (kind === 'selected') return { parts: selectedParts(x, c), merge: ([n, s]) => `tuple(sum(${n}), quantileExactMergeState(${s}))` };
  return { parts: exactInclusive(x, qs, c, 'State'), merge: ([n, s]) => `if(sum(${n}) = 0, emptyArrayFloat64(), quantilesExactInclusiveMerge(${qs.join(', ')})(${s}))` };
}

function clickhouse(name: string, minute: string, binding: Dialect['binding'], quantiles: 'selected' | 'inclusive'): Dialect {
  return {
    name,
    engine: 'clickhouse',
    binding,
    minute,
    ts: 'ts_us',
    ledgerTs: (col) => `${col}_us`,
    innerJoinAll: 'ALL INNER JOIN',
    fromMicros: (us) => us,
    micros: (t) => t,
    epochSeconds: (t) => `(${t} / 1000000)`,
    date: (t) => `toDate(${UTC_SECONDS(t)}, 'UTC')`,
    format: (t, pattern) => `formatDateTime(${UTC_SECONDS(t)}, '${pattern.replace(/%M/g, minute)}', 'UTC')`,
    dateText: (d) => `toString(${d})`,
    true: 'toUInt8(1)',
    false: 'toUInt8(0)',
    isTrue: (x) => `(${x} = 1)`,
    cond: (x) => `ifNull(${x}, 0)`,
    isNull: (x) => `isNull(${x})`,
    notNull: (x) => `isNotNull(${x})`,
    bit: (x, i) => `(bitAnd(${x}, ${2 ** i}) != 0)`,
    hash64: (x) => `cityHash64(${x})`,
    keyIf: (c, x) => `if(${c}, ${x}, defaultValueOfArgumentType(${x}))`,
    iff: (c, a, b) => `if(${c}, ${a}, ${b})`,
    countIf: (c) => `countIf(${c})`,
    sumIf: (x, c) => `sumIf(${x}, ${c})`,
    // avg over no row is NaN in ClickHouse, NULL in DuckDB: NULL here too.
    avgIf: (x, c) => `if(countIf(isNotNull(${x}) AND ${c}) = 0, NULL, sumIf(${x}, ${c}) / countIf(isNotNull(${x}) AND ${c}))`,
    allIf: (x, c) => `minIf(${x}, ${c})`,
    argMin: (x, by) => `argMin(${x}, ${by})`,
    argMinIf: (x, by, c) => `argMinIf(${x}, ${by}, ${c})`,
    anyTrue: (x) => `max(${x})`,
    // uniqExact over only NULLs is NULL in 18.16; DuckDB's count(DISTINCT) is 0.
    distinct: (x) => `ifNull(uniqExact(${x}), 0)`,
    distinctValues: (x) => `groupUniqArray(${x})`,
    mode: (x) => `topK(1)(${x})[1]`,
    quantiles: (x, qs, c) => {
      if (quantiles === 'selected') return selected(x, qs, c);
      const [n, q] = exactInclusive(x, qs, c);
      return { inner: `if(${n} = 0, emptyArrayFloat64(), ${q})`, outer: (alias) => alias };
    },
    partial: {
      quantiles: (x, qs, c) => partialQuantiles(quantiles, x, qs, c),
    },
    leftJoinOne: 'ANY LEFT JOIN',
    ident: (n) => `\`${n.replace(/[`\\]/g, (c) => `\\${c}`)}\``,
    types: { text: 'String', bool: 'UInt8', int: 'UInt32', float: 'Float64', date: 'Date', nullable: (t) => `Nullable(${t})` },
  };
}

/** ClickHouse before 23.4 (18.16 and later): minutes `%M`, values as checked literals, quantiles by sentinel selection. */
export const CLICKHOUSE_18 = clickhouse('ClickHouse before 23.4 (18.16 and later)', '%M', 'literal', 'selected');
/** ClickHouse 23.4 and later: minutes `%i`, values as query parameters, quantilesExactInclusive. */
export const CLICKHOUSE_CURRENT = clickhouse('ClickHouse 23.4 and later', '%i', 'clickhouse', 'inclusive');

/** The ClickHouse dialect of a server from its `version()` (e.g. "18.16.1", "26.7.2.1"). */
export function dialectFor(version: string): Dialect {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 4) ? CLICKHOUSE_CURRENT : CLICKHOUSE_18;
}
