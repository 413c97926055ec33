import { closeSync, openSync, writeSync } from 'node:fs';
import { RoutefitError } from '../engine/errors.js';
import { valueOf } from '../engine/evidence.js';
import type { LoadedWorkload } from '../workload/load.js';
import { COLUMN_NAMES } from './schema.js';
import { HOURS_PER_MONTH } from '../engine/units.js';

/**
 * Synthetic traces (issue 5, "Generator"): realistic enough to exercise every metric, deterministic
 * for a seed. Diurnal arrivals, retries (attempts = requests × (1 + retry rate), Inference Field Guide, Part 0),
 * cache hits on a shared prompt prefix, lognormal token counts and latency with a heavy tail,
 * optional planted shifts and malformed rows. Rows come out in time order, streamed to the file.
 */

export interface Shift {
  kind: 'retry' | 'cache' | 'pass' | 'latency' | 'volume' | 'fallback';
  /** Additive change of a rate (retry, cache, pass, fallback), or a multiplier (latency, volume). */
  delta: number;
  fromDay: number;
  workload?: string;
}

export interface GenerateOptions {
  workloads: LoadedWorkload[];
  days: number;
  /**
   * A sample size: about this many attempt rows, every count scaled by rows ÷ the workload's attempts
   * over `days`. Absent: the workload's own volume (requests_per_month over the days, retries added).
   */
  rows?: number;
  seed: number;
  /** Share of rows written malformed (0–0.5). */
  malformed?: number;
  shifts?: Shift[];
  /** First day, YYYY-MM-DD (UTC). */
  start?: string;
  /** Deployment mode per route id, when known. */
  modes?: Map<string, string>;
  format: 'csv' | 'jsonl';
}

export interface GenerateResult {
  rows: number;
  requests: number;
  malformed: number;
  /** Attempts the workloads' volume implies over the days (requests_per_month × days ÷ 30 × (1 + retry)). */
  volumeAttempts: number;
  /** Rows written per attempt of that volume: 1 for the full volume, below 1 for a --rows sample. */
  sampleFraction: number;
}

/** Above this many attempts the full volume is not written by default: ask for a --rows sample. */
export const MAX_DEFAULT_ROWS = 10_000_000;

