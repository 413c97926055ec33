import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Store, openStore, query } from '../../src/traces/db.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'routefit-traces-'));
}

export function writeTemp(name: string, text: string, dir = tempDir()): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

export async function memoryStore(): Promise<Store> {
  return openStore(':memory:', { create: true });
}

export async function scalar(store: Store, sql: string): Promise<unknown> {
  const [row] = await query(store.conn, sql);
  return row ? Object.values(row)[0] : undefined;
}

export const HEADER = 'timestamp,request_id,attempt,workload,provider,model,input_tokens,cached_input_tokens,output_tokens,ttft_ms,e2e_ms,status,quality';

/** n valid CSV rows: request r{i}, 1000 in (200 cached), 100 out, on openai/gpt-5.5. */
export function csvRows(n: number, start = 0): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return `2026-05-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z,r${i},0,chat,openai,gpt-5.5,1000,200,100,300,2000,ok,pass`;
  });
}

/**
 * The metrics fixture, hand-priced at GPT-5.5 ($5 in, $2.50 cached, $30 out; batch $2.50/$15):
 *   r1 a0 1000×5 + 100×30 = $0.008; r1 a1 500×5 + 500×2.5 + 200×30 = $0.00975
 *   r2 1000×5 + 1000×2.5 + 101×30 = $0.01053; r3 (batch) 1000×2.5 + 100×15 = $0.004  → Σ $0.03228
 * and one row on a route no catalog prices (r4).
 */
export const METRICS_FIXTURE = [
  'timestamp,request_id,attempt,workflow_id,workload,provider,model,input_tokens,cached_input_tokens,output_tokens,ttft_ms,e2e_ms,status,quality,escalated_to_human,batch',
  '2026-05-01T00:00:00Z,r1,0,w1,chat,openai,gpt-5.5,1000,0,100,,,error,unknown,false,false',
  '2026-05-01T00:00:05Z,r1,1,w1,chat,openai,gpt-5.5,1000,500,200,200,2200,ok,pass,false,false',
  '2026-05-01T06:00:00Z,r2,0,w1,chat,openai,gpt-5.5,2000,1000,101,100,1100,ok,fail,true,false',
  '2026-05-01T12:00:00Z,r3,0,w2,chat,openai,gpt-5.5,1000,0,100,300,1290,ok,pass,false,true',
  '2026-05-01T12:00:00Z,r4,0,,chat,acme,mystery-1,10,0,10,50,60,ok,pass,false,false',
].join('\n');

/** Walks two values; numbers must agree to 1e-9 relative (money included), everything else exactly. */
export function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300) && !(a === 0 && b === 0)) out.push(`${path}: ${a} vs ${b}`);
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (a !== b && !(typeof a === 'string' && typeof b === 'string' && sameRendering(a, b))) {
    out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  return out;
}

/**
 * Two renderings of numbers (e.g. an LCPR step's "24.0217 ÷ 1503.0") that differ only where sums
 * accumulated in another order round the other way: same text, each number within one unit of its
 * last printed digit.
 */
function sameRendering(a: string, b: string): boolean {
  const num = /-?\d+(?:\.(\d+))?/g;
  if (a.replace(num, '#') !== b.replace(num, '#')) return false;
  const [xs, ys] = [[...a.matchAll(num)], [...b.matchAll(num)]];
  return xs.every((x, i) => Math.abs(Number(x[0]) - Number(ys[i]![0])) <= (x[1] ? 1.0000001 * 10 ** -x[1].length : 0));
}

/** The two-workload fleet the red-flag tests generate traces from (check.test.ts, clickhouse-check.test.ts). */
export const CHECK_FLEET_YAML = `as_of: 2026-05-15
routes: [openai/gpt-5.5]
workloads:
  - name: chat
    requests_per_month: 100000
    input_tokens: 800
    output_tokens: 50
    cache_hit_rate: 0.3
  - name: extract
    requests_per_month: 100000
    input_tokens: 1500
    output_tokens: 50
`;
