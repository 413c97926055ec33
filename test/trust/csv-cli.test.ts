import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from '../helpers/cli.js';

const ex = (name: string) => join(resolve(import.meta.dirname, '../..'), 'examples', name);

describe('compare --csv and matrix --csv through the one CSV writer (issue 11 item 9, issue 17)', () => {
  it('compare --csv: money to cents, no float noise', async () => {
    const r = await cli('compare', ex('saas-chat.yaml'), '--csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/\d\.\d*0000000\d|\d\.\d*9999999\d/);
    const [head, ...rows] = r.stdout.trim().split('\n').map((l) => l.split(','));
    const deepinfra = rows.find((x) => x[2] === 'deepinfra/gpt-oss-120b')!;
    expect(deepinfra[head!.indexOf('monthly_cost')]).toBe('905.21');
  });
  it('a workload named like a formula is neutralized in compare and matrix CSV; negative numbers stay numbers', async () => {
    const text = readFileSync(ex('saas-chat.yaml'), 'utf8').replace(/^name: .*$/m, 'name: "=HYPERLINK(\\"http://evil\\",\\"x\\")"');
    const r = await cli('compare', tempYaml(text), '--csv');
    expect(r.code, r.stderr).toBe(0);
    for (const line of r.stdout.trim().split('\n').slice(1)) expect(line.startsWith(`"'=HYPERLINK(`)).toBe(true);
  });
});
