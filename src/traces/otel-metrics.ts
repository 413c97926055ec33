import { type Histogram, histogramQuantile, mergeHistograms } from '../engine/measured/histogram.js';
import type { Row } from './db.js';
import { GENAI_METRICS, type GenaiMetric } from './importers/otel-metrics.js';
import type { Readable } from './metrics.js';
import { type Window, ledgerHasRows, sourceOf, where, windowPredicates } from './sql/index.js';

const ISO_SECOND = '%Y-%m-%dT%H:%M:%SZ';

/**
 * What the imported OTel GenAI metrics measured, per provider × model over a window: token totals,
 * and for each latency histogram the exact mean and bucket-interpolated p50/p95 (approximate).
 * These are aggregates the instrumentation kept for every call, so they stand beside the rows
 * (which may be sampled or lack latency), not in place of them.
 */
export interface LatencyFromHistogram {
  /** Operations (histogram count). */
  count: number;
  /** Exact: Σ ÷ count, ms. */
  meanMs: number | null;
  /** Interpolated inside a bucket: approximate to the bucket width. */
  p50Ms: number | null;
  p95Ms: number | null;
  /** True when a percentile fell in the open last bucket: it is at least the value given. */
  atLeast: boolean;
  /** Why there are no percentiles, when there are none. */
  reason?: string;
}

export interface OtelMetricSummary {
  provider: string;
  model: string;
  window: { start: string; end: string };
  points: number;
  tokens: { input: number | null; output: number | null };
  duration?: LatencyFromHistogram;
  ttft?: LatencyFromHistogram;
  tpot?: LatencyFromHistogram;
}

const LATENCY: Record<string, 'duration' | 'ttft' | 'tpot'> = {
  'gen_ai.client.operation.duration': 'duration',
  'gen_ai.server.time_to_first_token': 'ttft',
  'gen_ai.client.operation.time_to_first_chunk': 'ttft',
  'gen_ai.server.time_per_output_token': 'tpot',
  'gen_ai.client.operation.time_per_output_chunk': 'tpot',
};

export function latencyOf(points: Histogram[]): LatencyFromHistogram {
  const count = points.reduce((a, p) => a + p.count, 0);
  const sum = points.reduce((a, p) => a + p.sum, 0);
  const merged = mergeHistograms(points);
  const out: LatencyFromHistogram = { count, meanMs: count ? sum / count : null, p50Ms: null, p95Ms: null, atLeast: false };
  if (typeof merged === 'string') return { ...out, reason: merged };
  if (!merged.bounds.length) return { ...out, reason: 'the points have no bucket bounds: mean only' };
  const p50 = histogramQuantile(merged, 0.5);
  const p95 = histogramQuantile(merged, 0.95);
  return { ...out, p50Ms: p50.value, p95Ms: p95.value, atLeast: p50.atLeast || p95.atLeast };
}

/** Per provider × model over the window (a point belongs to the window its end time falls in); the same query on either store. */
export async function otelMetricSummaries(store: Readable, opts: Window = {}): Promise<OtelMetricSummary[]> {
  const src = sourceOf(store);
  const d = src.dialect;
  const p = src.params();
  const end = d.ledgerTs('end_ts');
  const rows = await src.query(
    `SELECT metric, provider, model, token_type, count, ${d.ident('sum')} AS sum, min, max, bounds, bucket_counts,
       ${d.format(end, ISO_SECOND)} AS end_at, ${d.format(`coalesce(${d.ledgerTs('start_ts')}, ${end})`, ISO_SECOND)} AS start_at
     FROM ${src.table('metric_points')} ${where(windowPredicates(d, p, opts, end))} ORDER BY provider, model, ${end}`,
    p,
  );
  return otelSummariesOf(rows);
}

/** The summaries of metric point rows (metric, provider, model, token_type, count, sum, min, max, bounds, bucket_counts, start_at, end_at), from either store. */
export function otelSummariesOf(rows: Row[]): OtelMetricSummary[] {
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = JSON.stringify([r.provider, r.model]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: OtelMetricSummary[] = [];
  for (const [k, list] of groups) {
    const [provider, model] = JSON.parse(k) as [string, string];
    const tokens = (t: string) => {
      const pts = list.filter((r) => r.metric === 'gen_ai.client.token.usage' && r.token_type === t);
      return pts.length ? pts.reduce((a, r) => a + Number(r.sum), 0) : null;
    };
    const s: OtelMetricSummary = {
      provider,
      model,
      window: { start: list.map((r) => String(r.start_at)).sort()[0]!, end: list.map((r) => String(r.end_at)).sort().at(-1)! },
      points: list.length,
      tokens: { input: tokens('input'), output: tokens('output') },
    };
    for (const kind of ['duration', 'ttft', 'tpot'] as const) {
      const pts = list.filter((r) => LATENCY[String(r.metric)] === kind && (GENAI_METRICS[r.metric as GenaiMetric] ?? '') === 'seconds');
      if (!pts.length) continue;
      s[kind] = latencyOf(
        pts.map((r) => ({
          count: Number(r.count),
          sum: Number(r.sum),
          bounds: ((r.bounds as unknown[]) ?? []).map(Number),
          bucketCounts: ((r.bucket_counts as unknown[]) ?? []).map(Number),
          min: r.min === null ? null : Number(r.min),
          max: r.max === null ? null : Number(r.max),
        })),
      );
    }
    out.push(s);
  }
  return out;
}

/** Whether the store holds any metric point (the summarize section is shown only then). */
export const hasMetricPoints = (store: Readable): Promise<boolean> => ledgerHasRows(sourceOf(store), 'metric_points');
