import { RoutefitError, requireInRange } from '../errors.js';

/**
 * Explicit-bucket histograms as OpenTelemetry exports them (issue 5 Trace Kit, OTel metrics): bucket
 * i counts values in (bounds[i−1], bounds[i]], the first bucket everything ≤ bounds[0], the last
 * everything > the last bound. Means are exact (sum ÷ count); quantiles are approximate, interpolated
 * linearly inside the bucket that holds the rank, as Prometheus' histogram_quantile does.
 */
export interface Histogram {
  count: number;
  sum: number;
  bounds: number[];
  bucketCounts: number[];
  min?: number | null;
  max?: number | null;
}

/** Throws unless the histogram is well formed: ascending bounds, bounds + 1 buckets summing to count. */
export function checkHistogram(h: Histogram, field = 'histogram'): void {
  requireInRange(`${field}.count`, h.count, { min: 0 });
  if (!Number.isFinite(h.sum)) throw new RoutefitError('invalid_input', `${field}.sum is ${h.sum}; allowed a finite number`, { field: `${field}.sum` });
  for (let i = 1; i < h.bounds.length; i++) {
    if (!(h.bounds[i]! > h.bounds[i - 1]!)) throw new RoutefitError('invalid_input', `${field}.explicitBounds must ascend; ${h.bounds[i - 1]} then ${h.bounds[i]}`, { field: `${field}.explicitBounds` });
  }
  if (h.bucketCounts.length !== h.bounds.length + 1) {
    throw new RoutefitError('invalid_input', `${field}.bucketCounts has ${h.bucketCounts.length} buckets; allowed explicitBounds + 1 = ${h.bounds.length + 1}`, { field: `${field}.bucketCounts` });
  }
  const total = h.bucketCounts.reduce((a, b) => a + b, 0);
  if (h.bucketCounts.some((c) => !Number.isInteger(c) || c < 0) || total !== h.count) {
    throw new RoutefitError('invalid_input', `${field}.bucketCounts must be integers ≥ 0 summing to count ${h.count}; they sum to ${total}`, { field: `${field}.bucketCounts` });
  }
}

/** Adds histograms with the same bounds; a string says why they cannot be merged. */
export function mergeHistograms(hs: Histogram[]): Histogram | string {
  if (!hs.length) return 'no points';
  const bounds = hs[0]!.bounds;
  const same = (b: number[]) => b.length === bounds.length && b.every((v, i) => v === bounds[i]);
  if (!hs.every((h) => same(h.bounds))) return 'the points use different bucket bounds: no merged quantile';
  const mins = hs.filter((h) => h.count > 0).map((h) => h.min);
  const maxs = hs.filter((h) => h.count > 0).map((h) => h.max);
  return {
    count: hs.reduce((a, h) => a + h.count, 0),
    sum: hs.reduce((a, h) => a + h.sum, 0),
    bounds: [...bounds],
    bucketCounts: bounds.map((_, i) => hs.reduce((a, h) => a + h.bucketCounts[i]!, 0)).concat(hs.reduce((a, h) => a + h.bucketCounts[bounds.length]!, 0)),
    min: mins.length && mins.every((m) => typeof m === 'number') ? Math.min(...(mins as number[])) : null,
    max: maxs.length && maxs.every((m) => typeof m === 'number') ? Math.max(...(maxs as number[])) : null,
  };
}

export interface Quantile {
  /** Interpolated value; null for an empty histogram. */
  value: number | null;
  /** True when the rank fell in the open last bucket without a max: the value is its lower bound. */
  atLeast: boolean;
}

/**
 * The q-quantile by linear interpolation inside the bucket that holds rank q × count. The first
 * bucket starts at `min` when given, else at `floor` (0: latencies and token counts are never
 * negative); the last ends at `max` when given, else the value is the last bound, marked `atLeast`.
 */
export function histogramQuantile(h: Histogram, q: number, floor = 0): Quantile {
  requireInRange('q', q, { min: 0, max: 1 });
  if (h.count === 0) return { value: null, atLeast: false };
  const rank = q * h.count;
  let before = 0;
  for (let i = 0; i < h.bucketCounts.length; i++) {
    const c = h.bucketCounts[i]!;
    if (c > 0 && before + c >= rank) {
      let lo = i === 0 ? (h.min ?? Math.min(floor, h.bounds[0] ?? floor)) : h.bounds[i - 1]!;
      let hi = i === h.bounds.length ? (h.max ?? null) : h.bounds[i]!;
      if (typeof h.min === 'number') lo = Math.max(lo, h.min);
      if (hi === null) return { value: lo, atLeast: true };
      if (typeof h.max === 'number') hi = Math.min(hi, h.max);
      if (hi < lo) hi = lo;
      // Inference Economics Playbook overview "Queueing and tail latency" percentiles from buckets: linear inside the bucket (rank share × width).
      return { value: lo + (hi - lo) * Math.max(0, rank - before) / c, atLeast: false };
    }
    before += c;
  }
  return { value: h.max ?? h.bounds.at(-1) ?? null, atLeast: h.max === undefined || h.max === null };
}
