import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

// Issue 11, item 3: summarize, whatif and reconcile's trace-to-margin gave three costs per accepted output for
// the same month of the same route. Same store + same workload file → one figure and one list of overheads.
// May 2026: 10 requests × (1000 in, 100 out) on GPT-5.5 at $5/$30 per M = 10 × $0.008 = $0.08; 8 pass, 2 fail.
function traces(): string {
  const rows = ['timestamp,request_id,attempt,workload,provider,model,input_tokens,output_tokens,quality'];
  for (let i = 0; i < 10; i++) rows.push(`2026-05-0${(i % 9) + 1}T10:00:00Z,r${i},0,w,openai,gpt-5.5,1000,100,${i < 2 ? 'fail' : 'pass'}`);
  return rows.join('\n');
}

describe('one measured cost per accepted output on every surface', () => {
  it('summarize --json, whatif --json and reconcile --json agree with the same workload file', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    // The invoice equals the traces, so the reconciliation delta is $0.
    const inv = writeTemp('invoice.csv', 'period,provider,model,quantity,unit,amount\n2026-05,openai,gpt-5.5,11000,tokens,0.08\n', dir);
    const imp = await cli('traces', 'import', writeTemp('t.csv', traces(), dir), inv, '--db', db);
    expect(imp.code, imp.stderr).toBe(0);
    // Per-request overheads only (engineering 0 h), so the window each surface prorates over cannot matter.
    const wl = tempYaml('name: w\nas_of: 2026-05-15\nrequests_per_month: 10\ninput_tokens: 1000\noutput_tokens: 100\nrepair_cost_per_failure: 0.5\nengineering_hours_per_month: 0\nhuman_cost_per_escalation: 3\nroutes: [openai/gpt-5.5]\n');
    // Hand-computed: (traces $0.08 + repair 2 failures × $0.50 + engineering 0 h × $100 + human 0 × $3) ÷ 8 accepted = $1.08 ÷ 8 = $0.135.
    const expected = (0.08 + 2 * 0.5 + 0 * 100 + 0 * 3) / 8;

    const s = await cli('traces', 'summarize', '--db', db, '--by', 'workload', '--workload', wl, '--json');
    expect(s.code, s.stderr).toBe(0);
    const sl = JSON.parse(s.stdout).groups[0].lcpr;
    const w = await cli('traces', 'whatif', '--db', db, '--workload', wl, '--json');
    expect(w.code, w.stderr).toBe(0);
    const wb = JSON.parse(w.stdout).workloads[0].measuredBilled;
    // Re-priced as of the traces' own period (last traced day), not the day the command runs.
    expect(JSON.parse(w.stdout).asOf).toBe('2026-05-09');
    const r = await cli('traces', 'reconcile', '--db', db, '--workload', wl, '--json');
    expect(r.code, r.stderr).toBe(0);
    const rm = JSON.parse(r.stdout).providers[0].margin;

    expect(sl.lcpr).toBeCloseTo(expected, 12);
    expect(wb.lcpr).toBeCloseTo(expected, 12);
    expect(rm.loadedCostPerAccepted).toBeCloseTo(expected, 12);
    // Each lists the same overheads, with the same USD and source; reconcile adds the invoice delta ($0 here).
    const names = (xs: { name: string; usd: number; source: string }[]) => xs.filter((x) => x.name !== 'invoiceDelta').map((x) => [x.name, Number(x.usd.toFixed(9)), x.source]);
    expect(names(sl.overheadsIncluded).map((x) => x[0])).toEqual(['repair', 'engineering', 'human']);
    expect(names(wb.overheadsIncluded)).toEqual(names(sl.overheadsIncluded));
    expect(names(rm.overheadsIncluded)).toEqual(names(sl.overheadsIncluded));
    expect(rm.overheadsIncluded.find((x: { name: string }) => x.name === 'invoiceDelta').usd).toBeCloseTo(0, 12);
    expect(sl.overheadsIncluded[0].source).toBe(`${wl}: repair_cost_per_failure`);
  });

  it('summarize refuses a workload file and overhead flags together, and says which overheads a text figure includes', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    await cli('traces', 'import', writeTemp('t.csv', traces(), dir), '--db', db);
    const wl = tempYaml('name: w\nrequests_per_month: 10\nroutes: [openai/gpt-5.5]\n');
    const both = await cli('traces', 'summarize', '--db', db, '--workload', wl, '--ops-cost-per-month', '5');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--workload gives the overheads; drop --ops-cost-per-month/);
    const text = await cli('traces', 'summarize', '--db', db, '--ops-cost-per-month', '5');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/overheads included: ops \$[0-9.]+ \(--ops-cost-per-month flag\); not included \(counted as \$0\): repair, engineering, eval, human, invoiceDelta/);
  });
});