/** mulberry32: small, fast, and the same sequence on every platform for a seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHIFT_RE = /^(retry|cache|pass|latency|volume|fallback)=([+-]?\d*\.?\d+)(x?)@(\d+)(?::(.+))?$/;

/** Parses `retry=+0.05@15`, `cache=-0.1@20`, `latency=4x@10`, `volume=3x@15:chat`. */
export function parseShift(text: string): Shift {
  const m = SHIFT_RE.exec(text.trim());
  if (!m) throw new RoutefitError('invalid_input', `--shift "${text}" is not KIND=DELTA@DAY[:WORKLOAD] (kinds: retry, cache, pass, fallback as +/- fractions; latency, volume as Nx)`, { field: 'shift' });
  const kind = m[1] as Shift['kind'];
  const mult = kind === 'latency' || kind === 'volume';
  if (mult !== (m[3] === 'x')) throw new RoutefitError('invalid_input', `--shift "${text}": ${kind} takes ${mult ? 'a multiplier like 3x' : 'an additive fraction like +0.05'}`, { field: 'shift' });
  return { kind, delta: Number(m[2]), fromDay: Number(m[4]), ...(m[5] ? { workload: m[5] } : {}) };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** Diurnal weight of an hour of day: a smooth day peak at 14:00 UTC, one fifth of peak at night. */
const diurnal = (h: number) => 0.6 + 0.4 * Math.cos(((h - 14) / 24) * 2 * Math.PI);

export function generateTraces(file: string, opts: GenerateOptions): GenerateResult {
  if (!(opts.days > 0 && opts.days <= 3660)) throw new RoutefitError('invalid_input', `--days is ${opts.days}; allowed 0 < value ≤ 3660`, { field: 'days' });
  if (opts.rows !== undefined && !(Number.isInteger(opts.rows) && opts.rows > 0 && opts.rows <= 1e9)) throw new RoutefitError('invalid_input', `--rows is ${opts.rows}; allowed an integer 1 ≤ value ≤ 1e9`, { field: 'rows' });
  const malformed = opts.malformed ?? 0;
  if (!(malformed >= 0 && malformed <= 0.5)) throw new RoutefitError('invalid_input', `--malformed is ${malformed}; allowed 0 ≤ value ≤ 0.5`, { field: 'malformed' });
  const rand = rng(opts.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const lognormal = (median: number, sigma: number) => median * Math.exp(sigma * normal());
  const start = Date.parse(`${opts.start ?? '2026-05-01'}T00:00:00Z`);
  const shifts = opts.shifts ?? [];
  const ws = opts.workloads.map((w) => {
    const p = w.profile;
    const first = w.routes[0]?.entry;
    const route = typeof first === 'string' ? first : first?.route ?? 'openai/gpt-5.5';
    return {
      name: w.name,
      route,
      provider: route.split('/')[0]!,
      model: route.split('/').slice(1).join('/'),
      volume: valueOf(p.requestsPerMonth),
      input: valueOf(p.inputTokens),
      output: valueOf(p.outputTokens),
      retry: valueOf(p.retryRate),
      pass: valueOf(p.qualityPassRate),
      cache: valueOf(p.cacheHitRate),
      batch: valueOf(p.batchEligibleShare),
      escalate: valueOf(p.humanEscalationRate),
      agent: /agent/i.test(w.name),
    };
  });
  const at = (w: (typeof ws)[number], kind: Shift['kind'], day: number, base: number) => {
    let v = base;
    for (const s of shifts) if (s.kind === kind && day >= s.fromDay && (!s.workload || s.workload === w.name)) v = kind === 'latency' || kind === 'volume' ? v * s.delta : v + s.delta;
    return v;
  };
  // Expected requests per hour per workload: requests_per_month over a 720-hour month (Inference Field Guide
  // Part 1 billing month), shaped by the diurnal curve (mean 0.6 over a day). `rows` scales them down
  // (or up) to a sample; without it the file carries the workload's volume.
  const hours = Math.ceil(opts.days * 24);
  const weight = (w: (typeof ws)[number], h: number) => (w.volume / HOURS_PER_MONTH) * (diurnal(h % 24) / 0.6) * at(w, 'volume', Math.floor(h / 24), 1);
  let totalAttempts = 0;
  for (let h = 0; h < hours; h++) for (const w of ws) totalAttempts += weight(w, h) * (1 + clamp(at(w, 'retry', Math.floor(h / 24), w.retry), 0, 0.9));
  if (opts.rows === undefined && totalAttempts > MAX_DEFAULT_ROWS) {
    throw new RoutefitError(
      'invalid_input',
      `the workload's volume over ${opts.days} days is about ${Math.round(totalAttempts).toLocaleString('en-US')} attempts, more than ${MAX_DEFAULT_ROWS.toLocaleString('en-US')} rows: give --rows N to write a sample (counts scaled by N ÷ the volume, stated in the output)`,
      { field: 'rows' },
    );
  }
  const scale = opts.rows === undefined ? 1 : opts.rows / totalAttempts;
  const maxRows = opts.rows ?? Infinity;

  const fd = openSync(file, 'w');
  let buf = '';
  const flush = (force = false) => {
    if (buf.length > 1 << 20 || (force && buf.length)) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  const cols = COLUMN_NAMES;
  if (opts.format === 'csv') buf += cols.join(',') + '\n';
  const emit = (row: Record<string, string | number | boolean | null>) => {
    if (opts.format === 'csv') buf += cols.map((c) => (row[c] === null || row[c] === undefined ? '' : String(row[c]))).join(',') + '\n';
    else buf += JSON.stringify(row) + '\n';
    flush();
  };
  const segments = ['free', 'pro', 'enterprise'];
  let rows = 0;
  let requests = 0;
  let bad = 0;
  const carry = ws.map(() => 0);
  // Retries land 2 s after their attempt, past the next request's start: rows are held and written in
  // time order, so importing routefit's own file never warns about out-of-order rows.
  let pending: { t: number; row: Record<string, string | number | boolean | null> }[] = [];
  const release = (before: number) => {
    pending.sort((a, b) => a.t - b.t);
    let k = 0;
    while (k < pending.length && pending[k]!.t < before) emit(pending[k++]!.row);
    pending = pending.slice(k);
  };
  try {
    for (let h = 0; h < hours && rows < maxRows; h++) {
      release(start + h * 3_600_000);
      const day = Math.floor(h / 24);
      const events: { t: number; w: number }[] = [];
      ws.forEach((w, i) => {
        const expected = weight(w, h) * scale + carry[i]!;
        const k = Math.floor(expected);
        carry[i] = expected - k;
        for (let j = 0; j < k; j++) events.push({ t: start + h * 3_600_000 + Math.floor(rand() * 3_600_000), w: i });
      });
      events.sort((a, b) => a.t - b.t);
      for (const ev of events) {
        const w = ws[ev.w]!;
        const id = `${w.name}-${requests++}`;
        const retry = clamp(at(w, 'retry', day, w.retry), 0, 0.9);
        const pRetry = retry / (1 + retry);
        const input = Math.max(1, Math.round(lognormal(w.input, 0.35)));
        const output = Math.max(1, Math.round(lognormal(w.output, 0.45)));
        // Cache hits by prefix: 80% of a prompt is the shared prefix; a hit reads all of it.
        const hit = rand() < clamp(at(w, 'cache', day, w.cache) / 0.8, 0, 1);
        const batch = rand() < w.batch;
        const fallback = rand() < clamp(at(w, 'fallback', day, 0), 0, 1);
        const segment = segments[Math.floor(rand() * 3)]!;
        let attempt = 0;
        for (;;) {
          const retried = attempt < 3 && rand() < pRetry;
          const tail = rand() < 0.01 ? at(w, 'latency', day, 1) * 4 : at(w, 'latency', day, 1);
          const ttft = Math.round(lognormal(300, 0.3) * tail);
          const e2e = ttft + Math.round(lognormal(20, 0.25) * tail * (output - 1));
          const row: Record<string, string | number | boolean | null> = {
            timestamp: new Date(ev.t + attempt * 2000).toISOString(),
            request_id: id,
            attempt,
            workflow_id: w.agent ? `${w.name}-task-${Math.floor(requests / 5)}` : null,
            workload: w.name,
            provider: w.provider,
            model: w.model,
            route: w.route,
            deployment: opts.modes?.get(w.route) ?? null,
            service_tier_requested: batch ? 'batch' : 'default',
            service_tier_served: batch ? 'batch' : 'default',
            input_tokens: input,
            cached_input_tokens: hit ? Math.round(input * 0.8) : 0,
            cache_write_tokens: 0,
            cache_write_1h_tokens: 0,
            output_tokens: retried ? Math.min(output, 1) : output,
            reasoning_tokens: 0,
            ttft_ms: ttft,
            e2e_ms: retried ? ttft : e2e,
            status: retried ? (['error', 'timeout', 'rate_limited'] as const)[Math.floor(rand() * 3)]! : 'ok',
            quality: retried ? 'unknown' : rand() < clamp(at(w, 'pass', day, w.pass), 0, 1) ? 'pass' : 'fail',
            escalated_to_human: !retried && rand() < w.escalate,
            batch,
            fallback,
            cost_usd: null,
            user_segment: segment,
          };
          if (malformed > 0 && rand() < malformed) {
            bad++;
            const how = Math.floor(rand() * 3);
            if (how === 0) row.input_tokens = -row.input_tokens!;
            else if (how === 1) row.timestamp = 'yesterday';
            else row.status = 'exploded';
          }
          pending.push({ t: ev.t + attempt * 2000, row });
          rows++;
          if (!retried) break;
          attempt++;
        }
      }
    }
    release(Infinity);
    flush(true);
  } finally {
    closeSync(fd);
  }
  return { rows, requests, malformed: bad, volumeAttempts: totalAttempts, sampleFraction: scale };
}
