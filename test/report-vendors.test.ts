import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vendorsOfFile } from '../src/report/model.js';
import { EXAMPLES } from './helpers/claims.js';
import { cli, tempYaml } from './helpers/cli.js';

const FLEET = resolve(EXAMPLES, 'fleet.yaml');
const VENDORS = resolve(EXAMPLES, 'vendors.yaml');

interface Card { vendor: string; outcome: string; gates: { rule: string; status: string }[] }

async function mdReport(file: string): Promise<{ md: string; csv: string[][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'routefit-report-'));
  const r = await cli('report', file, '--out', join(dir, 'r.md'));
  expect(r.code, r.stderr).toBe(0);
  const csvText = readFileSync(join(dir, 'r.csv'), 'utf8');
  return { md: readFileSync(join(dir, 'r.md'), 'utf8'), csv: parseCsv(csvText) };
}

/** RFC 4180 enough for the report's CSV: quoted cells with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else if (c !== '\r') cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** vendor, gate rule (or outcome), status: what `scorecard --json` says. */
const expected = (cards: Card[]) => cards.flatMap((c) => [...c.gates.map((g) => [c.vendor, g.rule, g.status]), [c.vendor, 'outcome', c.outcome]]);
const csvVendorRows = (csv: string[][]) => csv.filter((r) => r[0] === 'vendors' && r[3] !== 'negotiation_tier').map((r) => [r[2], r[3], r[4]]);

/** The Markdown scorecard table row of a vendor: its seven gate results and outcome. */
function mdRow(md: string, vendor: string): string[] {
  const at = md.indexOf('### Vendor scorecard: the seven gates');
  expect(at).toBeGreaterThan(0);
  const line = md.slice(at).split('\n').find((l) => l.startsWith(`| ${vendor} |`))!;
  expect(line, vendor).toBeDefined();
  return line.split('|').slice(2, -1).map((s) => s.trim());
}
const WORD: Record<string, string> = { pass: 'Pass', conditional: 'Conditional', fail: 'Fail', unknown: 'Unknown', eliminated: 'Eliminated', deeper_evaluation: 'Evaluate deeper', shortlist: 'Shortlist', incomplete: 'Incomplete' };

describe('report section 4: the seven-gate vendor scorecard is `routefit scorecard`', () => {
  it('examples/fleet.yaml (no vendors block): the CSV and the table give scorecard --json\'s result per vendor and gate, and say the facts are missing', async () => {
    const sc = JSON.parse((await cli('scorecard', FLEET, '--json')).stdout) as { vendors: Card[]; vendorsFrom: string; negotiation: { tier: string } | null };
    expect(sc.vendorsFrom).toBe('route providers');
    const r = await mdReport(FLEET);
    expect(csvVendorRows(r.csv)).toEqual(expected(sc.vendors));
    for (const c of sc.vendors) expect(mdRow(r.md, c.vendor)).toEqual([...c.gates.map((g) => WORD[g.status]), WORD[c.outcome]]);
    expect(r.md).toMatch(/no vendors block: scored the providers of this file's routes .* from no facts/);
    const tier = r.csv.find((x) => x[0] === 'vendors' && x[3] === 'negotiation_tier');
    expect(tier?.[4] ?? null).toBe(sc.negotiation?.tier ?? null);
  });

  it('the vendors of examples/vendors.yaml: the report scores them as scorecard --json does, gate by gate, with evidence labels and the negotiation tier', async () => {
    // examples/vendors.yaml holds vendor facts only (report refuses it: no workload); a fleet that names it by vendors_file carries them into a report.
    const direct = JSON.parse((await cli('scorecard', VENDORS, '--json')).stdout);
    const { file: _f, ...fields } = direct;
    const mine = vendorsOfFile(VENDORS);
    expect('scorecard' in mine).toBe(true);
    if ('scorecard' in mine) {
      const { monthlySpend, ...rest } = mine.scorecard;
      expect(rest).toEqual(fields);
      expect(monthlySpend).toBe(42000);
    }
    const fleet = tempYaml(readFileSync(FLEET, 'utf8') + `\nvendors_file: ${JSON.stringify(VENDORS)}\n`, 'fleet.yaml');
    const sc = JSON.parse((await cli('scorecard', fleet, '--json')).stdout) as { vendors: Card[]; vendorsFrom: string };
    expect(sc.vendorsFrom).toBe('vendors_file');
    expect(sc.vendors.map((c) => c.vendor)).toEqual(direct.vendors.map((c: Card) => c.vendor));
    const r = await mdReport(fleet);
    expect(csvVendorRows(r.csv)).toEqual(expected(sc.vendors));
    for (const c of sc.vendors) expect(mdRow(r.md, c.vendor)).toEqual([...c.gates.map((g) => WORD[g.status]), WORD[c.outcome]]);
    // A gate the file's facts decide carries their evidence label (vendors.yaml gives uptime_evidence: reported).
    const reliability = r.csv.find((x) => x[0] === 'vendors' && x[2] === 'baseten' && x[3] === 'vendor-reliability')!;
    expect(reliability[6]).toMatch(/reported/);
    expect(r.md).toContain('Elimination rules: a Fail eliminates unless a compensating control exists');
  });

  it('a file scorecard cannot score (no vendors, no provider routes) gets one sentence saying what to add', async () => {
    const r = await cli('scorecard', resolve(EXAMPLES, 'open-vs-closed-tco.yaml'), '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs vendor facts/);
    const v = vendorsOfFile(resolve(EXAMPLES, 'open-vs-closed-tco.yaml'));
    expect(v).toEqual({ needsFacts: expect.stringMatching(/^No vendor is scored: .*add vendors: \[\{name, serves_model/) });
  });
});
