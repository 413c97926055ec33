import type { Sourced } from '../engine/evidence.js';

/**
 * A figure rounded to 12 significant digits before it is printed: sums of the same costs in another
 * order (a store's parallel sum, a cost priced per group instead of per row) differ in the last bits,
 * and a decimal tie such as $0.10845 would print one way or the other by that noise alone. Settled
 * first, the same figure prints the same from every store.
 */
const settle = (n: number): number => (Number.isFinite(n) && n !== 0 ? Number(n.toPrecision(12)) : n);

/** USD per request: four decimals as the seeds print them, more when that would show $0.0000-ish. */
export function usdPerRequest(raw: number): string {
  const n = settle(raw);
  if (n !== 0 && Math.abs(n) < 0.001) return `$${n.toPrecision(3)}`;
  return `$${n.toFixed(4)}`;
}

export function usd(raw: number, digits = 0): string {
  const n = settle(raw);
  const s = Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${n < 0 ? '-' : ''}$${s}`;
}

export function ratio(raw: number | null): string {
  if (raw === null) return '—';
  const n = settle(raw);
  return n >= 10 ? `${n.toFixed(1)}x` : `${n.toFixed(2)}x`;
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function percent(n: number, digits = 1): string {
  return `${settle(n * 100).toFixed(digits)}%`;
}

export function quantityText(s: Sourced): string {
  return `${s.value.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;
}

/** A plain table: no colours, so it reads the same in a terminal, a CI log and a pasted issue. */
/**
 * The one terminal table renderer (issue 11, "Terminal tables wrap at the terminal's width"): columns two
 * spaces apart; with a width (--width N, else the terminal's when stdout is one; --wide or a pipe: none) the
 * widest columns shrink until the row fits, first to their longest word, then breaking words, and cells wrap
 * onto continuation lines under their column. `width` defaults to the one the running command set.
 */
export function table(head: string[], rows: (string | number)[][], align: ('left' | 'right')[] = [], width = currentWidth): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const n = Math.max(...cells.map((r) => r.length));
  const col = (i: number) => cells.map((r) => r[i] ?? '');
  const widths = Array.from({ length: n }, (_, i) => Math.max(0, ...col(i).map((c) => c.length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (n - 1);
  if (width !== undefined) {
    const longestWord = Array.from({ length: n }, (_, i) => Math.max(0, ...col(i).flatMap((c) => c.split(' ').map((w) => w.length))));
    // Phase 1 keeps words whole; phase 2 breaks them, down to 6 columns a cell.
    for (const floor of [(i: number) => longestWord[i]!, (i: number) => Math.min(widths[i]!, 6)]) {
      while (total() > width) {
        let k = -1;
        for (let i = 0; i < n; i++) if (widths[i]! > floor(i) && (k < 0 || widths[i]! > widths[k]!)) k = i;
        if (k < 0) break;
        widths[k]!--;
      }
    }
  }
  const out: string[] = [];
  for (const r of cells) {
    const wrapped = Array.from({ length: n }, (_, i) => wrapCell(r[i] ?? '', widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let h = 0; h < height; h++) {
      out.push(wrapped.map((w, i) => (align[i] === 'right' ? (w[h] ?? '').padStart(widths[i]!) : (w[h] ?? '').padEnd(widths[i]!))).join('  ').trimEnd());
    }
  }
  return out.join('\n');
}

/** A cell's text in lines of at most `w` columns: at spaces, and inside a word only when it is longer than `w`. */
function wrapCell(text: string, w: number): string[] {
  if (text.length <= w || w <= 0) return [text];
  const lines: string[] = [];
  let cur = '';
  for (let word of text.split(' ')) {
    while (word.length > w) {
      if (cur) {
        lines.push(cur);
        cur = '';
      }
      lines.push(word.slice(0, w));
      word = word.slice(w);
    }
    if (!cur) cur = word;
    else if (cur.length + 1 + word.length <= w) cur += ` ${word}`;
    else {
      lines.push(cur);
      cur = word;
    }
  }
  if (cur || !lines.length) lines.push(cur);
  return lines;
}

let currentWidth: number | undefined;
/** Set by the command runner from --width/--wide (command.ts): every table and wrapped line of the command fits it. */
export function setOutputWidth(width: number | undefined): void {
  currentWidth = width;
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
      // Tables are fitted by `table`; a longer line is prose (or padded text) and wraps at its spaces.
      const body = line.slice(indent.length).replace(/ {2,}/g, ' ');
      const out: string[] = [];
      let cur = indent;
      const cont = `${indent}  `;
      for (const word of body.split(' ')) {
        const base = out.length ? cont : indent;
        if (cur.length > base.length && cur.length + 1 + word.length > width) {
          out.push(cur);
          cur = cont + word;
        } else cur = cur.length > base.length ? `${cur} ${word}` : cur + word;
        // A word longer than the line (a URL, a path) is cut, so no line exceeds the width.
        while (cur.length > width) {
          out.push(cur.slice(0, width));
          cur = cont + cur.slice(width);
        }
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
