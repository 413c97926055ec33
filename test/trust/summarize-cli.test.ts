import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { HEADER, tempDir, writeTemp } from '../traces/helpers.js';

// 64 requests over 10 s: 58 pass fast, 4 pass with a 900 ms TTFT, 2 fail fast.
function traces(): string {
  const rows = Array.from({ length: 64 }, (_, i) => {
    const sec = i === 63 ? 10 : Math.floor((i * 10) / 63);
    return `2026-05-01T00:00:${String(sec).padStart(2, '0')}Z,q${i},0,chat,openai,gpt-5.5,1000,500,100,${i >= 58 && i < 62 ? 900 : 300},2000,ok,${i >= 62 ? 'fail' : 'pass'}`;
  });
  return writeTemp('short.csv', [HEADER, ...rows].join('\n'));
}

describe('traces summarize text (issue 11 items 2 and "Words that read backwards")', () => {
  it('goodput over the real window, the latency-pass rate beside the quality pass rate, and labelled cache columns', async () => {
    const db = join(tempDir(), 't.duckdb');
    expect((await cli('traces', 'import', traces(), '--db', db)).code).toBe(0);
    const r = await cli('traces', 'summarize', '--db', db, '--by', 'route', '--slo-ttft-ms', '800');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('goodput 58 accepted within SLO over 10 s (5.8/s)');
    expect(r.stdout).toContain('latency pass 93.8% of requests meet TTFT ≤ 800 ms, beside quality pass 96.9%');
    expect(r.stdout).toContain('Cache hit (tokens)');
    expect(r.stdout).toContain('Cached price/input price');
    const w = await cli('traces', 'summarize', '--db', db, '--by', 'route', '--slo-ttft-ms', '800', '--window', '20s', '--json');
    expect(JSON.parse(w.stdout).groups[0].goodput.perSecond).toBeCloseTo(2.9, 12);
    const bad = await cli('traces', 'summarize', '--db', db, '--window', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--window must be a duration > 0');
  });
});
