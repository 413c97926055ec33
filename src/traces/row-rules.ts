import { COLUMNS, type Column, MAX_MS, MAX_TOKENS, MAX_USD, MS_RANGE, TOKENS_RANGE, USD_RANGE } from './schema.js';
import { TIMESTAMP_HINT, type TimestampWindow, windowText } from './time-window.js';

/**
 * The import's row rules, written once (issue 14, "queries are written once … a dialect object
 * spells each"): which values a column's typed value may take, and, in the order they are tried,
 * every rule a staged row can break — its name, the condition, and the rejection message built from
 * parts. The first rule a row breaks is its rule; a row that breaks none is kept.
 *
 * The list says what the rules ARE. How an engine computes them — parsing text the way DuckDB's
 * casts do, typed Parquet columns, NULL handling, string concatenation — is a `RuleDialect`'s job:
 * ./duckdb-row-rules.ts spells the list for DuckDB (the local check), ./clickhouse/row-rules.ts for
 * ClickHouse 18.16 and current ClickHouse (the server-side check of a ClickHouse import). Neither
 * holds a rule of its own; test/traces/row-rules.test.ts runs one row per rule through both.
 */

/** The numeric kinds' typed values: 0 ≤ value ≤ max (an integer where `integer`), else unreadable. */
export interface NumberRange {
  max: number;
  integer: boolean;
  /** The allowed values, as a rejection message states them. */
  allowed: string;
}

/** The highest retry number (attempt 0 is the first try). */
export const MAX_ATTEMPT = 1000;

export const NUMBER_RANGES: Record<'count' | 'attempt' | 'ms' | 'usd', NumberRange> = {
  count: { max: MAX_TOKENS, integer: true, allowed: TOKENS_RANGE },
  attempt: { max: MAX_ATTEMPT, integer: true, allowed: `an integer 0 ≤ value ≤ ${MAX_ATTEMPT} (0 = first try)` },
  ms: { max: MAX_MS, integer: false, allowed: MS_RANGE },
  usd: { max: MAX_USD, integer: false, allowed: USD_RANGE },
};

/**
 * The spellings a flag accepts, compared lower-case (`true` and `false` as written are matched
 * first); an absent flag is false. A text column with allowed values keeps a value written exactly
 * as allowed and lower-cases any other; an absent attempt is 0.
 */
export const TRUE_WORDS: readonly string[] = ['true', 't', '1', 'yes', 'y'];
export const FALSE_WORDS: readonly string[] = ['false', 'f', '0', 'no', 'n'];

/** One count column's typed value in a sum; `orZero`: an absent value counts as 0 (else the sum is absent). */
export interface Term {
  col: string;
  orZero: boolean;
}

/** What a rule tests, on one row. */
export type Condition =
  /** None of the columns is given. */
  | { is: 'missing'; cols: readonly string[] }
  /** The column is given but is not a value of its kind in its range (so its typed value is absent). */
  | { is: 'unreadable'; col: string }
  /** The count column is given as a negative number. */
  | { is: 'negative'; col: string }
  /** The timestamp is outside the window (±infinity included). */
  | { is: 'outside_window'; col: string; window: TimestampWindow }
  /** The (lower-cased) text is not one of the allowed values. */
  | { is: 'not_allowed'; col: string; values: readonly string[] }
  /** The sum of `left` is greater than the sum of `right` (not when either sum is absent). */
  | { is: 'exceeds'; left: readonly Term[]; right: readonly Term[] };

/** One part of a rejection message. */
export type Part =
  /** Literal text. */
  | { text: string }
  /** The column's value as written. */
  | { raw: string }
  /** The column's typed value, as text (a timestamp as `YYYY-MM-DD HH:MM:SS[.ffffff]`, a number as DuckDB prints it). */
  | { value: string }
  /** A sum of count columns' typed values, as an integer. */
  | { sum: readonly Term[] };

export interface RowRule {
  name: string;
  when: Condition;
  message: readonly Part[];
}

const raw = (col: string): Part => ({ raw: col });
const value = (col: string): Part => ({ value: col });
const orZero = (col: string): Term => ({ col, orZero: true });
const asIs = (col: string): Term => ({ col, orZero: false });

/** A message from a template: the literal pieces are text parts, the interpolated ones as given (a string is text). */
function msg(pieces: TemplateStringsArray, ...parts: (Part | string)[]): Part[] {
  const out: Part[] = [];
  const add = (p: Part) => {
    const last = out[out.length - 1];
    if ('text' in p && last && 'text' in last) out[out.length - 1] = { text: last.text + p.text };
    else if (!('text' in p) || p.text !== '') out.push(p);
  };
  pieces.forEach((t, i) => {
    add({ text: t });
    const p = parts[i];
    if (p !== undefined) add(typeof p === 'string' ? { text: p } : p);
  });
  return out;
}

