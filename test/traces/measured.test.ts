import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, tempYaml } from '../helpers/cli.js';
import { measuredLcpr, withMeasuredInputs } from '../../src/engine/measured/measured.js';
import { tempDir, writeTemp } from './helpers.js';

// Four requests of identical shape (1000 in, 100 out on GPT-5.5) over exactly one day; r2 retried once; r4 failed.
const CSV = [
  'timestamp,request_id,attempt,workload,route,input_tokens,output_tokens,status,quality',
  '2026-05-01T00:00:00Z,r1,0,w,openai/gpt-5.5,1000,100,ok,pass',
  '2026-05-01T08:00:00Z,r2,0,w,openai/gpt-5.5,1000,100,timeout,unknown',
  '2026-05-01T08:00:01Z,r2,1,w,openai/gpt-5.5,1000,100,ok,pass',
  '2026-05-01T16:00:00Z,r3,0,w,openai/gpt-5.5,1000,100,ok,pass',
  '2026-05-02T00:00:00Z,r4,0,w,openai/gpt-5.5,1000,100,ok,fail',
].join('\n');

async function store() {
  const dir = tempDir();
  const db = join(dir, 's.duckdb');
  const imp = await cli('traces', 'import', writeTemp('t.csv', CSV, dir), '--db', db);
  expect(imp.code).toBe(0);
  return db;
}

describe('measured inputs back into the calculator', () => {
  it('compare --traces replaces assumed inputs with measured ones, labelled measured, side by side', async () => {
    const db = await store();
    const wl = tempYaml('name: w\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 500\noutput_tokens: 50\nretry_rate: 0.10\nquality_pass_rate: 0.5\nroutes: [openai/gpt-5.5]\n');
    const r = await cli('compare', wl, '--traces', db, '--json');
    expect(r.code).toBe(0);
    const [w] = JSON.parse(r.stdout).workloads;
    const byField = Object.fromEntries(w.replaced.map((x: { field: string }) => [x.field, x]));
    expect(byField.retry_rate.assumed.value).toBe(0.1);
    expect(byField.retry_rate.measured).toMatchObject({ value: 0.25, evidence: 'measured' });
    expect(byField.quality_pass_rate.measured.value).toBe(0.75);
    expect(byField.input_tokens.measured.value).toBe(1000);
    // 4 requests in 1 day → 120 per 30-day month.
    expect(byField.requests_per_month.measured.value).toBe(120);
    const measured = w.measured.routes[0];
    // Engine LCPR on the measured profile: (0.008 × 120 × 1.25 + 120 × 0.25 × 0.002 + 8 × 100) ÷ (120 × 0.75).
    expect(measured.lcpr).toBeCloseTo((0.008 * 150 + 0.06 + 800) / 90, 10);
    expect(w.assumed.routes[0].lcpr).not.toBeCloseTo(measured.lcpr, 4);
    const text = await cli('compare', wl, '--traces', db);
    expect(text.stdout).toMatch(/LCPR \(assumed\)\s+LCPR \(measured\)/);
    expect(text.stdout).toMatch(/retry_rate\s+0\.1\s+assumed\s+0\.25/);
  });

  it('compare --uncertainty --traces samples measured rates from their own sampling error, dated by the window', async () => {
    const db = await store();
    const wl = tempYaml('name: w\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 500\noutput_tokens: 50\nretry_rate: 0.10\nquality_pass_rate: 0.5\nroutes: [openai/gpt-5.5]\n');
    const r = await cli('compare', wl, '--uncertainty', '--traces', db, '--samples', '500', '--json');
    expect(r.code).toBe(0);
    const inputs = JSON.parse(r.stdout).workloads[0].uncertainty.inputs as { name: string; value: number; status: string; distribution: { kind: string; of: { kind: string; sigma?: number } } }[];
    const by = Object.fromEntries(inputs.map((i) => [i.name, i]));
    // Pass rate 3 of 4 labelled requests: Agresti–Coull p̃ = (3 + 2)/8, σ = √(p̃(1 − p̃)/8), spread in
    // log-odds (σ ÷ (p(1 − p)), delta method) so samples stay valid rates.
    expect(by.quality_pass_rate).toMatchObject({ value: 0.75, status: 'measured_in_logs', distribution: { kind: 'logit', of: { kind: 'normal' } } });
    expect(by.quality_pass_rate!.distribution.of.sigma).toBeCloseTo(Math.sqrt((5 / 8) * (3 / 8) / 8) / (0.75 * 0.25), 12);
    // Retry rate 1 of 4 requests: p̃ = 3/8.
    expect(by.retry_rate!.distribution.of.sigma).toBeCloseTo(Math.sqrt((3 / 8) * (5 / 8) / 8) / (0.25 * 0.75), 12);
    // The assumed inputs the traces cannot measure keep their assumed spread.
    expect(by.engineering_hourly_rate!.status).toBe('assumed');
    // The same run from measured_from: in the file.
    const withFile = tempYaml(`name: w\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 500\nmeasured_from: ${JSON.stringify(db)}\nroutes: [openai/gpt-5.5]\n`);
    const f = await cli('compare', withFile, '--uncertainty', '--samples', '500', '--json');
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout).workloads[0].uncertainty.inputs.find((i: { name: string }) => i.name === 'quality_pass_rate').value).toBe(0.75);
  });

  it('measured_from: in the workload file does what --traces does (path relative to the file)', async () => {
    const db = await store();
    const wl = tempYaml(`name: w\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 500\nmeasured_from: ${JSON.stringify(db)}\nroutes: [openai/gpt-5.5]\n`);
    const r = await cli('compare', wl, '--json');
    expect(r.code).toBe(0);
    const [w] = JSON.parse(r.stdout).workloads;
    expect(w.replaced.find((x: { field: string }) => x.field === 'retry_rate').measured.value).toBe(0.25);
    const missing = tempYaml('name: w\nrequests_per_month: 1000\ninput_tokens: 500\nmeasured_from: nowhere.duckdb\nroutes: [openai/gpt-5.5]\n');
    const m = await cli('compare', missing);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/no trace store at .*nowhere\.duckdb/);
  });

  it('a workload without traces keeps its assumptions and says so', async () => {
    const db = await store();
    const wl = tempYaml('name: other\nrequests_per_month: 1000\ninput_tokens: 500\nroutes: [openai/gpt-5.5]\n');
    const r = await cli('compare', wl, '--traces', db);
    expect(r.stdout).toMatch(/no traces for workload "other"/);
  });

  it('whatif: billed LCPR from traces equals the engine on the traced route when every attempt has the same shape', async () => {
    const db = await store();
    const r = await cli('traces', 'whatif', '--db', db, '--workload', 'w', '--route', 'together/deepseek-v3', '--as-of', '2026-05-15', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const traced = out.routes.find((x: { route: string }) => x.route === 'openai/gpt-5.5');
    expect(out.measuredBilled.lcpr).toBeCloseTo(traced.lcpr, 10);
    // DeepSeek V3 at $0.60/$1.70: 1000 × 0.6 + 100 × 1.7 = $0.00077 per attempt.
    expect(out.whatif.rawCostPerRequest).toBeCloseTo(0.00077, 12);
    expect(out.whatif.inputs.retryRate).toMatchObject({ value: 0.25, evidence: 'measured' });
    const bad = await cli('traces', 'whatif', '--db', db, '--workload', 'nope', '--route', 'together/deepseek-v3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workload "nope" has no traces .* it has: w/);
  });
});

