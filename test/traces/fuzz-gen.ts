/**
 * Seeded generator of malformed and extreme import files (issue 17, "Tests"): one case is one file
 * of one format, built from valid rows with a share of fields replaced by hostile values. For the
 * normalized formats (CSV, JSONL, Parquet) every row carries what must happen to it: stored exactly
 * as written, or rejected at its line. The same generator runs bounded in `npm test`
 * (test/traces/import-fuzz.test.ts) and long in `npm run bench:fuzz`.
 */

// The generator's own seeded PRNG (mulberry32), so the fuzz cases are as reproducible as `traces generate`.
export { rng } from '../../src/traces/generate.js';

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Values that are not token counts, or are counts out of range: each must reject its row. */
export const BAD_COUNTS = ['1e308', '9223372036854775808', '18446744073709551616', '99999999999999999999', '-1', '1.5', 'NaN', 'inf', '-inf', 'abc', '10000000001', '0x10', '1e400'];
/** Timestamps that must reject their row. */
export const BAD_TIMESTAMPS = ['infinity', '-infinity', '0001-01-01', '9999-12-31T00:00:00Z', '1', '0', '1970-01-01', '2026-13-01', 'May 1, 2026', '99999999999999999999999', 'yesterday', '1e30', '2150-01-01'];
/** Text that must be stored exactly as written. */
export const HOSTILE_TEXT = ['gpt\u0000x', "o'neil", 'back\\slash', 'say "hi"', 'ü日本語', '=HYPERLINK("x")', "'; DROP TABLE requests; --", '\\', "\\'", 'a\tb', '%s%n', '${x}'];

const BASE_US = Date.UTC(2026, 4, 1) * 1000;

export interface NormRow {
  fields: Record<string, string>;
  /** 'keep': stored with these values; 'reject': rejected at its line. */
  fate: 'keep' | 'reject';
  tsUs?: number;
}

/** Rows of the normalized format with their fates. */
export function normRows(r: Rand, n: number, hostileShare: number): NormRow[] {
  const rows: NormRow[] = [];
  for (let i = 0; i < n; i++) {
    const tsUs = BASE_US + int(r, 0, 29 * 86_400) * 1_000_000 + int(r, 0, 999) * 1000;
    const input = int(r, 1, 5000);
    const row: NormRow = {
      fields: {
        timestamp: new Date(tsUs / 1000).toISOString(),
        request_id: `q${i}`,
        attempt: '0',
        provider: 'openai',
        model: 'gpt-5.5',
        input_tokens: String(input),
        cached_input_tokens: String(int(r, 0, input)),
        output_tokens: String(int(r, 1, 2000)),
        e2e_ms: String(int(r, 100, 9000)),
        status: 'ok',
        quality: 'pass',
      },
      fate: 'keep',
      tsUs,
    };
    if (r() < hostileShare) mutate(r, row);
    rows.push(row);
  }
  return rows;
}

function mutate(r: Rand, row: NormRow): void {
  const kind = int(r, 0, 5);
  const f = row.fields;
  if (kind === 0) {
    f[pick(r, ['input_tokens', 'output_tokens', 'cached_input_tokens'])] = pick(r, BAD_COUNTS);
    row.fate = 'reject';
  } else if (kind === 1) {
    f.timestamp = pick(r, BAD_TIMESTAMPS);
    row.fate = 'reject';
  } else if (kind === 2) {
    // Epoch numbers in every unit: read by magnitude, stored at the same instant.
    const unit = pick(r, [1e-6, 1e-3, 1, 1e3] as const);
    const us = Math.round(row.tsUs! / 1e6) * 1e6;
    row.tsUs = us;
    f.timestamp = unit === 1e3 ? `${BigInt(us) * 1000n}` : String(us * unit);
  } else if (kind === 3) {
    f.model = pick(r, HOSTILE_TEXT);
  } else if (kind === 4) {
    f.e2e_ms = pick(r, ['1e308', '-5', 'NaN', 'inf', '1e10']);
    row.fate = 'reject';
  } else {
    f.status = pick(r, ['OK?', 'maybe', '', 'ok']);
    if (f.status !== 'ok' && f.status !== '') row.fate = 'reject';
    if (f.status === '') delete f.status;
  }
}

