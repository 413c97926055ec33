import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectRedFlags } from '../../src/engine/measured/red-flags.js';
import { cli, tempYaml } from '../helpers/cli.js';
import { CHECK_FLEET_YAML, tempDir } from './helpers.js';

const FLEET = tempYaml(CHECK_FLEET_YAML);

interface Sig {
  id: string;
  workload?: string;
  fired: boolean;
  at?: string;
}

/** 28 days of generated traces with the given planted shifts, checked. */
async function check(shifts: string[], extra: string[] = []): Promise<{ code: number; signals: Sig[] }> {
  const dir = tempDir();
  const out = join(dir, 't.csv');
  const db = join(dir, 's.duckdb');
  const g = await cli('traces', 'generate', '--workload', FLEET, '--days', '28', '--rows', '28000', '--seed', '21', '--out', out, ...shifts.flatMap((s) => ['--shift', s]));
  expect(g.code, g.stderr).toBe(0);
  expect((await cli('traces', 'import', out, '--db', db)).code).toBe(0);
  const r = await cli('traces', 'check', '--db', db, '--json', ...extra);
  return { code: r.code, signals: JSON.parse(r.stdout).signals };
}
const fired = (s: Sig[]) => s.filter((x) => x.fired).map((x) => `${x.id}${x.workload ? `:${x.workload}` : ''}`);

describe('red-flag detectors on generated series with planted shifts', () => {
  it('nothing fires on a steady series (exit 0)', async () => {
    const r = await check([], ['--slo-p99-ms', '8000', '--quality-floor', '0.9']);
    expect(fired(r.signals)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('retry rate +6 pp from day 18 fires the 5 pp trigger (exit 1)', async () => {
    const r = await check(['retry=+0.06@18']);
    expect(fired(r.signals)).toEqual(['retry_rate_up_5pp:chat', 'retry_rate_up_5pp:extract']);
    expect(r.code).toBe(1);
  });

  it('cache hit rate −15 pp on one workload fires only there', async () => {
    const r = await check(['cache=-0.15@18:chat']);
    expect(fired(r.signals)).toEqual(['cache_hit_down_10pp:chat']);
  });

  it('pass rate −8 points fires the quality regression and, with a floor, the reversion signal', async () => {
    const r = await check(['pass=-0.08@10:extract'], ['--quality-floor', '0.9']);
    expect(fired(r.signals)).toEqual(['pass_rate_down_5pts:extract', 'pass_below_floor_2_windows:extract']);
  });

  it('fallback share 25% fires', async () => {
    expect(fired((await check(['fallback=+0.25@18'])).signals)).toEqual(['fallback_share_over_20pct:chat', 'fallback_share_over_20pct:extract']);
  });

  it('one workload growing 3.5× while the other stays flat fires the traffic-mix trigger', async () => {
    expect(fired((await check(['volume=3.5x@21:chat'])).signals)).toEqual(['traffic_mix_shift_3x:chat']);
  });

  it('latency ×5 from day 25 breaches a p99 SLO for 4+ hours', async () => {
    const r = await check(['latency=5x@25'], ['--slo-p99-ms', '8000']);
    const breach = r.signals.filter((s) => s.id === 'p99_breach_4h' && s.fired);
    expect(breach.map((s) => s.workload)).toEqual(['chat', 'extract']);
    expect(breach[0]!.at! >= '2026-05-26').toBe(true);
  });
});

describe('engine detectRedFlags', () => {
  const day = (i: number) => new Date(Date.UTC(2026, 4, 1 + i)).toISOString().slice(0, 10);
  const steady = (over: (i: number) => Partial<{ attempts: number; passed: number }> = () => ({})) =>
    Array.from({ length: 14 }, (_, i) => ({ workload: 'w', day: day(i), requests: 100, attempts: 103, labelled: 100, passed: 95, escalated: 0, inputTokens: 1000, cachedTokens: 300, fallbackAttempts: 0, ...over(i) }));
  it('retry +5 pp exactly between adjacent weeks fires; +4 pp does not', () => {
    const at = (a: number) => detectRedFlags({ daily: steady((i) => (i >= 7 ? { attempts: a } : {})), hourly: [], weeklyLatency: [] }).find((s) => s.id === 'retry_rate_up_5pp')!;
    expect(at(108).fired).toBe(true);
    expect(at(108).at).toBe(day(13));
    expect(at(107).fired).toBe(false);
  });
  it('says what it could not check instead of passing silently', () => {
    const s = detectRedFlags({ daily: steady().slice(0, 10), hourly: [], weeklyLatency: [] });
    expect(s.find((x) => x.id === 'retry_rate_up_5pp')).toMatchObject({ checked: false, detail: 'needs two full weeks of traces' });
    expect(s.find((x) => x.id === 'invoice_variance')).toMatchObject({ checked: false });
  });
  it('invoice variance over 10% fires', () => {
    const s = detectRedFlags({ daily: [], hourly: [], weeklyLatency: [], invoiceVariance: [{ provider: 'openai', period: 'May', deltaPct: -0.12 }, { provider: 'x', period: 'May', deltaPct: 0.09 }] });
    expect(s.filter((x) => x.id === 'invoice_variance').map((x) => x.fired)).toEqual([true, false]);
  });
});
