/**
 * Parsers for flag values: every number flag of every command goes through `parseNumber`, so a bad
 * value is refused the same way everywhere (exit 2, the flag, what was typed and what is allowed).
 */
import { CliUsageError } from './io.js';

export interface NumberRange {
  min?: number;
  max?: number;
  /** true: min itself is not allowed. */
  minExclusive?: boolean;
  integer?: boolean;
  /** Accept `40%` for 0.40 (rates and shares only). */
  percent?: boolean;
}

export function rangeText(r: NumberRange): string {
  const lo = r.min === undefined ? '' : `${r.min} ${r.minExclusive ? '<' : '≤'} `;
  const hi = r.max === undefined ? '' : ` ≤ ${r.max}`;
  const bounds = lo || hi ? `${lo}value${hi}` : '';
  return r.integer ? `a whole number${bounds ? ` ${bounds}` : ''}` : bounds || 'a number';
}

/** A number typed in a flag: strict (no `12abc`, no empty string), finite, in range, never NaN. */
export function parseNumber(flag: string, text: string, range: NumberRange = {}): number {
  const t = text.trim();
  const n = range.percent && t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  const ok =
    t !== '' &&
    !(range.percent && t === '%') &&
    Number.isFinite(n) &&
    (range.min === undefined || (range.minExclusive ? n > range.min : n >= range.min)) &&
    (range.max === undefined || n <= range.max) &&
    (!range.integer || Number.isInteger(n));
  if (!ok) throw new CliUsageError(`${flag} is "${text}"; allowed ${rangeText(range)}`);
  return n;
}

/** The same, for a value that may be absent. */
export function optionalNumber(flag: string, text: string | undefined, range: NumberRange = {}): number | undefined {
  return text === undefined ? undefined : parseNumber(flag, text, range);
}

/** A calendar date YYYY-MM-DD (2026-02-30 is refused, not rolled over to March). */
export function parseDate(flag: string, v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== v) throw new CliUsageError(`${flag} must be a date YYYY-MM-DD that exists on the calendar; got "${v}"`);
  return v;
}

export function optionalDate(flag: string, v: string | undefined): string | undefined {
  return v === undefined ? undefined : parseDate(flag, v);
}

/** A comma-separated list; empty items dropped, undefined when nothing is left. */
export function parseList(text: string | undefined): string[] | undefined {
  const out = text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return out?.length ? out : undefined;
}

/** `lo:hi` or `lo:hi:step`, each end a number. */
export function parseSpan(flag: string, text: string, range: NumberRange = {}): { lo: number; hi: number; step?: number } {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) throw new CliUsageError(`${flag} is "${text}"; expected lo:hi or lo:hi:step (e.g. 0:0.3:0.05)`);
  const lo = parseNumber(flag, parts[0]!, range);
  const hi = parseNumber(flag, parts[1]!, range);
  if (!(lo <= hi)) throw new CliUsageError(`${flag} is "${text}"; the low end must not exceed the high end`);
  const step = parts[2] === undefined ? undefined : parseNumber(flag, parts[2], { min: 0, minExclusive: true });
  return { lo, hi, ...(step !== undefined ? { step } : {}) };
}

/** `KEY=NUMBER` pairs of a repeatable flag, e.g. `--gpu-hours lambda/h100-sxm=720`. */
export function parsePairs(flag: string, values: string[], key = 'KEY', range: NumberRange = { min: 0, minExclusive: true }): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) {
    const i = v.lastIndexOf('=');
    const n = i > 0 ? Number(v.slice(i + 1).trim() || 'x') : NaN;
    const inRange = Number.isFinite(n) && (range.min === undefined || (range.minExclusive ? n > range.min : n >= range.min)) && (range.max === undefined || n <= range.max);
    if (!inRange) throw new CliUsageError(`${flag} takes ${key}=NUMBER with ${rangeText(range).replace('value', 'NUMBER')}; got "${v}"`);
    out.set(v.slice(0, i), n);
  }
  return out;
}
