import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type Histogram, checkHistogram } from '../../engine/measured/histogram.js';
import { RoutefitError } from '../../engine/errors.js';
import { type Store, insertRows, lit, query, transaction } from '../db.js';
import { DEFAULT_TIMESTAMP_WINDOW, type TimestampWindow, nsInWindow, windowText } from '../time-window.js';
import type { ImportOptions, ImportSummary, Reject } from '../staging.js';
import { MAX_REJECT_RATE } from '../staging.js';
import { PROVIDERS } from '../genai-attributes.js';

/**
 * OpenTelemetry GenAI client/server metrics as OTLP JSON (`resourceMetrics` → `scopeMetrics` →
 * `metrics`, one document or the file exporter's one per line). These are aggregates, not rows: each
 * histogram point is kept as a point in `metric_points`, as a delta (cumulative series are diffed
 * against the previous export of the same series, stored ones included). Parsed in JS: a metrics
 * export holds points per export interval, not per request, so it stays small.
 */
export const GENAI_METRICS = {
  'gen_ai.client.token.usage': 'tokens',
  'gen_ai.client.operation.duration': 'seconds',
  'gen_ai.server.time_to_first_token': 'seconds',
  'gen_ai.server.time_per_output_token': 'seconds',
  // The client-side names newer conventions give TTFT and TPOT of streamed chunks.
  'gen_ai.client.operation.time_to_first_chunk': 'seconds',
  'gen_ai.client.operation.time_per_output_chunk': 'seconds',
} as const;
export type GenaiMetric = keyof typeof GENAI_METRICS;

/** gen_ai.token.type values → input/output (older instrumentations wrote prompt/completion). */
const TOKEN_TYPES: Record<string, string> = { input: 'input', output: 'output', prompt: 'input', completion: 'output' };

interface Point extends Histogram {
  line: number;
  path: string;
  metric: GenaiMetric;
  provider: string;
  model: string;
  tokenType: string | null;
  operation: string | null;
  series: string;
  cumulative: boolean;
  startNs: bigint | null;
  endNs: bigint;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function attrs(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of arr(list)) {
    const o = obj(a);
    const v = obj(o?.value);
    if (!o || typeof o.key !== 'string' || !v) continue;
    const x = v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
    if (x !== undefined && x !== null) out[o.key] = String(x);
  }
  return out;
}

const int = (v: unknown): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : NaN;
  // Bounded (issue 17): a count past 1e12 in one point is no measurement, and would not fit the store's BIGINT exactly.
  return Number.isInteger(n) && n >= 0 && n <= MAX_POINT_COUNT ? n : null;
};
/** Largest count and sum one histogram point may carry (a located rejection above). */
const MAX_POINT_COUNT = 1e12;
const MAX_POINT_SUM = 1e15;
const nanos = (v: unknown): bigint | null => {
  try {
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return BigInt(v);
    if (typeof v === 'string' && /^[0-9]+$/.test(v) && v !== '0') return BigInt(v);
  } catch {
    // not a number of nanoseconds
  }
  return null;
};
const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString().replace('T', ' ').replace('Z', '');

/** The documents of the file: one JSON document, or one per line (the OTLP file exporter). */
function documents(file: string, structural: Reject[]): { line: number; doc: Json }[] {
  // A .gz export is read whole (checkCompressed has already verified it to its end), as the span importer's DuckDB reader does.
  const raw = readFileSync(file);
  const text = (file.toLowerCase().endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  try {
    const doc = obj(JSON.parse(text));
    if (doc) return [{ line: 1, doc }];
  } catch {
    // Not one document: read one per line below.
  }
  const out: { line: number; doc: Json }[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (!l.trim()) return;
    try {
      const doc = obj(JSON.parse(l));
      if (doc) out.push({ line: i + 1, doc });
      else structural.push({ line: i + 1, reason: 'malformed JSON: not a JSON object' });
    } catch {
      structural.push({ line: i + 1, reason: 'malformed JSON: not a JSON object' });
    }
  });
  return out;
}

