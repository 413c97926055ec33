import { z } from 'zod';
import { CONFIDENCE_STATUSES, type ConfidenceStatus, DISTRIBUTIONS, type DistributionKind, type Sourced, WORKLOAD_EVIDENCE } from '../engine/evidence.js';
import { describeRange } from '../engine/errors.js';
import type { FieldBounds } from './fields.js';

type Range = FieldBounds;

const describe = (v: unknown) =>
  v === null ? 'null' : typeof v === 'string' ? `the string "${v}"` : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v}`;

/**
 * A number in a workload file: `0.03`, or `{value: 0.03, evidence: measured, source: "..."}`.
 * A bare number is an assumption until someone says otherwise (Inference Field Guide, Part 0).
 */
export function quantity(range: Range, hint = '') {
  return z.unknown().transform((raw, ctx): Sourced => {
    const fail = (message: string, path: PropertyKey[] = []) => {
      ctx.addIssue({ code: 'custom', message, path: path as (string | number)[] });
      return z.NEVER;
    };
    if (raw === undefined) return fail('missing required key');
    let q: Sourced;
    if (typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*%\s*$/.test(raw) && range.max === 1) {
      return fail(`expected a number, got the string "${raw}": a rate is a fraction, write ${Number(raw.trim().slice(0, -1)) / 100} for ${raw.trim()}`);
    }
    if (typeof raw === 'number') {
      q = { value: raw, evidence: 'assumed', source: 'workload file' };
    } else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const o = raw as Record<string, unknown>;
      const extra = Object.keys(o).filter((k) => !SOURCED_KEYS.includes(k));
      if (extra.length) return fail(`unknown key "${extra[0]}" (a sourced number has ${SOURCED_KEYS.join(', ')})`, [extra[0]!]);
      if (typeof o.value !== 'number') return fail(`expected a number, got ${describe(o.value)}`, ['value']);
      if (!WORKLOAD_EVIDENCE.includes(o.evidence as never)) {
        return fail(`evidence must be one of ${WORKLOAD_EVIDENCE.join(', ')}; got ${o.evidence === undefined ? 'nothing' : JSON.stringify(o.evidence)}`, ['evidence']);
      }
      if (o.source !== undefined && typeof o.source !== 'string') return fail('expected a string', ['source']);
      q = { value: o.value, evidence: o.evidence as Sourced['evidence'], source: (o.source as string | undefined) ?? 'workload file' };
      const problem = uncertaintyKeys(o, q);
      if (problem) return fail(problem.message, [problem.key]);
    } else {
      return fail(`expected a number or {value, evidence, source}, got ${describe(raw)}`);
    }
    const v = q.value;
    const ok = inRange(v, range);
    // A rate written as a percent (95 for 95%): say how to write it.
    const percentHint = range.max === 1 && v > 1 && v <= 100 ? `; a rate is a fraction: write ${v / 100} for ${v}%` : '';
    if (!ok) return fail(`${shown(v)} is out of range: allowed ${describeRange(range)}${hint}${percentHint}`, typeof raw === 'number' ? [] : ['value']);
    if (q.uncertainty?.sampleSize !== undefined && !(range.max === 1 && (range.min ?? 0) >= 0)) {
      return fail('sample_size applies to rates (fractions 0–1); give standard_error for this input', ['sample_size']);
    }
    for (const end of q.uncertainty?.range ?? []) {
      if (!inRange(end, range)) return fail(`range end ${end} is out of range: allowed ${describeRange(range)}${hint}`, ['range']);
    }
    return q;
  });
}

function inRange(v: number, range: Range): boolean {
  return (
    Number.isFinite(v) &&
    (range.min === undefined || (range.minExclusive ? v > range.min : v >= range.min)) &&
    (range.max === undefined || (range.maxExclusive ? v < range.max : v <= range.max))
  );
}

const SOURCED_KEYS = ['value', 'evidence', 'source', 'range', 'dist', 'standard_error', 'sample_size', 'status', 'measured_at'];

/** Issue 6: `range: [lo, hi]`, `dist`, `standard_error`, `sample_size`, `status`, `measured_at` on a sourced number. */
function uncertaintyKeys(o: Record<string, unknown>, q: Sourced): { key: string; message: string } | undefined {
  const u: NonNullable<Sourced['uncertainty']> = {};
  if (o.range !== undefined) {
    const r = o.range;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return { key: 'range', message: `expected [low, high] (two numbers), got ${describe(r)}` };
    }
    if (!(r[0] <= q.value && q.value <= r[1])) return { key: 'range', message: `[${r[0]}, ${r[1]}] must contain the value ${q.value} (low ≤ value ≤ high)` };
    u.range = [r[0], r[1]];
  }
  if (o.dist !== undefined) {
    if (!DISTRIBUTIONS.includes(o.dist as never)) return { key: 'dist', message: `dist must be one of ${DISTRIBUTIONS.join(', ')}; got ${JSON.stringify(o.dist)}` };
    if (!u.range) return { key: 'dist', message: 'dist needs a range: [low, high] to spread over' };
    u.dist = o.dist as DistributionKind;
  }
  if (o.standard_error !== undefined) {
    if (typeof o.standard_error !== 'number' || !(o.standard_error >= 0)) return { key: 'standard_error', message: `expected a number ≥ 0, got ${describe(o.standard_error)}` };
    u.standardError = o.standard_error;
  }
  if (o.sample_size !== undefined) {
    if (!Number.isInteger(o.sample_size) || (o.sample_size as number) < 1) return { key: 'sample_size', message: `expected a whole number ≥ 1 (requests measured), got ${JSON.stringify(o.sample_size)}` };
    u.sampleSize = o.sample_size as number;
  }
  if (Object.keys(u).length) q.uncertainty = u;
  if (o.status !== undefined) {
    if (!CONFIDENCE_STATUSES.includes(o.status as never)) return { key: 'status', message: `status must be one of ${CONFIDENCE_STATUSES.join(', ')}; got ${JSON.stringify(o.status)}` };
    q.status = o.status as ConfidenceStatus;
  }
  if (o.measured_at !== undefined) {
    if (typeof o.measured_at !== 'string' || !isCalendarDate(o.measured_at)) {
      return { key: 'measured_at', message: `expected a date YYYY-MM-DD that exists on the calendar, got ${describe(o.measured_at)}` };
    }
    q.measuredAt = o.measured_at;
  }
  return undefined;
}

/** A value as the message shows it: YAML's .inf and .nan by their YAML names, never as a number. */
const shown = (v: number) => (Number.isNaN(v) ? '.nan (not a number)' : v === Infinity ? '.inf (infinite)' : v === -Infinity ? '-.inf (infinite)' : String(v));

/** YYYY-MM-DD that exists on the calendar (2026-02-31 does not). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === v;
}

/** A date in a workload file: YAML may hand it over as a string; it must be a real calendar date. */
export const calendarDate = () =>
  z.string().superRefine((v, ctx) => {
    if (!isCalendarDate(v)) ctx.addIssue({ code: 'custom', message: /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v} is not a calendar date (a YYYY-MM-DD that exists)` : `expected a date YYYY-MM-DD, got "${v}"` });
  });