/** The rules a column's kind brings, in COLUMNS order. */
function columnRules(c: Column, window: TimestampWindow): RowRule[] {
  const n = c.name;
  switch (c.kind) {
    case 'timestamp':
      return [
        { name: `bad_${n}`, when: { is: 'unreadable', col: n }, message: msg`${n} is "${raw(n)}"; allowed ${TIMESTAMP_HINT}` },
        {
          name: `${n}_out_of_window`,
          when: { is: 'outside_window', col: n, window },
          message: msg`${n} is "${raw(n)}" (read as ${value(n)} UTC); allowed ${windowText(window)} (a plausible window; change it with --timestamp-window FROM..TO)`,
        },
      ];
    case 'text':
      return c.values ? [{ name: `bad_${n}`, when: { is: 'not_allowed', col: n, values: c.values }, message: msg`${n} is "${value(n)}"; allowed ${c.values.join(', ')}` }] : [];
    case 'count':
      return [
        { name: `negative_${n}`, when: { is: 'negative', col: n }, message: msg`${n} is ${raw(n)}; allowed ${NUMBER_RANGES.count.allowed}` },
        { name: `bad_${n}`, when: { is: 'unreadable', col: n }, message: msg`${n} is "${raw(n)}"; allowed ${NUMBER_RANGES.count.allowed}` },
      ];
    case 'attempt':
    case 'ms':
    case 'usd':
      return [{ name: `bad_${n}`, when: { is: 'unreadable', col: n }, message: msg`${n} is ${raw(n)}; allowed ${NUMBER_RANGES[c.kind].allowed}` }];
    case 'bool':
      return [{ name: `bad_${n}`, when: { is: 'unreadable', col: n }, message: msg`${n} is "${raw(n)}"; allowed true or false` }];
  }
}

/** Every row rule, in the order they are tried: required fields, then each column's own, then relations between columns. */
export function rowRules(window: TimestampWindow): readonly RowRule[] {
  const missing = (...cols: string[]): Condition => ({ is: 'missing', cols });
  return [
    { name: 'missing_request_id', when: missing('request_id'), message: msg`request_id is missing` },
    { name: 'missing_timestamp', when: missing('timestamp'), message: msg`timestamp is missing` },
    { name: 'missing_model', when: missing('model', 'route'), message: msg`model and route are both missing; one names what was called` },
    { name: 'missing_input_tokens', when: missing('input_tokens'), message: msg`input_tokens is missing` },
    { name: 'missing_output_tokens', when: missing('output_tokens'), message: msg`output_tokens is missing` },
    ...COLUMNS.flatMap((c) => columnRules(c, window)),
    {
      name: 'cached_exceeds_input',
      when: { is: 'exceeds', left: [orZero('cached_input_tokens'), orZero('cache_write_tokens')], right: [asIs('input_tokens')] },
      message: msg`cached_input_tokens + cache_write_tokens (${{ sum: [orZero('cached_input_tokens'), orZero('cache_write_tokens')] }}) exceed input_tokens (${value('input_tokens')}); input_tokens must include cached tokens`,
    },
    {
      name: 'cache_write_1h_exceeds_total',
      when: { is: 'exceeds', left: [orZero('cache_write_1h_tokens')], right: [orZero('cache_write_tokens')] },
      message: msg`cache_write_1h_tokens exceed cache_write_tokens`,
    },
    {
      name: 'reasoning_exceeds_output',
      when: { is: 'exceeds', left: [orZero('reasoning_tokens')], right: [asIs('output_tokens')] },
      message: msg`reasoning_tokens (${value('reasoning_tokens')}) exceed output_tokens (${value('output_tokens')}); output_tokens must include reasoning`,
    },
    { name: 'ttft_after_e2e', when: { is: 'exceeds', left: [asIs('ttft_ms')], right: [asIs('e2e_ms')] }, message: msg`ttft_ms (${value('ttft_ms')}) is after e2e_ms (${value('e2e_ms')})` },
  ];
}

/**
 * How one engine spells the list: each condition, and each part of a message. A method gets the
 * column (name and kind) it applies to; conditions and messages are SQL expressions over the
 * speller's own typed relation.
 */
export interface RuleDialect {
  missing(cols: readonly Column[]): string;
  unreadable(c: Column): string;
  negative(c: Column): string;
  outsideWindow(c: Column, window: TimestampWindow): string;
  notAllowed(c: Column, values: readonly string[]): string;
  /** A count column's typed value in a sum, 0 when absent if `orZero`. */
  term(c: Column, orZero: boolean): string;
  /** A string literal. */
  text(s: string): string;
  /** The value as written, as text. */
  raw(c: Column): string;
  /** The typed value as text. */
  value(c: Column): string;
  /** An integer expression as text. */
  integerText(x: string): string;
  /** Text expressions joined (a NULL part may make the whole NULL: the caller decides). */
  concat(parts: readonly string[]): string;
}

/** One rule spelled: `when` and `message` are SQL of the dialect. */
export interface SpelledRule {
  name: string;
  when: string;
  message: string;
}

const column = (name: string): Column => {
  const c = COLUMNS.find((x) => x.name === name);
  if (!c) throw new Error(`row rule names an unknown column ${name}`);
  return c;
};

/** The list (or any rules) in one dialect, in order. */
export function spellRules(rules: readonly RowRule[], d: RuleDialect): SpelledRule[] {
  const sum = (terms: readonly Term[]) => {
    const xs = terms.map((t) => d.term(column(t.col), t.orZero));
    return xs.length > 1 ? `(${xs.join(' + ')})` : xs[0]!;
  };
  const when = (c: Condition): string => {
    switch (c.is) {
      case 'missing':
        return d.missing(c.cols.map(column));
      case 'unreadable':
        return d.unreadable(column(c.col));
      case 'negative':
        return d.negative(column(c.col));
      case 'outside_window':
        return d.outsideWindow(column(c.col), c.window);
      case 'not_allowed':
        return d.notAllowed(column(c.col), c.values);
      case 'exceeds':
        return `${sum(c.left)} > ${sum(c.right)}`;
    }
  };
  const part = (p: Part): string => ('text' in p ? d.text(p.text) : 'raw' in p ? d.raw(column(p.raw)) : 'value' in p ? d.value(column(p.value)) : d.integerText(sum(p.sum)));
  return rules.map((r) => ({ name: r.name, when: when(r.when), message: d.concat(r.message.map(part)) }));
}