/** Flattens the OTLP documents to GenAI histogram points; bad points become rejects, other metrics a count. */
function parse(file: string, notes: string[], window: TimestampWindow): { points: Point[]; rejects: Reject[]; read: number } {
  const rejects: Reject[] = [];
  const docs = documents(file, rejects);
  if (!docs.length && !rejects.length) throw new RoutefitError('invalid_input', `${file}: no OTLP metrics document (resourceMetrics) in the file`, { field: 'file' });
  const points: Point[] = [];
  let read = rejects.length;
  const other = new Map<string, number>();
  for (const { line, doc } of docs) {
    arr(doc.resourceMetrics).forEach((rm, ri) => {
      const resource = attrs(obj(obj(rm)?.resource)?.attributes);
      arr(obj(rm)?.scopeMetrics).forEach((sm, si) => {
        arr(obj(sm)?.metrics).forEach((m, mi) => {
          const metric = obj(m);
          const name = String(metric?.name ?? '');
          const base = `resourceMetrics[${ri}].scopeMetrics[${si}].metrics[${mi}]`;
          if (!(name in GENAI_METRICS)) {
            other.set(name || '(unnamed)', (other.get(name || '(unnamed)') ?? 0) + 1);
            return;
          }
          const hist = obj(metric!.histogram);
          if (!hist) {
            read++;
            rejects.push({ line, reason: `${name} is not a histogram (${Object.keys(metric!).filter((k) => !['name', 'unit', 'description'].includes(k)).join(', ') || 'no data'}); the GenAI conventions define it as one (${base})` });
            return;
          }
          const unit = typeof metric!.unit === 'string' ? metric!.unit : '';
          const kind = GENAI_METRICS[name as GenaiMetric];
          const scale = kind === 'seconds' ? (unit === '' || unit === 's' ? 1000 : unit === 'ms' ? 1 : null) : 1;
          const cumulative = hist.aggregationTemporality === 2 || hist.aggregationTemporality === 'AGGREGATION_TEMPORALITY_CUMULATIVE';
          arr(hist.dataPoints).forEach((dp, di) => {
            read++;
            const p = obj(dp) ?? {};
            const path = `${base}.dataPoints[${di}]`;
            const reject = (why: string) => rejects.push({ line, reason: `${name}: ${why} (${path})` });
            if (scale === null) return reject(`unit is "${unit}"; allowed s or ms`);
            const a = { ...resource, ...attrs(p.attributes) };
            const provider = a['gen_ai.provider.name'] ?? a['gen_ai.system'];
            const model = a['gen_ai.response.model'] ?? a['gen_ai.request.model'];
            if (!provider) return reject('gen_ai.provider.name (or gen_ai.system) is missing');
            if (!model) return reject('gen_ai.request.model (or gen_ai.response.model) is missing');
            let tokenType: string | null = null;
            if (kind === 'tokens') {
              const raw = a['gen_ai.token.type'];
              tokenType = raw ? (TOKEN_TYPES[raw.toLowerCase()] ?? null) : null;
              if (!tokenType) return reject(`gen_ai.token.type is "${raw ?? ''}"; allowed input or output`);
            }
            const endNs = nanos(p.timeUnixNano);
            if (endNs === null) return reject(`timeUnixNano is "${String(p.timeUnixNano ?? '')}"; allowed nanoseconds since the epoch`);
            if (!nsInWindow(endNs, window)) return reject(`timeUnixNano is "${String(p.timeUnixNano)}"; allowed nanoseconds since the epoch with ${windowText(window)} (change the window with --timestamp-window FROM..TO)`);
            const startNs = nanos(p.startTimeUnixNano);
            if (startNs !== null && (!nsInWindow(startNs, window) || startNs > endNs)) return reject(`startTimeUnixNano is "${String(p.startTimeUnixNano)}"; allowed nanoseconds since the epoch, ${windowText(window)}, not after timeUnixNano`);
            const count = int(p.count);
            const sum = typeof p.sum === 'number' ? p.sum : typeof p.sum === 'string' ? Number(p.sum) : NaN;
            if (count === null) return reject(`count is "${String(p.count ?? '')}"; allowed an integer 0 ≤ value ≤ 1,000,000,000,000`);
            if (!Number.isFinite(sum) || sum < 0 || sum > MAX_POINT_SUM) return reject(`sum is "${String(p.sum ?? '')}"; allowed a number 0 ≤ value ≤ 1e15`);
            const bounds = arr(p.explicitBounds).map(Number);
            const bucketCounts = arr(p.bucketCounts).map((c) => int(c) ?? -1);
            const h: Histogram = {
              count,
              sum: sum * scale,
              bounds: bounds.map((b) => b * scale),
              bucketCounts: bucketCounts.length ? bucketCounts : [count],
              ...(typeof p.min === 'number' ? { min: p.min * scale } : {}),
              ...(typeof p.max === 'number' ? { max: p.max * scale } : {}),
            };
            if (!bucketCounts.length && bounds.length) return reject('bucketCounts are missing');
            try {
              checkHistogram(h, 'point');
            } catch (err) {
              return reject((err as Error).message.replace(/^point\./, ''));
            }
            const keyAttrs = Object.entries(a).sort(([x], [y]) => x.localeCompare(y));
            points.push({
              ...h,
              line,
              path,
              metric: name as GenaiMetric,
              provider: PROVIDERS[provider] ?? provider.toLowerCase(),
              model,
              tokenType,
              operation: a['gen_ai.operation.name'] ?? null,
              cumulative,
              startNs,
              endNs,
              series: JSON.stringify([name, keyAttrs, String(p.startTimeUnixNano ?? '')]),
            });
          });
        });
      });
    });
  }
  if (other.size) notes.push(`${[...other.values()].reduce((a, b) => a + b, 0)} metrics that are not GenAI histograms this importer uses (${[...other.keys()].slice(0, 5).join(', ')}${other.size > 5 ? ' …' : ''}): skipped, not counted as rows`);
  return { points, rejects, read };
}