const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;
export const NORM_COLUMNS = ['timestamp', 'request_id', 'attempt', 'provider', 'model', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'e2e_ms', 'status', 'quality'];

export function toCsv(rows: NormRow[]): string {
  return [NORM_COLUMNS.join(','), ...rows.map((x) => NORM_COLUMNS.map((c) => (x.fields[c] === undefined ? '' : csvCell(x.fields[c]!))).join(','))].join('\n') + '\n';
}

/** JSONL: numbers are sometimes written as JSON numbers, and some values become other JSON types (all rejects). */
export function toJsonl(r: Rand, rows: NormRow[]): string {
  return (
    rows
      .map((x) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(x.fields)) o[k] = /^\d{1,9}$/.test(v) && k !== 'request_id' && k !== 'model' && r() < 0.5 ? Number(v) : v;
        if (x.fate === 'keep' && r() < 0.05) {
          o.output_tokens = pick(r, [true, [], {}, null, 'many'] as const);
          x.fate = 'reject';
        }
        return JSON.stringify(o);
      })
      .join('\n') + '\n'
  );
}

/** A mapped or ledger format: the file text and its extension. Generic invariants only. */
export interface OtherCase {
  format: string;
  ext: string;
  text: string;
}

const hostileNumber = (r: Rand, good: () => unknown): unknown => (r() < 0.25 ? pick(r, [...BAD_COUNTS, 1e308, -1, true, null, [], {}] as const) : good());
const hostileTs = (r: Rand, good: () => string): string => (r() < 0.15 ? pick(r, BAD_TIMESTAMPS) : good());
const isoAt = (r: Rand) => new Date(BASE_US / 1000 + int(r, 0, 29 * 86_400) * 1000).toISOString();

