import { RoutefitError } from '../../engine/errors.js';
import { chString } from '../clickhouse/connection.js';
import type { Dialect, ParamType } from './dialect.js';

/**
 * Values in the read queries: every value that comes from a flag, a file or the store (a --from
 * instant, an SLO threshold, a route name, an invoice period) is a parameter, collected here with
 * its type. DuckDB binds `$name` in a prepared statement; current ClickHouse binds `{name:Type}`
 * query parameters; on 18.16, which has no query parameters, the value is rendered as a literal of
 * its type, checked first (a finite number, a whole number of microseconds, a YYYY-MM-DD date,
 * a string escaped by the one ClickHouse escaper): a value can never become SQL.
 */
export interface Params {
  /** The placeholder of a value of `type` (a fresh name each call). */
  bind(type: ParamType, value: string | number): string;
  /** Bound values by name, for the client (empty when rendered as literals). */
  values: Record<string, string | number | bigint>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The value checked for its type; the error names what was wrong (a caller's flag has been parsed before this: this is the last guard). */
export function checked(type: ParamType, value: string | number): string | number {
  const bad = (what: string): never => {
    throw new RoutefitError('invalid_input', `a query value ${JSON.stringify(String(value))} is not ${what}`, { field: 'query' });
  };
  switch (type) {
    case 'Int64':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) bad('a whole number within ±2^53');
      return value;
    case 'Float64':
      if (typeof value !== 'number' || !Number.isFinite(value)) bad('a finite number');
      return value;
    case 'Date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) bad('a date YYYY-MM-DD');
      return value;
    case 'String':
      if (typeof value !== 'string') bad('text');
      return value;
  }
}

export function params(d: Dialect): Params {
  const values: Params['values'] = {};
  let n = 0;
  return {
    values,
    bind(type, raw) {
      const value = checked(type, raw);
      const name = `p${n++}`;
      if (d.binding === 'literal') {
        if (type === 'String') return chString(value as string);
        if (type === 'Date') return `toDate('${value as string}')`;
        // A finite number's JavaScript text is a ClickHouse number literal (1e-7, 250.5, -3).
        return type === 'Int64' ? `toInt64(${String(value)})` : `toFloat64(${String(value)})`;
      }
      if (d.binding === 'clickhouse') {
        values[name] = value;
        return `{${name}:${type}}`;
      }
      // DuckDB infers a placeholder's type from its value (a bigint binds as HUGEINT): the cast states it.
      values[name] = type === 'Int64' ? BigInt(value as number) : value;
      return `CAST($${name} AS ${{ Int64: 'BIGINT', Float64: 'DOUBLE', Date: 'DATE', String: 'VARCHAR' }[type]})`;
    },
  };
}