/** Cumulative points become deltas against the previous point of their series (in the file or the store). */
async function toDeltas(store: Store, points: Point[], notes: string[]): Promise<{ delta: Point; cum: Point | null }[]> {
  const cumSeries = [...new Set(points.filter((p) => p.cumulative).map((p) => p.series))];
  const prev = new Map<string, { endNs: bigint; count: number; sum: number; buckets: number[] }[]>();
  if (cumSeries.length) {
    // Series names come from the file: bound into a temp table, never spliced.
    await store.conn.run('CREATE OR REPLACE TEMP TABLE cum_series (series VARCHAR)');
    await insertRows(store.conn, 'cum_series', 1, cumSeries.map((x) => [x]));
    const stored = await query(
      store.conn,
      `SELECT series, epoch_ns(end_ts) AS end_ns, cum_count, cum_sum, cum_buckets FROM metric_points WHERE cum_count IS NOT NULL AND series IN (SELECT series FROM cum_series)`,
    );
    await store.conn.run('DROP TABLE cum_series');
    for (const r of stored) {
      const list = prev.get(String(r.series)) ?? [];
      list.push({ endNs: BigInt(String(r.end_ns)), count: Number(r.cum_count), sum: Number(r.cum_sum), buckets: (r.cum_buckets as unknown[]).map(Number) });
      prev.set(String(r.series), list);
    }
  }
  let resets = 0;
  const out: { delta: Point; cum: Point | null }[] = [];
  for (const p of [...points].sort((a, b) => (a.endNs < b.endNs ? -1 : a.endNs > b.endNs ? 1 : 0))) {
    if (!p.cumulative) {
      out.push({ delta: p, cum: null });
      continue;
    }
    const list = prev.get(p.series) ?? [];
    const before = list.filter((x) => x.endNs < p.endNs).sort((a, b) => (a.endNs < b.endNs ? 1 : -1))[0];
    let delta: Point = p;
    if (before && before.count <= p.count && before.buckets.length === p.bucketCounts.length) {
      delta = { ...p, count: p.count - before.count, sum: p.sum - before.sum, bucketCounts: p.bucketCounts.map((c, i) => c - before.buckets[i]!), min: null, max: null, startNs: before.endNs };
    } else if (before) resets++;
    out.push({ delta, cum: p });
    list.push({ endNs: p.endNs, count: p.count, sum: p.sum, buckets: p.bucketCounts });
    prev.set(p.series, list);
  }
  if (resets) notes.push(`${resets} cumulative points counted less than the point before them (a process restart): taken whole`);
  if (cumSeries.length) notes.push('cumulative series were stored as deltas between successive exports (min and max are kept only for a series’ first point)');
  return out;
}

