import { RoutefitError } from '../engine/errors.js';

/**
 * Which timestamps a store accepts, and how a date flag becomes one instant (issue 17,
 * "Implausible timestamps are stored", "Date flags are parsed and validated before any SQL").
 *
 * An epoch number's unit is told by its magnitude (a 2026 instant is ~1.8e9 s, ~1.8e12 ms,
 * ~1.8e15 µs, ~1.8e18 ns), and every timestamp must fall in a plausible window, by default
 * 2000-01-01 ≤ t < 2100-01-01, so a microsecond epoch read as seconds (year 57301), `infinity`,
 * year 0001 or 9999, or epoch 0 is a located rejection instead of a stored row. The default lies
 * inside the ClickHouse store's 1970–2105 range, so both stores accept the same rows.
 */

export interface TimestampWindow {
  /** Inclusive, UTC, YYYY-MM-DD. */
  from: string;
  /** Exclusive, UTC, YYYY-MM-DD. */
  to: string;
}

export const DEFAULT_TIMESTAMP_WINDOW: TimestampWindow = { from: '2000-01-01', to: '2100-01-01' };

/** Epoch magnitudes, upper bounds (exclusive): below 1e11 seconds, 1e14 milliseconds, 1e17 microseconds, 1e20 nanoseconds. */
export const EPOCH_UNITS = [
  { unit: 'seconds', below: 1e11, toUs: 1e6 },
  { unit: 'milliseconds', below: 1e14, toUs: 1e3 },
  { unit: 'microseconds', below: 1e17, toUs: 1 },
  { unit: 'nanoseconds', below: 1e20, toUs: 1e-3 },
] as const;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDay(v: string): boolean {
  const m = DAY.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Parses `FROM..TO` (two dates, FROM < TO) into a window; names the flag when it is not one. */
export function parseTimestampWindow(flag: string, v: string): TimestampWindow {
  const [from, to, extra] = v.split('..');
  if (extra !== undefined || !from || !to || !validDay(from) || !validDay(to) || from >= to) {
    throw new RoutefitError('invalid_input', `${flag} must be FROM..TO, two dates YYYY-MM-DD with FROM before TO (e.g. 2020-01-01..2030-01-01); got "${v}"`, { field: flag });
  }
  return { from, to };
}

export const epochUs = (day: string): number => Date.parse(`${day}T00:00:00Z`) * 1000;

export const windowText = (w: TimestampWindow): string => `${w.from} ≤ timestamp < ${w.to}`;

/** The hint every timestamp rejection carries. */
export const TIMESTAMP_HINT = 'ISO 8601, or epoch seconds/milliseconds/microseconds/nanoseconds (the unit is told by magnitude)';

/** True when an instant in epoch nanoseconds falls inside the window. */
export function nsInWindow(ns: bigint, w: TimestampWindow): boolean {
  return ns >= BigInt(epochUs(w.from)) * 1000n && ns < BigInt(epochUs(w.to)) * 1000n;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A `--from`/`--to` value as one UTC instant, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (what DuckDB, JS and
 * the ClickHouse path all read the same way): `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or
 * `±HH:MM` offset, which is applied (none means UTC). Anything else — `2026`, `1`, `May 1, 2026`,
 * a 13th month — is refused naming the flag, before any SQL runs.
 */
export function parseInstant(flag: string, v: string): string {
  const m = INSTANT.exec(v.trim());
  const bad = () =>
    new RoutefitError('invalid_input', `${flag} must be a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] (UTC unless an offset is given); got "${v}"`, { field: flag });
  if (!m) throw bad();
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', off] = m;
  if (!validDay(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw bad();
  let offsetMin = 0;
  if (off && off !== 'Z') {
    const sign = off.startsWith('-') ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 14 || om > 59) throw bad();
    offsetMin = sign * (oh * 60 + om);
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
  const us = (frac.slice(1) + '000000').slice(0, 6);
  const iso = new Date(ms).toISOString();
  if (Number.isNaN(ms) || ms < Date.UTC(1, 0, 1) || ms >= Date.UTC(10000, 0, 1)) throw bad();
  return `${iso.slice(0, 19)}.${us}Z`;
}

/** Both window flags parsed, and refused when --from is not before --to. */
export function parseRange(opts: { from?: string | undefined; to?: string | undefined }): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  if (opts.from !== undefined) out.from = parseInstant('--from', opts.from);
  if (opts.to !== undefined) out.to = parseInstant('--to', opts.to);
  if (out.from && out.to && out.from >= out.to) {
    throw new RoutefitError('invalid_input', `--from (${opts.from}) must be before --to (${opts.to})`, { field: '--from' });
  }
  return out;
}

/** The same-length window just before `from..to` (two YYYY-MM-DD dates, to exclusive): "this period vs last". */
export function previousWindow(w: TimestampWindow): TimestampWindow {
  const day = (v: string) => Date.UTC(Number(v.slice(0, 4)), Number(v.slice(5, 7)) - 1, Number(v.slice(8, 10)));
  if (!validDay(w.from) || !validDay(w.to) || day(w.to) <= day(w.from)) throw new RoutefitError('invalid_input', `--from ${w.from} --to ${w.to}: the period needs two dates YYYY-MM-DD with from before to`, { field: 'from' });
  const start = new Date(2 * day(w.from) - day(w.to)).toISOString().slice(0, 10);
  return { from: start, to: w.from };
}
