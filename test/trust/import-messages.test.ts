import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from '../helpers/cli.js';
import { tempDir } from '../traces/helpers.js';

describe('traces import messages say what happened (issue 11 "Words that read backwards")', () => {
  it('a folder is a folder, not "file not found"', async () => {
    const dir = join(tempDir(), 'adir');
    mkdirSync(dir);
    const r = await cli('traces', 'import', dir, '--db', join(tempDir(), 't.duckdb'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a folder; give the files inside it');
    expect(r.stderr).not.toContain('file not found');
  });
  it('an invoice CSV with a vendor column is an invoice, not traces', async () => {
    const dir = tempDir();
    const f = join(dir, 'inv.csv');
    writeFileSync(f, 'period,vendor,sku,quantity,unit,amount\n2026-05,OpenAI,gpt-5.5,1,month,300\n');
    const r = await cli('traces', 'import', f, '--db', join(dir, 't.duckdb'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"format": "invoice"/);
  });
  it("importing routefit's own generated file warns about no out-of-order rows", async () => {
    const dir = tempDir();
    const out = join(dir, 'g.csv');
    const w = tempYaml('name: w\nrequests_per_month: 20000\ninput_tokens: 500\noutput_tokens: 100\nretry_rate: 0.2\nquality_pass_rate: 0.9\nroutes: [openai/gpt-5.5]\n');
    expect((await cli('traces', 'generate', '--workload', w, '--out', out, '--days', '3')).code).toBe(0);
    const r = await cli('traces', 'import', out, '--db', join(dir, 't.duckdb'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/earlier than the row before them/);
  });
});