export async function importOtelMetrics(store: Store, file: string, opts: ImportOptions): Promise<ImportSummary> {
  const notes: string[] = [];
  const { points, rejects, read } = parse(file, notes, opts.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW);
  const limit = opts.showRejects ?? 20;
  const base: ImportSummary = {
    file,
    format: 'otel-metrics',
    importId: null,
    lineLabel: 'line',
    rowsRead: read,
    kept: 0,
    rejected: rejects.length,
    alreadyStored: 0,
    rejectRate: read ? rejects.length / read : 0,
    rejectsByRule: rejects.length ? { bad_metric_point: rejects.filter((r) => !r.reason.startsWith('malformed')).length, ...(rejects.some((r) => r.reason.startsWith('malformed')) ? { malformed: rejects.filter((r) => r.reason.startsWith('malformed')).length } : {}) } : {},
    rejects: [...rejects].sort((a, b) => a.line - b.line).slice(0, limit),
    notes,
  };
  if (!read) return { ...base, aborted: 'the file holds no GenAI metric points' };
  if (base.rejectRate > MAX_REJECT_RATE && !opts.acceptRejects) {
    return { ...base, aborted: `${rejects.length} of ${read} metric points (${(base.rejectRate * 100).toFixed(2)}%) would be rejected, over the ${MAX_REJECT_RATE * 100}% limit; nothing was imported. Fix the file or pass --accept-rejects` };
  }
  const { conn } = store;
  return transaction(conn, async () => {
    const [{ id }] = (await query(conn, 'SELECT coalesce(max(import_id), 0) + 1 AS id FROM imports')) as [{ id: number }];
    const rows = await toDeltas(store, points, notes);
    // Idempotent: a point of a series already stored at the same time is skipped.
    const seen = new Set((await query(conn, `SELECT series || '@' || epoch_ns(end_ts) AS k FROM metric_points`)).map((r) => String(r.k)));
    const fresh = rows.filter(({ delta }) => !seen.has(`${delta.series}@${delta.endNs}`));
    // Every value is bound (metric, provider and model come from the file); lists travel as JSON text cast by DuckDB.
    const list = (xs: number[]) => JSON.stringify(xs);
    const tuple = '(?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), ?, ?, ?, ?, CAST(? AS DOUBLE[]), CAST(? AS BIGINT[]), ?, ?, CAST(? AS BIGINT[]), ?, ?)';
    for (let i = 0; i < fresh.length; i += 500) {
      const chunk = fresh.slice(i, i + 500);
      const values = chunk.flatMap(({ delta: d, cum }) => [
        d.metric, d.provider, d.model, d.tokenType, d.operation, d.series,
        d.startNs === null ? null : iso(d.startNs), iso(d.endNs),
        d.count, d.sum, d.min ?? null, d.max ?? null, list(d.bounds), list(d.bucketCounts),
        cum ? cum.count : null, cum ? cum.sum : null, cum ? list(cum.bucketCounts) : null,
        id, d.line,
      ]);
      await conn.run(`INSERT INTO metric_points VALUES ${chunk.map(() => tuple).join(', ')}`, values);
    }
    const already = rows.length - fresh.length;
    await conn.run(`INSERT INTO imports VALUES (${id}, ${lit(file)}, 'otel-metrics', ${lit(opts.today)}, ${read}, ${fresh.length}, ${rejects.length}, ${already})`);
    if (already) notes.push(`${already} points were already in the store (same series and time): skipped, not double counted`);
    return { ...base, importId: id, kept: fresh.length, alreadyStored: already };
  });
}
