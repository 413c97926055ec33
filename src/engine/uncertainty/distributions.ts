import { type ConfidenceOptions, type InputStatus, confidenceOf, defaultHalfWidth } from './confidence.js';
import type { DistributionKind, Sourced } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';

export interface Bounds {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** One input's spread, ready to sample by inverse CDF. */
export type Distribution =
  | { kind: 'point'; value: number }
  | { kind: 'triangular'; lo: number; mode: number; hi: number }
  | { kind: 'uniform'; lo: number; hi: number }
  /** Normal/lognormal truncated to [lo, hi] (the field's allowed range); mu/sigma of the underlying normal. */
  | { kind: 'normal' | 'lognormal'; mu: number; sigma: number; lo: number; hi: number }
  /**
   * A rate bounded by 0 and 1, spread in log-odds: `of` is a triangular or normal distribution of
   * logit(x), so every sample stays inside (0, 1) and the median (the triangular's mode) is the value.
   */
  | { kind: 'logit'; of: { kind: 'triangular'; lo: number; mode: number; hi: number } | { kind: 'normal'; mu: number; sigma: number; lo: number; hi: number } };

export interface ResolvedInput {
  distribution: Distribution;
  status: InputStatus;
  unmeasured: boolean;
  /** Why this spread: declared range, standard error, or the evidence default. */
  basis: string;
  statusReason: string;
}

/** z of the P95 (a declared normal/lognormal range is read as P5–P95). */
const Z95 = 1.6448536269514722;

/**
 * The distribution of one input: its declared `uncertainty`, or a triangular default spread around the
 * value whose width follows the input's confidence status (confidence.ts). Endpoints are clipped to
 * the field's allowed range, so samples stay valid inputs to computeLcpr.
 */
export function resolveInput(field: string, s: Sourced, bounds: Bounds, opts: ConfidenceOptions & { defaults?: boolean } = {}): ResolvedInput {
  const conf = confidenceOf(field, s, opts);
  const base = { status: conf.status, unmeasured: conf.unmeasured, statusReason: conf.reason };
  const u = s.uncertainty;
  const v = s.value;
  const lo0 = bounds.min ?? -Infinity;
  const hi0 = bounds.max ?? Infinity;
  if (u?.range) {
    const [lo, hi] = u.range;
    const where = `${field}.range`;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= v && v <= hi)) {
      throw new RoutefitError('invalid_input', `${where} is [${lo}, ${hi}]; allowed low ≤ value (${v}) ≤ high`, { field: where, allowed: `low ≤ ${v} ≤ high` });
    }
    requireInRange(`${where}[0]`, lo, bounds);
    requireInRange(`${where}[1]`, hi, bounds);
    const dist = u.dist ?? 'triangular';
    const basis = `declared ${dist} [${lo}, ${hi}]`;
    if (lo === hi) return { ...base, distribution: { kind: 'point', value: v }, basis };
    return { ...base, distribution: fromRange(field, dist, v, lo, hi, lo0, hi0), basis };
  }
  if (u?.standardError !== undefined || u?.sampleSize !== undefined) {
    let se = u.standardError;
    if (se === undefined) {
      // Sampling error of a proportion measured over n requests (a rate's own standard error).
      requireInRange(`${field}.sampleSize`, u.sampleSize!, { min: 1 });
      if (!(v >= 0 && v <= 1)) {
        throw new RoutefitError('invalid_input', `${field}.sampleSize applies to rates (0–1); ${field} is ${v}: give standardError instead`, { field: `${field}.sampleSize` });
      }
      // Agresti–Coull (two successes and two failures added): a rate measured as 0 or 1 over a
      // small sample keeps a spread instead of becoming exact; for large n it is √(p(1−p)/n).
      const n = u.sampleSize!;
      const adj = (v * n + 2) / (n + 4);
      se = Math.sqrt((adj * (1 - adj)) / (n + 4));
    }
    requireInRange(`${field}.standardError`, se, { min: 0 });
    const basis = `sampling error ±${round(se)} (1 s.e.)`;
    if (se === 0) return { ...base, distribution: { kind: 'point', value: v }, basis };
    if (isRate(bounds) && v > 0 && v < 1) {
      // Delta method: s.e. of logit(p) ≈ s.e.(p) ÷ (p(1 − p)). A normal in log-odds keeps every sample
      // a valid rate and its median at the measured value (a truncated normal near 0 or 1 would not).
      const sigma = se / (v * (1 - v));
      return { ...base, distribution: { kind: 'logit', of: { kind: 'normal', mu: logit(v), sigma, lo: -Infinity, hi: Infinity } }, basis: `${basis}, in log-odds` };
    }
    return { ...base, distribution: { kind: 'normal', mu: v, sigma: se, lo: lo0, hi: hi0 }, basis };
  }
  if (opts.defaults === false) return { ...base, distribution: { kind: 'point', value: v }, basis: 'no declared spread' };
  const { halfWidth, basis } = defaultHalfWidth(s, conf.status);
  if (isRate(bounds) && v > 0 && v < 1 && halfWidth > 0) {
    // A ±50% spread on a 0.95 pass rate would reach 0.475 below and clip at 1 above, so its P10–P90
    // sat below the value. Spread the odds instead: ×/÷ (1 + half-width), symmetric in log-odds, so
    // the range stays inside (0, 1) and brackets the value (mode and median at it).
    const h = Math.log(1 + halfWidth);
    const m = logit(v);
    return { ...base, distribution: { kind: 'logit', of: { kind: 'triangular', lo: m - h, mode: m, hi: m + h } }, basis: `${basis} on the odds` };
  }
  const d = Math.abs(v) * halfWidth;
  if (d === 0) return { ...base, distribution: { kind: 'point', value: v }, basis };
  const lo = clipLow(v - d, bounds);
  const hi = clipHigh(v + d, bounds);
  if (lo === hi) return { ...base, distribution: { kind: 'point', value: v }, basis };
  return { ...base, distribution: { kind: 'triangular', lo, mode: v, hi }, basis };
}

