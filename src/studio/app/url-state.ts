/**
 * The whole Studio state in the URL: versioned, lz-string compressed, in the hash (never sent to the
 * server). A link reopens the same file, edits, view, selection and pinned scenarios.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import type { Edit } from '../pricing.js';

export const STATE_VERSION = 1;
export const VIEWS = ['compare', 'editor', 'volume', 'dedicated', 'sensitivity', 'decisions', 'sizing', 'calculators', 'agent', 'traces', 'catalog'] as const;
export type View = (typeof VIEWS)[number];

export interface Scenario {
  name: string;
  edits: Edit[];
}

export interface StudioState {
  v: typeof STATE_VERSION;
  file: string | null;
  /** Unsaved changes to the file, in order; the last edit of a path wins. */
  edits: Edit[];
  view: View;
  /** Index of the workload in the file. */
  workload: number;
  /** Route whose working is open in Compare. */
  route: string | null;
  /** Up to four pinned scenarios, shown as cards. */
  pins: Scenario[];
  /** View-specific settings (catalog date, traces filters, sizing inputs). */
  opts: Record<string, string | number>;
}

export const MAX_PINS = 4;

export function initialState(file: string | null): StudioState {
  return { v: STATE_VERSION, file, edits: [], view: 'compare', workload: 0, route: null, pins: [], opts: {} };
}

export function encodeState(s: StudioState): string {
  return `#s=${compressToEncodedURIComponent(JSON.stringify(s))}`;
}

export type Decoded = { ok: true; state: StudioState } | { ok: false; reason: string } | { ok: 'none' };

/** Reads `#s=…`; a link from a newer Studio or a damaged one says so instead of opening half a state. */
export function decodeState(hash: string): Decoded {
  const m = /^#s=(.+)$/.exec(hash);
  if (!m) return { ok: 'none' };
  const json = decompressFromEncodedURIComponent(m[1]!);
  if (!json) return { ok: false, reason: 'the link is damaged (it does not decompress)' };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'the link is damaged (not JSON)' };
  }
  const o = raw as Partial<StudioState>;
  if (o === null || typeof o !== 'object') return { ok: false, reason: 'the link holds no state' };
  if (o.v !== STATE_VERSION) return { ok: false, reason: `the link is state version ${String(o.v)}; this Studio reads version ${STATE_VERSION}` };
  const edits = Array.isArray(o.edits) ? o.edits.filter(isEdit) : [];
  return {
    ok: true,
    state: {
      v: STATE_VERSION,
      file: typeof o.file === 'string' ? o.file : null,
      edits,
      view: VIEWS.includes(o.view as View) ? (o.view as View) : 'compare',
      workload: Number.isInteger(o.workload) && (o.workload as number) >= 0 ? (o.workload as number) : 0,
      route: typeof o.route === 'string' ? o.route : null,
      pins: Array.isArray(o.pins)
        ? o.pins
            .filter((p): p is Scenario => p !== null && typeof p === 'object' && typeof p.name === 'string' && Array.isArray(p.edits))
            .slice(0, MAX_PINS)
            .map((p) => ({ name: p.name, edits: p.edits.filter(isEdit) }))
        : [],
      opts: o.opts && typeof o.opts === 'object' ? Object.fromEntries(Object.entries(o.opts).filter(([, v]) => typeof v === 'string' || typeof v === 'number')) : {},
    },
  };
}

function isEdit(e: unknown): e is Edit {
  return e !== null && typeof e === 'object' && Array.isArray((e as Edit).path) && (e as Edit).path.every((k) => typeof k === 'string' || typeof k === 'number');
}

/** Adds or replaces the edit of one path (keeps the list short: one entry per path). */
export function withEdit(edits: readonly Edit[], path: Edit['path'], value: unknown): Edit[] {
  const key = JSON.stringify(path);
  return [...edits.filter((e) => JSON.stringify(e.path) !== key), { path, value }];
}

/**
 * Writes the state into the URL once the edits pause (compressing the state and replaceState cost a
 * few ms, every keystroke). `<html data-url>` says "pending" until the address bar holds the state;
 * leaving the page or "Copy link" writes it at once.
 */
const URL_WRITE_DELAY_MS = 100;
let pending: StudioState | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
export function writeUrlSoon(s: StudioState): void {
  pending = s;
  document.documentElement.dataset.url = 'pending';
  if (timer === undefined) timer = setTimeout(flushUrl, URL_WRITE_DELAY_MS);
}

export function flushUrl(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (pending) history.replaceState(null, '', encodeState(pending));
  pending = undefined;
  document.documentElement.dataset.url = 'current';
}
