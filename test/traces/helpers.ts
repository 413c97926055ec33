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
