import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Incident, type RouteUse, detectRedFlags } from '../../src/engine/measured/red-flags.js';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

const USES: RouteUse[] = [
  { workload: 'chat', route: 'openai/gpt-5.5', provider: 'openai', firstDay: '2026-05-01', lastDay: '2026-05-14' },
  { workload: 'chat', route: 'together/deepseek-v3', provider: 'together', firstDay: '2026-05-15', lastDay: '2026-05-28' },
];
const inc = (date: string, route: string | null, provider: string | null, minutes: number | null = null): Incident => ({ date, route, provider, severity: 'major', minutes, description: null });
const signal = (input: Parameters<typeof detectRedFlags>[0], id: string) => detectRedFlags(input).filter((s) => s.id === id);
const empty = { daily: [], hourly: [], weeklyLatency: [], routeUse: USES };

describe('reversion signals without a trace source (seed 001 ch. 22 operational, seed 000 Part 5 pricing)', () => {
  it('incident frequency: the new route fires above 2× the old one per day of use, not at 2×', () => {
    // Old: 1 incident in 14 days. New: 3 in 14 days = 3× → fires; 2 in 14 days = exactly 2× → does not.
    const three = [inc('2026-05-03', 'openai/gpt-5.5', 'openai'), inc('2026-05-16', 'together/deepseek-v3', 'together'), inc('2026-05-20', null, 'together'), inc('2026-05-27', 'together/deepseek-v3', 'together')];
    const [fired] = signal({ ...empty, incidents: three }, 'incident_frequency_2x');
    expect(fired).toMatchObject({ workload: 'chat', fired: true, checked: true, kind: 'reversion' });
    expect(fired!.detail).toBe('together/deepseek-v3 (new, from 2026-05-15): 3 incidents in 14 days; openai/gpt-5.5 (old): 1 in 14 days (threshold 2×)');
    const [atTwo] = signal({ ...empty, incidents: three.slice(0, 3) }, 'incident_frequency_2x');
    expect(atTwo).toMatchObject({ fired: false, checked: true });
    // An incident outside the route's days of use does not count for it.
    const [outside] = signal({ ...empty, incidents: [inc('2026-05-02', 'together/deepseek-v3', 'together')] }, 'incident_frequency_2x');
    expect(outside!.fired).toBe(false);
  });

  it('mean time to resolve over the SLO fires per route; without incidents or an SLO it is "not checked"', () => {
    const incidents = [inc('2026-05-16', 'together/deepseek-v3', 'together', 30), inc('2026-05-17', null, 'together', 90), inc('2026-05-18', 'together/deepseek-v3', 'together')];
    // Mean of the timed ones: (30 + 90) / 2 = 60 min.
    expect(signal({ ...empty, incidents, incidentSloMinutes: 60 }, 'incident_mttr_over_slo')).toMatchObject([{ fired: false, detail: 'together/deepseek-v3: mean time to resolve 60 min over 2 incidents (SLO 60 min)' }]);
    expect(signal({ ...empty, incidents, incidentSloMinutes: 59 }, 'incident_mttr_over_slo')).toMatchObject([{ fired: true }]);
    expect(signal({ ...empty, incidents }, 'incident_mttr_over_slo')).toMatchObject([{ fired: false, checked: false }]);
    expect(signal(empty, 'incident_frequency_2x')).toMatchObject([{ fired: false, checked: false, detail: expect.stringMatching(/no incidents imported/) }]);
    expect(() => detectRedFlags({ ...empty, incidents, incidentSloMinutes: -1 })).toThrow(/incidentSloMinutes is -1/);
  });

  it('CLI: a catalog price change of a traced route fires; incidents import with line-numbered rejects and feed the signals', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const rows = ['timestamp,request_id,workload,route,input_tokens,output_tokens,quality'];
    for (let d = 1; d <= 28; d++) rows.push(`2026-05-${String(d).padStart(2, '0')}T12:00:00Z,r${d},chat,${d <= 14 ? 'openai/gpt-5.5' : 'together/deepseek-v3'},1000,100,pass`);
    expect((await cli('traces', 'import', writeTemp('t.csv', rows.join('\n'), dir), '--db', db)).code).toBe(0);
    const csv = [
      'date,provider,route,severity,minutes,description',
      '2026-05-03,openai,openai/gpt-5.5,major,20,elevated errors',
      '2026-05-16,,together/deepseek-v3,major,45,timeouts',
      '2026-05-20,Together AI,,minor,,degraded',
      '2026-05-27,together,together/deepseek-v3,major,200,outage',
      'soon,together,,major,10,bad date',
      '2026-05-28,together,,major,-5,bad minutes',
    ].join('\n');
    const imp = await cli('traces', 'import', writeTemp('incidents.csv', csv, dir), '--db', db, '--accept-rejects', '--json');
    expect(imp.code, imp.stderr).toBe(0);
    const [s] = JSON.parse(imp.stdout).imports;
    expect(s).toMatchObject({ format: 'incidents', kept: 4, rejected: 2 });
    expect(s.rejects).toEqual([
      { line: 6, reason: 'date "soon" is not a date (YYYY-MM-DD)' },
      { line: 7, reason: 'minutes is "-5"; allowed a number ≥ 0 (time to resolve)' },
    ]);
    const r = await cli('traces', 'check', '--db', db, '--incident-slo-minutes', '100', '--json');
    expect(r.code).toBe(1);
    const signals = JSON.parse(r.stdout).signals as { id: string; fired: boolean; detail: string; workload?: string }[];
    // Together's DeepSeek V3 went from $1.25/$1.25 to $0.60/$1.70 on 2026-05-01, inside the traced window.
    const price = signals.filter((x) => x.id === 'pricing_page_change');
    expect(price).toEqual([expect.objectContaining({ fired: true, detail: 'together/deepseek-v3 price changed 2026-05-01: input $1.25 → $0.6, output $1.25 → $1.7, cached_input — → $0.06; re-run the LCPR comparison' })]);
    // 3 incidents (one provider-wide, "Together AI" mapped to together) on the new route vs 1 on the old, 14 days each.
    expect(signals.find((x) => x.id === 'incident_frequency_2x')).toMatchObject({ workload: 'chat', fired: true });
    // Mean time to resolve: together (45 + 200) / 2 = 122.5 > 100; openai 20.
    const mttr = signals.filter((x) => x.id === 'incident_mttr_over_slo');
    expect(mttr.map((x) => [x.fired, x.detail])).toEqual([
      [false, 'openai/gpt-5.5: mean time to resolve 20 min over 1 incidents (SLO 100 min)'],
      [true, 'together/deepseek-v3: mean time to resolve 123 min over 2 incidents (SLO 100 min)'],
    ]);
    const text = await cli('traces', 'check', '--db', db);
    expect(text.stdout).toMatch(/pricing_page_change\s+red flag/);
  });

  it('a price change more than a week before the traces begin does not fire', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const rows = ['timestamp,request_id,workload,route,input_tokens,output_tokens', '2026-05-09T00:00:00Z,r1,chat,together/deepseek-v3,1000,100'];
    expect((await cli('traces', 'import', writeTemp('t.csv', rows.join('\n'), dir), '--db', db)).code).toBe(0);
    const r = JSON.parse((await cli('traces', 'check', '--db', db, '--json')).stdout);
    expect(r.signals.filter((x: { id: string }) => x.id === 'pricing_page_change')).toMatchObject([{ fired: false, checked: true }]);
  });
});