function fromRange(field: string, dist: DistributionKind, v: number, lo: number, hi: number, min: number, max: number): Distribution {
  switch (dist) {
    case 'triangular':
      return { kind: 'triangular', lo, mode: v, hi };
    case 'uniform':
      return { kind: 'uniform', lo, hi };
    case 'normal':
      // Mean at the value; the range's width is the P5–P95 width.
      return { kind: 'normal', mu: v, sigma: (hi - lo) / (2 * Z95), lo: min, hi: max };
    case 'lognormal':
      if (!(lo > 0)) {
        throw new RoutefitError('invalid_input', `${field}.range starts at ${lo}; a lognormal needs 0 < low`, { field: `${field}.range`, allowed: '0 < low' });
      }
      // Median at the value; ln(high/low) is the P5–P95 width in log space.
      return { kind: 'lognormal', mu: Math.log(v), sigma: Math.log(hi / lo) / (2 * Z95), lo: Math.max(min, 0), hi: max };
  }
}

/** A rate: bounded by 0 below and 1 above (retry, pass, cache hit, utilization…). */
function isRate(b: Bounds): boolean {
  return b.min === 0 && b.max === 1;
}
const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// Exclusive bounds (pass rate > 0, utilization > 0) keep a hair's width away from the bound.
const EPS = 1e-9;
function clipLow(x: number, b: Bounds): number {
  if (b.min === undefined || x > b.min) return x;
  return b.minExclusive ? b.min + EPS : b.min;
}
function clipHigh(x: number, b: Bounds): number {
  if (b.max === undefined || x < b.max) return x;
  return b.maxExclusive ? b.max - EPS : b.max;
}

const round = (x: number) => Number(x.toPrecision(3));

/** Inverse CDF: the value at cumulative probability u ∈ [0, 1). Monotone in u, so common random numbers compare. */
export function quantile(d: Distribution, u: number): number {
  switch (d.kind) {
    case 'point':
      return d.value;
    case 'logit':
      // Keep a hair inside (0, 1) even where the log-odds tail underflows the logistic.
      return Math.min(Math.max(sigmoid(quantile(d.of, u)), 1e-12), 1 - 1e-12);
    case 'uniform':
      return d.lo + u * (d.hi - d.lo);
    case 'triangular': {
      const { lo, mode, hi } = d;
      const fm = (mode - lo) / (hi - lo);
      return u < fm ? lo + Math.sqrt(u * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - mode));
    }
    case 'normal':
    case 'lognormal': {
      const log = d.kind === 'lognormal';
      const toZ = (x: number) => (x === Infinity ? Infinity : x === -Infinity || (log && x <= 0) ? -Infinity : ((log ? Math.log(x) : x) - d.mu) / d.sigma);
      // Truncation to the allowed range: map u into [F(lo), F(hi)] before inverting.
      const a = normalCdf(toZ(d.lo));
      const b = normalCdf(toZ(d.hi));
      const p = a + u * (b - a);
      const z = normalQuantile(Math.min(Math.max(p, 1e-15), 1 - 1e-15));
      const x = d.mu + d.sigma * z;
      const out = log ? Math.exp(x) : x;
      return Math.min(Math.max(out, d.lo), d.hi);
    }
  }
}

/** Human summary of a distribution, for tables. */
export function describeDistribution(d: Distribution): string {
  const n = (x: number) => String(round(x));
  switch (d.kind) {
    case 'point':
      return `fixed ${n(d.value)}`;
    case 'uniform':
      return `uniform ${n(d.lo)}–${n(d.hi)}`;
    case 'triangular':
      return `triangular ${n(d.lo)}–${n(d.hi)} (mode ${n(d.mode)})`;
    case 'normal':
      return `normal μ ${n(d.mu)} σ ${n(d.sigma)}`;
    case 'lognormal':
      return `lognormal median ${n(Math.exp(d.mu))} σ(ln) ${n(d.sigma)}`;
    case 'logit':
      return d.of.kind === 'triangular'
        ? `triangular in log-odds ${n(sigmoid(d.of.lo))}–${n(sigmoid(d.of.hi))} (mode ${n(sigmoid(d.of.mode))})`
        : `normal in log-odds, median ${n(sigmoid(d.of.mu))} σ(logit) ${n(d.of.sigma)}`;
  }
}

/** Standard normal CDF, Φ(z) = erfc(−z/√2)/2; erfc by Numerical Recipes' Chebyshev fit (relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const x = -z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const erfc = x >= 0 ? y : 2 - y;
  return erfc / 2;
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Standard normal quantile Φ⁻¹(p), Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  requireInRange('p', p, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const [a0, a1, a2, a3, a4, a5] = A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = D as [number, number, number, number];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** Lower-triangular L with L·Lᵀ = M; throws when M is not a valid correlation matrix. */
export function cholesky(m: number[][], names: string[]): number[][] {
  const n = m.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 1e-12)) {
          throw new RoutefitError('invalid_input', `the declared correlations among ${names.join(', ')} are inconsistent (not positive definite); lower some |rho|`, {
            field: 'correlations',
          });
        }
        l[i]![i] = Math.sqrt(s);
      } else {
        l[i]![j] = s / l[j]![j]!;
      }
    }
  }
  return l;
}
