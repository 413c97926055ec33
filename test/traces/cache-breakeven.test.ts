import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DailyPoint, detectRedFlags } from '../../src/engine/measured/red-flags.js';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

// Claude Sonnet 4.6 in the catalog: $3 input, $0.30 cached, $3.75 5-minute and $6 1-hour writes.
// Break-even hit rate h* = (W − I) ÷ (W − C): 5-minute 0.75 ÷ 3.45 = 21.7%; 1-hour 3 ÷ 5.7 = 52.6%.
const day = (workload: string, d: number, cached: number, writes: number, writes1h = 0): DailyPoint => ({
  workload, day: `2026-05-${String(d).padStart(2, '0')}`, requests: 10, attempts: 10, labelled: 10, passed: 10, escalated: 0,
  inputTokens: 50_000, cachedTokens: cached, fallbackAttempts: 0, cacheWriteTokens: writes, cacheWrite1hTokens: writes1h,
});
const price = (workload: string) => ({ workload, route: 'anthropic/claude-sonnet-4.6', input: 3, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6 });
const signal = (daily: DailyPoint[], cachePrices = [price('a')]) => detectRedFlags({ daily, hourly: [], weeklyLatency: [], cachePrices }).find((s) => s.id === 'cache_hit_below_breakeven')!;

describe('reversion signal: cache hit rate below the break-even threshold', () => {
  it('fires at 20% hits (1,000 reads ÷ 5,000 lookups) under the 21.7% 5-minute gate, not at 25%', () => {
    const low = signal([1, 2, 3, 4, 5, 6, 7].map((d) => day('a', d, 1000, 4000)));
    expect(low.fired).toBe(true);
    expect(low.checked).toBe(true);
    expect(low.detail).toContain('20.0%');
    expect(low.detail).toContain('21.7%');
    expect(signal([1, 2, 3].map((d) => day('a', d, 1250, 3750))).fired).toBe(false);
  });
  it('prices writes by their TTL mix: 50% hits passes with 5-minute writes, fails when the writes are 1-hour (52.6% gate)', () => {
    expect(signal([day('a', 1, 2000, 2000, 0)]).fired).toBe(false);
    expect(signal([day('a', 1, 2000, 2000, 2000)]).fired).toBe(true);
  });
  it('reads only the latest 7 days: an old bad week does not fire', () => {
    const pts = [...[1, 2, 3, 4, 5, 6, 7].map((d) => day('a', d, 100, 4900)), ...[8, 9, 10, 11, 12, 13, 14].map((d) => day('a', d, 4000, 1000))];
    expect(signal(pts).fired).toBe(false);
  });
  it('says why it is not checked: no prices, no cache traffic, a store without write counts', () => {
    expect(signal([day('a', 1, 100, 100)], []).checked).toBe(false);
    expect(signal([day('a', 1, 0, 0)]).detail).toContain('no cache reads or writes');
    const { cacheWriteTokens: _, cacheWrite1hTokens: __, ...bare } = day('a', 1, 10, 10);
    expect(signal([bare]).detail).toContain('does not count cache writes');
    expect(detectRedFlags({ daily: [day('a', 1, 1, 1)], hourly: [], weeklyLatency: [] }).find((s) => s.id === 'cache_hit_below_breakeven')!.checked).toBe(false);
  });
});

describe('traces check fires the cache break-even signal from a store', () => {
  it('DuckDB: the workload under the gate fires (exit 1), the one above it does not', async () => {
    const rows = ['timestamp,request_id,workload,route,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,ttft_ms,e2e_ms,status,quality'];
    for (let d = 1; d <= 7; d++) {
      for (let i = 0; i < 5; i++) {
        const ts = `2026-05-0${d}T1${i}:00:00Z`;
        rows.push(`${ts},low-${d}-${i},low,anthropic/claude-sonnet-4.6,6000,1000,4000,200,300,2000,ok,pass`);
        rows.push(`${ts},high-${d}-${i},high,anthropic/claude-sonnet-4.6,6000,4000,1000,200,300,2000,ok,pass`);
      }
    }
    const dir = tempDir();
    const file = writeTemp('cache.csv', rows.join('\n') + '\n', dir);
    const db = join(dir, 's.duckdb');
    const imp = await cli('traces', 'import', file, '--db', db);
    expect(imp.code, imp.stderr).toBe(0);
    const r = await cli('traces', 'check', '--db', db, '--json');
    const sig = (JSON.parse(r.stdout).signals as { id: string; workload?: string; fired: boolean; detail: string }[]).filter((s) => s.id === 'cache_hit_below_breakeven');
    expect(sig.map((s) => [s.workload, s.fired])).toEqual([['high', false], ['low', true]]);
    expect(sig[1]!.detail).toContain('20.0%');
    expect(r.code).toBe(1);
  });
});
