import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

// Issue 10: traces whatif takes the one workload file like every other command (the name form stays).
const EX = join(import.meta.dirname, '..', '..', 'examples');

// Four requests of identical shape (1000 in, 100 out on GPT-5.5) over one day; r2 retried once; r4 failed.
const CSV = [
  'timestamp,request_id,attempt,workload,route,input_tokens,output_tokens,status,quality',
  '2026-05-01T00:00:00Z,r1,0,w,openai/gpt-5.5,1000,100,ok,pass',
  '2026-05-01T08:00:00Z,r2,0,w,openai/gpt-5.5,1000,100,timeout,unknown',
  '2026-05-01T08:00:01Z,r2,1,w,openai/gpt-5.5,1000,100,ok,pass',
  '2026-05-01T16:00:00Z,r3,0,w,openai/gpt-5.5,1000,100,ok,pass',
  '2026-05-02T00:00:00Z,r4,0,w,openai/gpt-5.5,1000,100,ok,fail',
].join('\n');

async function store(): Promise<string> {
  const dir = tempDir();
  const db = join(dir, 's.duckdb');
  const imp = await cli('traces', 'import', writeTemp('t.csv', CSV, dir), '--db', db);
  expect(imp.code, imp.stderr).toBe(0);
  return db;
}

describe('traces whatif --workload FILE', () => {
  it("prices the measured profile on the file's routes with the file's own overheads", async () => {
    const db = await store();
    const wl = tempYaml('name: w\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 500\nrepair_cost_per_failure: 0.5\nengineering_hours_per_month: 2\nroutes: [together/deepseek-v3]\n');
    const r = await cli('traces', 'whatif', '--db', db, '--workload', wl, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.file).toBe(wl);
    const [w] = out.workloads;
    expect(w.workload).toBe('w');
    // DeepSeek V3 at $0.60/$1.70: 1000 × 0.6 + 100 × 1.7 = $0.00077 per attempt (measured tokens, not the file's 500).
    expect(w.whatif.route).toBe('together/deepseek-v3');
    expect(w.whatif.rawCostPerRequest).toBeCloseTo(0.00077, 12);
    expect(w.whatif.inputs.retryRate).toMatchObject({ value: 0.25, evidence: 'measured' });
    // The traces cannot see repair cost or engineering time: the file's values, not the defaults (0.002, 8 h).
    expect(w.whatif.inputs.repairCostPerFailure.value).toBe(0.5);
    expect(w.whatif.inputs.engineeringHoursPerMonth.value).toBe(2);
  });
  it('--route overrides the file routes; --name picks a workload and names the choices when wrong', async () => {
    const db = await store();
    const wl = tempYaml('workloads:\n  - { name: w, requests_per_month: 1000, input_tokens: 10 }\n  - { name: other, requests_per_month: 1000, input_tokens: 10 }\nroutes: [openai/gpt-5.5]\n');
    const r = await cli('traces', 'whatif', '--db', db, '--workload', wl, '--name', 'w', '--route', 'together/deepseek-v3', '--as-of', '2026-05-15', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.workloads.map((x: { workload: string }) => x.workload)).toEqual(['w']);
    expect(out.workloads[0].whatif.route).toBe('together/deepseek-v3');
    const all = await cli('traces', 'whatif', '--db', db, '--workload', wl, '--as-of', '2026-05-15', '--json');
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout).untraced).toEqual(['other']);
    const bad = await cli('traces', 'whatif', '--db', db, '--workload', wl, '--name', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--name "nope" is not a workload of .* \(it has: w, other\)/);
  });
  it('the name form still needs --route and says so', async () => {
    const db = await store();
    const r = await cli('traces', 'whatif', '--db', db, '--workload', 'w');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--route is required with a workload name/);
  });
  it('every example: exit 0, or it says which fact it needs (traces, a workload)', async () => {
    const dir = tempDir();
    const db = join(dir, 'g.duckdb');
    const csv = join(dir, 'g.csv');
    const gen = await cli('traces', 'generate', '--workload', join(EX, 'saas-chat.yaml'), '--rows', '200', '--out', csv);
    expect(gen.code, gen.stderr).toBe(0);
    expect((await cli('traces', 'import', csv, '--db', db)).code).toBe(0);
    for (const f of readdirSync(EX).filter((x) => x.endsWith('.yaml'))) {
      const r = await cli('traces', 'whatif', '--db', db, '--workload', join(EX, f), '--json');
      if (f === 'saas-chat.yaml') {
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).workloads[0].whatifs.length).toBeGreaterThan(1);
      } else {
        expect(r.code, f).toBe(2);
        expect(r.stderr, f).toMatch(/needs (traces|a workload)/);
      }
      expect(r.stdout + r.stderr).not.toMatch(/NaN|Infinity|internal error|unknown key/);
    }
  }, 120_000);
});
