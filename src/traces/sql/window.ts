import { parseInstant } from '../time-window.js';
import type { Params } from './params.js';
import type { Dialect } from './dialect.js';

/** A --from (inclusive) / --to (exclusive) window as given on the command line (ISO dates or timestamps, UTC unless an offset is given). */
export interface Window {
  from?: string;
  to?: string;
}

/** A flag's instant as epoch microseconds: parsed to one UTC instant first (time-window.ts parseInstant: a bad date names the flag). */
export function flagToMicros(flag: string, v: string): number {
  const iso = parseInstant(flag, v);
  return Date.parse(iso) * 1000 + (Number(iso.slice(23, 26)) || 0);
}

/** The window's bounds as epoch microseconds (each checked when parsed). */
export function windowMicros(w: Window): { fromUs?: number; toUs?: number } {
  return { ...(w.from !== undefined ? { fromUs: flagToMicros('--from', w.from) } : {}), ...(w.to !== undefined ? { toUs: flagToMicros('--to', w.to) } : {}) };
}

/** The window's predicates on a timestamp column (default the attempts' `ts`), bound as microseconds; [] without a window. */
export function windowPredicates(d: Dialect, p: Params, w: Window, column = d.ts): string[] {
  const { fromUs, toUs } = windowMicros(w);
  const out: string[] = [];
  if (fromUs !== undefined) out.push(`${column} >= ${d.fromMicros(p.bind('Int64', fromUs))}`);
  if (toUs !== undefined) out.push(`${column} < ${d.fromMicros(p.bind('Int64', toUs))}`);
  return out;
}

/** `WHERE …` of the predicates, or ''. */
export const where = (preds: readonly string[]): string => (preds.length ? `WHERE ${preds.join(' AND ')}` : '');
