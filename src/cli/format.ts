import Table from 'cli-table3';
import type { Sourced } from '../engine/evidence.js';

/** USD per request: four decimals as the seeds print them, more when that would show $0.0000-ish. */
export function usdPerRequest(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.001) return `$${n.toPrecision(3)}`;
  return `$${n.toFixed(4)}`;
}

export function usd(n: number, digits = 0): string {
  const s = Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${n < 0 ? '-' : ''}$${s}`;
}

export function ratio(n: number | null): string {
  if (n === null) return '—';
  return n >= 10 ? `${n.toFixed(1)}x` : `${n.toFixed(2)}x`;
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function percent(n: number, digits = 1): string {
  return `${(n * 100).toFixed(digits)}%`;
}

export function quantityText(s: Sourced): string {
  return `${s.value.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;
}

/** A plain table: no colours, so it reads the same in a terminal, a CI log and a pasted issue. */
export function table(head: string[], rows: (string | number)[][], align: ('left' | 'right')[] = []): string {
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
  });
  for (const r of rows) t.push(r.map(String));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** RFC 4180 CSV with rounded numbers and neutralized formula-like text: the one writer, src/io/csv.ts. */
export { csv, type CsvColumn } from '../io/csv.js';

/** camelCase engine field → the snake_case key users write. */
export function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
