import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cents, csv, csvCell, sig6 } from '../../src/io/csv.js';

describe('the CSV writer rounds numbers and neutralizes formulas (issue 11 item 9, issue 17)', () => {
  it('money to cents, rates to 6 significant digits, no float noise', () => {
    expect(csvCell(905.2080000000001, 'money')).toBe('905.21');
    expect(csvCell(50.00000000000004, 'number')).toBe('50');
    expect(csvCell(0.0014462063633660423, 'number')).toBe('0.00144621');
    expect(csvCell(12451.45631067961, 'number')).toBe('12451.5');
    expect(csvCell(-3.14159265, 'money')).toBe('-3.14');
    expect(cents(0.1 + 0.2)).toBe(0.3);
    expect(sig6(1234567.89)).toBe(1234568);
  });
  it('text cells starting with = + - @ tab or CR get a leading quote; numbers, negative ones too, stay numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")', 'text')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const c of ['+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(c, 'text').replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(-12.5, 'money')).toBe('-12.5');
    expect(csvCell('-12.5', 'text')).toBe('-12.5');
    expect(csvCell('plain', 'text')).toBe('plain');
  });
  it('a whole document: header, quoting, nulls empty', () => {
    const out = csv([{ name: 'workload', kind: 'text' }, { name: 'monthly_cost', kind: 'money' }, 'lcpr'], [['=evil', 905.2080000000001, 0.00190526315789], ['a,b', null, -0.5]]);
    expect(out).toBe("workload,monthly_cost,lcpr\n'=evil,905.21,0.00190526\n\"a,b\",,-0.5\n");
  });
  it('property: no text cell starts with a formula character, and every finite number round-trips within its rounding', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const c = csvCell(s, 'text');
        const unquoted = c.startsWith('"') ? c.slice(1) : c;
        if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) expect(unquoted).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
        expect(Math.abs(Number(csvCell(x, 'money')) - x)).toBeLessThanOrEqual(0.005 + 1e-9 * Math.abs(x));
        expect(Math.abs(Number(csvCell(x, 'number')) - x)).toBeLessThanOrEqual(Math.abs(x) * 5e-6 + 1e-300);
      }),
    );
  });
});
