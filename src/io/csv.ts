/**
 * RFC 4180 CSV that is safe to open in a spreadsheet: a text cell starting with = + - @ (or a tab or
 * carriage return) would run as a formula (CSV injection), so it is prefixed with a single quote.
 * Numbers are written as numbers: a negative number is data, not a formula.
 */
export type CsvValue = string | number | null | undefined;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`CSV cell is ${v}: only finite numbers are written`);
    return String(v);
  }
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(head: string[], rows: CsvValue[][]): string {
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
