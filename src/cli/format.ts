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

/**
 * Wraps the prose lines of a text output (notes, prices, reasons) at `width`, continuing each under
 * its own indent plus two spaces; table rows (two or more spaces between columns) are left whole.
 * No width: unchanged (a pipe or `--wide`).
 */
export function wrapProse(text: string, width: number | undefined): string {
  if (!width || width < 40) return text;
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.length <= width) return [line];
      const indent = /^ */.exec(line)![0];
      const body = line.slice(indent.length);
      if (/\S {2,}\S/.test(body)) return [line];
      const out: string[] = [];
      let cur = indent;
      const cont = `${indent}  `;
      for (const word of body.split(' ')) {
        const base = out.length ? cont : indent;
        if (cur.length > base.length && cur.length + 1 + word.length > width) {
          out.push(cur);
          cur = cont + word;
        } else cur = cur.length > base.length ? `${cur} ${word}` : cur + word;
      }
      out.push(cur);
      return out;
    })
    .join('\n');
}

/** The width text output wraps at: --width, else the terminal's when stdout is one; --wide: none. */
export function outputWidth(opts: { wide?: boolean; width?: number }): number | undefined {
  if (opts.wide) return undefined;
  if (opts.width !== undefined) return opts.width;
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}
