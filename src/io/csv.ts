/**
 * The one CSV writer of every surface (compare --csv, matrix --csv, reports): RFC 4180 quoting,
 * numbers rounded so float noise never reaches a spreadsheet (905.2080000000001 → 905.21 as money,
 * 50.00000000000004 → 50 as a rate), and text cells that a spreadsheet would run as a formula
 * neutralized (issue 17: a workload named `=HYPERLINK(…)`). Numbers, negative ones included, stay
 * numbers.
 */

/** money: a USD total, to cents. number: a rate, ratio or unit price, to 6 significant digits. text: as given. */
export type CsvKind = 'money' | 'number' | 'text';
export interface CsvColumn {
  name: string;
  kind: CsvKind;
}
export type CsvValue = string | number | boolean | null | undefined;

import { sig6 } from '../engine/units.js';

export { sig6 };

/** A USD amount to cents, without float noise: 905.2080000000001 → 905.21. */
export function cents(x: number): number {
  return Math.round(x * 100) / 100 || 0;
}


const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** Characters a spreadsheet reads as the start of a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell's text: a number rounded for its column, a formula-like text prefixed with `'`, quoted when needed. */
export function csvCell(v: CsvValue, kind: CsvKind = 'number'): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`a CSV cell would hold ${v}: the engine must refuse non-finite values before rendering`);
    s = String(kind === 'money' ? cents(v) : kind === 'number' ? sig6(v) : v);
  } else if (typeof v === 'boolean') {
    s = String(v);
  } else {
    // A text that is a plain number (e.g. "-5") is a number, not a formula; anything else starting
    // with = + - @ tab or CR is neutralized.
    s = FORMULA_START.test(v) && !NUMERIC.test(v) ? `'${v}` : v;
  }
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document: a header and rows; a plain string column is kind `number` for numbers and text otherwise. */
export function csv(head: (string | CsvColumn)[], rows: CsvValue[][]): string {
  const cols = head.map((h) => (typeof h === 'string' ? { name: h, kind: 'number' as const } : h));
  const lines = [cols.map((c) => csvCell(c.name, 'text')), ...rows.map((r) => r.map((v, i) => csvCell(v, cols[i]?.kind ?? 'number')))];
  return lines.map((l) => l.join(',')).join('\n') + '\n';
}
