import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import type { Signal } from '../../src/engine/measured/red-flags.js';
import { type CheckOptions, type TraceSeries, checkStore, traceSeries } from '../../src/traces/checks.js';
import { openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { importFile } from '../../src/traces/import.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { useClickHouse } from '../helpers/clickhouse.js';
import { cli, tempYaml } from '../helpers/cli.js';
import { CHECK_FLEET_YAML, HEADER, differences, memoryStore, tempDir, writeTemp } from './helpers.js';

const server = useClickHouse();
const catalog = loadCatalog();
const today = '2026-11-22';

// The fleet and generator settings of check.test.ts (the DuckDB detector tests).
const FLEET = tempYaml(CHECK_FLEET_YAML);

/** 28 days of generated traces with the given planted shifts (as check.test.ts). */
async function generated(shifts: string[]): Promise<string> {
  const out = join(tempDir(), 't.csv');
  const g = await cli('traces', 'generate', '--workload', FLEET, '--days', '28', '--rows', '28000', '--seed', '21', '--out', out, ...shifts.flatMap((s) => ['--shift', s]));
  expect(g.code, g.stderr).toBe(0);
  return out;
}

interface Both {
  duck: { series: TraceSeries; signals: Signal[] };
  ch: { series: TraceSeries; signals: Signal[] };
}

/** The same file imported into DuckDB and into ClickHouse, checked on each. */
async function checkBoth(file: string, opts: Omit<CheckOptions, 'catalog'> = {}): Promise<Both> {
  const window = { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
  const duck = await memoryStore();
  const ch = await openClickHouse(server.fresh());
  try {
    const d = await importFile(duck, file, { today });
    const c = await importFileToClickHouse(ch, file, { today });
    expect(c.kept).toBe(d.kept);
    await preparePricing(duck, catalog);
    await preparePricing(ch, catalog);
    return {
      duck: { series: await traceSeries(duck, window, catalog), signals: await checkStore(duck, { ...opts, catalog }) },
      ch: { series: await traceSeries(ch, window, catalog), signals: await checkStore(ch, { ...opts, catalog }) },
    };
  } finally {
    duck.close();
    await ch.close();
  }
}

const fired = (s: Signal[]) => s.filter((x) => x.fired).map((x) => `${x.id}${x.workload ? `:${x.workload}` : ''}`);
/** The signals that read invoices or incidents (ledgers, imported into either store: clickhouse-ledgers.test.ts). */
const LEDGER_SIGNALS = ['invoice_variance', 'incident_frequency_2x', 'incident_mttr_over_slo'];

/** The two stores give the same series (numbers to 1e-9 relative) and the same signals, the ledger ones included. */
function expectSame(b: Both): void {
  expect(differences(b.duck.series, b.ch.series)).toEqual([]);
  expect(differences(b.duck.signals, b.ch.signals)).toEqual([]);
  // Without ledgers imported, both stores say the ledger signals were not checked, in the same words.
  for (const id of LEDGER_SIGNALS) expect(b.ch.signals.filter((x) => x.id === id && !x.checked).length, id).toBe(1);
}

describe('traces check on ClickHouse: the same series and signals as DuckDB', () => {
  it('hand-computed hourly p99s, weekly p99/p50 ratios and a catalog price change', { timeout: 60_000 }, async () => {
    // Workload w, hour 2026-05-01T10: e2e 10, 20, … 1000 ms (ttft k, 11 output tokens → TPOT 0.9·k),
    // plus one error row at 99,999 ms that must not count. quantile_cont at q over n sorted values:
    // rn = (n − 1)·q, lo·(1 − d) + hi·d. p99: rn = 98.01 → 990·0.99 + 1000·0.01 = 990.1;
    // p50: rn = 49.5 → (500 + 510)/2 = 505. TTFT p99 = 99.01, TPOT p99 = 0.9 × 99.01 = 89.109.
    // Hour 2026-05-09T10 (the latest week): 95 rows at 1000 ms and 5 at 5000 → p50 1000, p99 5000;
    // ttft k/2 → p99 49.505; one output token each, so no TPOT that hour.
    // Weekly ratios: current (after 05-02T10:01:40) 5000/1000 = 5; baseline 990.1/505.
    // Workload ds runs on together/deepseek-v3, whose catalog price changes on 2026-05-01.
    const ts = (day: string, k: number) => `${day}T10:${String(Math.floor(k / 60)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}Z`;
    const rows: string[] = [];
    for (let k = 1; k <= 100; k++) rows.push(`${ts('2026-05-01', k)},a${k},0,w,openai,gpt-5.5,100,0,11,${k},${10 * k},ok,pass`);
    rows.push(`${ts('2026-05-01', 0)},err,0,w,openai,gpt-5.5,100,0,11,5,99999,error,unknown`);
    // A retried request: both attempts count on the day of its first (05-01), only the last one's
    // outcome counts; no latency logged (skipped by every quantile, as NULLs are by quantile_cont).
    rows.push('2026-05-01T23:59:59Z,rt,0,w,openai,gpt-5.5,100,0,11,,,ok,pass', '2026-05-02T00:00:01Z,rt,1,w,openai,gpt-5.5,100,0,11,,,ok,fail');
    // The workload's earliest row names no provider: route use takes the earliest provider given (arg_min skips NULLs).
    rows.push('2026-05-01T09:00:00Z,np,0,w,,gpt-5.5,100,0,11,,,ok,unknown');
    for (let k = 1; k <= 100; k++) rows.push(`${ts('2026-05-09', k)},b${k},0,w,openai,gpt-5.5,100,0,1,${k / 2},${k > 95 ? 5000 : 1000},ok,pass`);
    for (let k = 1; k <= 3; k++) rows.push(`${ts('2026-05-02', k)},d${k},0,ds,together,deepseek-v3,1000,0,100,50,800,ok,pass`);
    const b = await checkBoth(writeTemp('hand.csv', [HEADER, ...rows].join('\n')), { slo: { e2eP99Ms: 900, ttftP99Ms: 99, tpotP99Ms: 89.2 } });
    expectSame(b);
    for (const s of [b.duck.series, b.ch.series]) {
      const h = s.hourly.find((x) => x.workload === 'w' && x.hour === '2026-05-01T10')!;
      expect(h.e2eP99Ms).toBeCloseTo(990.1, 9);
      expect(h.ttftP99Ms).toBeCloseTo(99.01, 9);
      expect(h.tpotP99Ms).toBeCloseTo(89.109, 9);
      const h2 = s.hourly.find((x) => x.workload === 'w' && x.hour === '2026-05-09T10')!;
      expect(h2.e2eP99Ms).toBeCloseTo(5000, 9);
      expect(h2.ttftP99Ms).toBeCloseTo(49.505, 9);
      expect(h2.tpotP99Ms).toBeNull();
      const w = s.weeklyLatency.find((x) => x.workload === 'w')!;
      expect(w.currentRatio).toBeCloseTo(5, 12);
      expect(w.baselineRatio).toBeCloseTo(990.1 / 505, 12);
      expect(s.daily.filter((d) => d.workload === 'w').map((d) => [d.day, d.requests, d.attempts, d.labelled, d.passed])).toEqual([
        ['2026-05-01', 103, 104, 101, 100],
        ['2026-05-09', 100, 100, 100, 100],
      ]);
      expect(s.hourly.find((x) => x.workload === 'w' && x.hour === '2026-05-02T00')).toEqual({ workload: 'w', hour: '2026-05-02T00', e2eP99Ms: null, ttftP99Ms: null, tpotP99Ms: null });
      expect(s.routeUse).toEqual([
        { workload: 'ds', route: 'together/deepseek-v3', provider: 'together', firstDay: '2026-05-02', lastDay: '2026-05-02' },
        { workload: 'w', route: 'openai/gpt-5.5', provider: 'openai', firstDay: '2026-05-01', lastDay: '2026-05-09' },
      ]);
    }
    const ch = b.ch.signals;
    // 5 ÷ 1.9606 − 1 = +155% > +50%.
    expect(ch.find((x) => x.id === 'latency_variance_up_50pct' && x.workload === 'w')).toMatchObject({ fired: true, detail: 'e2e p99/p50 went from 1.96 to 5.00 (+155.0%; threshold +50%)' });
    // TTFT 99.01 > 99 in 1 of 2 hours; TPOT 89.109 < 89.2 in its only hour.
    expect(ch.find((x) => x.id === 'ttft_p99_over_slo_1pct' && x.workload === 'w')).toMatchObject({ fired: true, detail: expect.stringMatching(/^1 of 2 hourly windows/) });
    expect(ch.find((x) => x.id === 'tpot_p99_over_slo_1pct' && x.workload === 'w')).toMatchObject({ fired: false, checked: true, detail: expect.stringMatching(/^0 of 1 hourly windows/) });
    // Two isolated hours over 900 ms: no 4-hour run.
    expect(ch.find((x) => x.id === 'p99_breach_4h' && x.workload === 'w')).toMatchObject({ fired: false, checked: true });
    expect(ch.filter((x) => x.id === 'pricing_page_change')).toEqual([
      expect.objectContaining({ fired: true, at: '2026-05-01', detail: 'together/deepseek-v3 price changed 2026-05-01: input $1.25 → $0.6, output $1.25 → $1.7, cached_input — → $0.06; re-run the LCPR comparison' }),
    ]);
  });

  // The planted shifts of check.test.ts, each fired on both stores with the same values.
  const cases: [string, string[], Omit<CheckOptions, 'catalog'>, string[]][] = [
    ['retry rate +6 pp from day 18', ['retry=+0.06@18'], {}, ['retry_rate_up_5pp:chat', 'retry_rate_up_5pp:extract']],
    ['pass rate −8 points on extract, with a 0.9 floor', ['pass=-0.08@10:extract'], { qualityFloor: 0.9 }, ['pass_rate_down_5pts:extract', 'pass_below_floor_2_windows:extract']],
    ['fallback share 25%', ['fallback=+0.25@18'], {}, ['fallback_share_over_20pct:chat', 'fallback_share_over_20pct:extract']],
    ['chat volume 3.5× while extract stays flat', ['volume=3.5x@21:chat'], {}, ['traffic_mix_shift_3x:chat']],
  ];
  for (const [name, shifts, opts, expected] of cases) {
    it(name, { timeout: 120_000 }, async () => {
      const b = await checkBoth(await generated(shifts), opts);
      expectSame(b);
      expect(b.duck.series.daily.length).toBe(56);
      expect(fired(b.ch.signals)).toEqual(expected);
      expect(fired(b.duck.signals)).toEqual(expected);
    });
  }

  it('latency ×5 from day 25 breaches a p99 SLO of 8 s for 4+ hours on both stores, from the same hour', { timeout: 120_000 }, async () => {
    const b = await checkBoth(await generated(['latency=5x@25']), { slo: { e2eP99Ms: 8000 } });
    expectSame(b);
    const breach = b.ch.signals.filter((s) => s.id === 'p99_breach_4h' && s.fired);
    expect(breach.map((s) => s.workload)).toEqual(['chat', 'extract']);
    expect(breach[0]!.at! >= '2026-05-26').toBe(true);
    expect(b.ch.series.hourly.length).toBeGreaterThan(1000);
    expect(fired(b.ch.signals)).toEqual(fired(b.duck.signals));
  });
});

describe('routefit traces check --clickhouse', () => {
  it('exits 1 when a signal fires, 0 on a window before the shift, with the same --json signals as --db', { timeout: 120_000 }, async () => {
    const file = await generated(['retry=+0.06@18']);
    const db = join(tempDir(), 's.duckdb');
    const url = server.fresh();
    expect((await cli('traces', 'import', file, '--db', db)).code).toBe(0);
    expect((await cli('traces', 'import', file, '--clickhouse', url)).code).toBe(0);
    const d = await cli('traces', 'check', '--db', db, '--json');
    const c = await cli('traces', 'check', '--clickhouse', url, '--json');
    expect(c.stderr).toBe('');
    expect(c.code).toBe(1);
    expect(d.code).toBe(1);
    const cj = JSON.parse(c.stdout);
    const dj = JSON.parse(d.stdout);
    expect(cj.clickhouse).toBe(url);
    expect(cj.fired).toBe(2);
    expect(differences(dj.signals, cj.signals)).toEqual([]);
    // Before the shift (day 18 = 2026-05-19) nothing fires: exit 0.
    const before = await cli('traces', 'check', '--clickhouse', url, '--to', '2026-05-19', '--json');
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).fired).toBe(0);
    expect(differences(JSON.parse((await cli('traces', 'check', '--db', db, '--to', '2026-05-19', '--json')).stdout).signals, JSON.parse(before.stdout).signals)).toEqual([]);
    const text = await cli('traces', 'check', '--clickhouse', url);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/retry_rate_up_5pp\s+red flag\s+chat\s+FIRED/);
    expect(text.stdout).toMatch(/invoice_variance\s+red flag\s+not checked\s+no invoice in the store/);
    expect(text.stdout).toContain(`2 signals fired: re-run the LCPR comparison on measured inputs (routefit compare FILE --traces ${url}).`);
  });

  it('refuses --db with --clickhouse, a store never imported into, and a bad --from (exit 2)', async () => {
    const url = server.fresh();
    const both = await cli('traces', 'check', '--db', 'x.duckdb', '--clickhouse', url);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--db and --clickhouse name two different stores/);
    const empty = await cli('traces', 'check', '--clickhouse', url);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no trace store at .*run `routefit traces import FILE --clickhouse/);
    const file = writeTemp('a.csv', [HEADER, '2026-05-01T00:00:00Z,r1,0,chat,openai,gpt-5.5,100,0,10,5,50,ok,pass'].join('\n'));
    expect((await cli('traces', 'import', file, '--clickhouse', url)).code).toBe(0);
    const bad = await cli('traces', 'check', '--clickhouse', url, '--from', 'yesterday-ish');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from must be a date YYYY-MM-DD or a timestamp/);
  });
});