describe('engine measuredLcpr', () => {
  const window = { windowDays: 30, requests: 1000, attempts: 1100, labelled: 1000, passed: 900, escalated: 10, tokenCostUsd: 50, unpricedAttempts: 0, naiveCostPerRequest: 0.045 };
  it('decomposes (tokens + repair + engineering + eval + human + ops) ÷ accepted', () => {
    const r = measuredLcpr(window, { repairCostPerFailure: 0.01, engineeringHoursPerMonth: 2, engineeringHourlyRate: 100, evalCostPerMonth: 30, humanCostPerEscalation: 5, opsCostPerMonth: 20 });
    // A window known only by its length: 30 days ÷ (365.25/12) of a month of engineering, eval and ops.
    const monthly = ((200 + 30 + 20) * 30) / (365.25 / 12);
    expect(r.totalCostUsd).toBeCloseTo(50 + 1 + 50 + monthly, 12);
    expect(r.lcpr).toBeCloseTo((101 + monthly) / 900, 12);
    expect(r.retryRate).toBeCloseTo(0.1, 12);
    expect(r.overheadRatio).toBeCloseTo((101 + monthly) / 900 / 0.045, 10);
  });
  it('gives no LCPR, never $0, when attempts are unpriced or nothing is labelled', () => {
    expect(measuredLcpr({ ...window, unpricedAttempts: 3 }).lcpr).toBeNull();
    expect(measuredLcpr({ ...window, unpricedAttempts: 3 }).missing).toMatch(/3 attempts have no catalog price/);
    expect(measuredLcpr({ ...window, labelled: 0, passed: 0 }).missing).toMatch(/no request has a quality label/);
    expect(() => measuredLcpr({ ...window, passed: 2000 })).toThrow(/inconsistent window/);
    expect(() => measuredLcpr({ ...window, windowDays: 0 })).toThrow(/windowDays is 0/);
  });
  it('withMeasuredInputs labels every replaced input measured and scales requests to 30 days', () => {
    const { profile, replaced } = withMeasuredInputs(
      { requestsPerMonth: 5, inputTokens: 1, outputTokens: 1, retryRate: 0, qualityPassRate: 1, repairCostPerFailure: 0, engineeringHoursPerMonth: 0, engineeringHourlyRate: 0 },
      { windowDays: 7, requests: 700, attempts: 770, meanInputTokens: 900, meanOutputTokens: 90, cacheHitRate: 0.3, cacheWriteRate: 0, batchShare: 0.2, passRate: 0.9, escalationRate: 0.01, labelled: 400, measuredAt: '2026-05-07' },
      'test',
    );
    // Volumes and token means carry no sample of their own: the evidence-based default spread applies.
    expect(profile.requestsPerMonth).toEqual({ value: 3000, evidence: 'measured', source: 'test', status: 'measured_in_logs', measuredAt: '2026-05-07' });
    expect(replaced.every((r) => r.measured.evidence === 'measured' && r.measured.measuredAt === '2026-05-07')).toBe(true);
    const got = (f: string) => replaced.find((r) => r.field === f)!.measured;
    expect(got('retryRate').value).toBeCloseTo(0.1, 12);
    // Rates carry the sample they were measured on: pass rate over the labelled requests, shares over attempts.
    expect(got('qualityPassRate').uncertainty).toEqual({ sampleSize: 400 });
    expect(got('retryRate').uncertainty).toEqual({ sampleSize: 700 });
    expect(got('cacheHitRate').uncertainty).toEqual({ sampleSize: 770 });
    expect(got('humanEscalationRate').uncertainty).toEqual({ sampleSize: 700 });
    expect(got('inputTokens').uncertainty).toBeUndefined();
  });
});
