import type { ChartSpec } from '../charts/types.js';

/** Inline text: plain, or strong. */
export type Inline = string | { strong: string };

export interface Table {
  head: string[];
  rows: string[][];
  /** Right-align these columns (numbers). */
  numeric?: number[];
  caption?: string;
}

/**
 * The report as blocks: one structure, rendered to HTML (with SVG charts) and to Markdown (charts
 * become their tables), so both formats always carry the same sections.
 */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; id?: string }
  | { kind: 'paragraph'; text: Inline[]; tone?: 'lead' | 'note' | 'warn' }
  | { kind: 'table'; table: Table }
  | { kind: 'figure'; id: string; spec: ChartSpec; width: number; height: number; caption: string }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'verdict'; workload: string; action: string; tone: 'go' | 'stay' | 'measure' | 'none'; text: Inline[][] }
  | { kind: 'pagebreak' };