export function otherCase(r: Rand, format: string, n: number): OtherCase {
  const ns = () => `${BigInt(BASE_US + int(r, 0, 1e9) * 1000) * 1000n}`;
  switch (format) {
    case 'otel': {
      const spans = Array.from({ length: n }, (_, i) => ({
        traceId: `t${i}`,
        spanId: `s${i}`,
        startTimeUnixNano: r() < 0.15 ? pick(r, ['99999999999999999999999999', '-5', 'x', '0', '1e30']) : ns(),
        endTimeUnixNano: ns(),
        attributes: [
          { key: 'gen_ai.request.model', value: { stringValue: r() < 0.1 ? pick(r, HOSTILE_TEXT) : 'gpt-5.5' } },
          { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
          { key: 'gen_ai.usage.input_tokens', value: { intValue: hostileNumber(r, () => String(int(r, 1, 999))) } },
          { key: 'gen_ai.usage.output_tokens', value: { intValue: hostileNumber(r, () => String(int(r, 1, 999))) } },
        ],
      }));
      return { format, ext: '.json', text: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] }) };
    }
    case 'litellm': {
      const head = 'request_id,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,status';
      const lines = Array.from({ length: n }, (_, i) =>
        [`l${i}`, '0.01', hostileNumber(r, () => int(r, 1, 999)), hostileNumber(r, () => int(r, 1, 999)), hostileTs(r, () => isoAt(r)), isoAt(r), r() < 0.1 ? pick(r, HOSTILE_TEXT) : 'gpt-5.5', 'openai', 'success']
          .map((v) => csvCell(typeof v === 'string' ? v : JSON.stringify(v) ?? ''))
          .join(','),
      );
      return { format, ext: '.csv', text: [head, ...lines].join('\n') + '\n' };
    }
    case 'langfuse': {
      const lines = Array.from({ length: n }, (_, i) =>
        JSON.stringify({
          id: `g${i}`,
          traceId: `t${i}`,
          type: 'GENERATION',
          startTime: hostileTs(r, () => isoAt(r)),
          model: r() < 0.1 ? pick(r, HOSTILE_TEXT) : 'gpt-5.5',
          usageDetails: { input: hostileNumber(r, () => int(r, 1, 999)), output: hostileNumber(r, () => int(r, 1, 999)), cache_read_input_tokens: hostileNumber(r, () => 0) },
        }),
      );
      return { format, ext: '.jsonl', text: lines.join('\n') + '\n' };
    }
    case 'helicone': {
      const head = 'request_id,request_created_at,prompt_tokens,completion_tokens,provider,model,latency,status';
      const lines = Array.from({ length: n }, (_, i) =>
        [`h${i}`, hostileTs(r, () => isoAt(r)), hostileNumber(r, () => int(r, 1, 999)), hostileNumber(r, () => int(r, 1, 999)), pick(r, ['openai', 'anthropic']), 'gpt-5.5', hostileNumber(r, () => int(r, 1, 9000)), pick(r, ['200', '429', 'x'])]
          .map((v) => csvCell(typeof v === 'string' ? v : JSON.stringify(v) ?? ''))
          .join(','),
      );
      return { format, ext: '.csv', text: [head, ...lines].join('\n') + '\n' };
    }
    case 'openai-usage': {
      const data =
        r() < 0.1
          ? pick(r, ['not an array', 5, { x: 1 }, null] as const)
          : Array.from({ length: Math.max(1, Math.floor(n / 4)) }, () => ({
              start_time: hostileNumber(r, () => 1777593600 + int(r, 0, 29) * 86_400),
              end_time: 1777680000,
              results: Array.from({ length: 4 }, () => ({
                model: r() < 0.1 ? pick(r, HOSTILE_TEXT) : 'gpt-5.5',
                batch: r() < 0.15 ? pick(r, ['maybe', 'yes', 2, [], null] as const) : pick(r, [true, false]),
                num_model_requests: hostileNumber(r, () => int(r, 1, 99)),
                input_tokens: hostileNumber(r, () => int(r, 100, 9999)),
                input_cached_tokens: hostileNumber(r, () => 0),
                output_tokens: hostileNumber(r, () => int(r, 1, 999)),
              })),
            }));
      return { format, ext: '.json', text: JSON.stringify({ object: 'page', data }) };
    }
    case 'otel-metrics': {
      const points = Array.from({ length: n }, () => ({
        attributes: [
          { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
          { key: 'gen_ai.request.model', value: { stringValue: r() < 0.1 ? pick(r, HOSTILE_TEXT) : 'gpt-5.5' } },
          { key: 'gen_ai.token.type', value: { stringValue: 'input' } },
        ],
        timeUnixNano: r() < 0.15 ? pick(r, ['99999999999999999999999999999', '1', 'x', 1e308]) : ns(),
        count: hostileNumber(r, () => '1'),
        sum: hostileNumber(r, () => 100),
        bucketCounts: ['1'],
        explicitBounds: [],
      }));
      return { format, ext: '.json', text: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'gen_ai.client.token.usage', unit: '{token}', histogram: { aggregationTemporality: 1, dataPoints: points } }] }] }] }) };
    }
    case 'invoice': {
      const lines = Array.from({ length: n }, (_, i) =>
        [pick(r, ['2026-05', '2026-05-02', '2026-13', 'x']), pick(r, ['openai', 'OpenAI', r() < 0.1 ? pick(r, HOSTILE_TEXT) : 'anthropic']), `sku${i}`, String(hostileNumber(r, () => (int(r, 0, 99999) / 100).toFixed(2)))]
          .map(csvCell)
          .join(','),
      );
      return { format, ext: '.csv', text: ['period,provider,sku,amount', ...lines].join('\n') + '\n' };
    }
    default:
      throw new Error(`no generator for ${format}`);
  }
}

export const OTHER_FORMATS = ['otel', 'litellm', 'langfuse', 'helicone', 'openai-usage', 'otel-metrics', 'invoice'] as const;
export const NORM_FORMATS = ['csv', 'jsonl', 'parquet'] as const;

/** Cuts a file's text at a random byte (a torn write): the reader must reject the torn line, not crash. */
export function tear(r: Rand, text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length * (0.3 + r() * 0.69))));
}
