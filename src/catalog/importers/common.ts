import { InputFileError } from '../../io/yaml-file.js';

/** One price point read from a source file, in USD per million tokens. */
export interface ImportedPrice {
  /** When the source dates the price (genai-prices start dates); otherwise the file's date applies. */
  effective?: string;
  input?: number;
  output?: number;
  cached_input?: number;
  cache_write_5m?: number;
  cache_write_1h?: number;
  batch_input?: number;
  batch_output?: number;
  long_context?: { threshold_tokens: number; input: number; output: number; cached_input?: number };
}

export interface ImportedEntry {
  /** The entry's key in the source file, for the source string and error messages. */
  entry: string;
  /** routefit provider id. */
  provider: string;
  /** The provider's own model id. */
  model: string;
  name?: string;
  points: ImportedPrice[];
}

export interface ParseResult {
  entries: ImportedEntry[];
  /** Entries left out on purpose (not a chat model, a provider routefit does not know), counted by reason. */
  skipped: Record<string, number>;
  /** Entries that are malformed: listed one by one, never dropped silently. */
  rejected: { entry: string; reason: string }[];
}

export const emptyResult = (): ParseResult => ({ entries: [], skipped: {}, rejected: [] });
export const skip = (r: ParseResult, reason: string) => void (r.skipped[reason] = (r.skipped[reason] ?? 0) + 1);

/** Prices above this (USD per million tokens) are taken as a unit mistake, not a price. */
export const MAX_PRICE_PER_MILLION = 10_000;

/** A per-token or per-million figure as USD per million: finite, ≥ 0, within range; otherwise a reason. */
export function perMillion(v: unknown, scale: number, field: string): number | string | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return `${field} is ${JSON.stringify(v)}, not a number`;
  if (n < 0) return `${field} is negative (${n})`;
  const out = Number((n * scale).toPrecision(12));
  if (out > MAX_PRICE_PER_MILLION) return `${field} is $${out} per million tokens, above the $${MAX_PRICE_PER_MILLION} a token price can be (wrong unit?)`;
  return out;
}

/** JSON.parse with the failure as a file:line error. */
export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg)?.[1];
    const line = pos !== undefined ? text.slice(0, Number(pos)).split('\n').length : undefined;
    throw new InputFileError(file, [{ ...(line ? { line } : {}), message: `malformed JSON: ${msg}` }]);
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Collects a point's fields, or the first reason the entry is malformed. */
export function point(fields: [keyof Omit<ImportedPrice, 'effective' | 'long_context'>, unknown, string][], scale: number): ImportedPrice | string {
  const p: ImportedPrice = {};
  for (const [k, v, name] of fields) {
    const x = perMillion(v, scale, name);
    if (typeof x === 'string') return x;
    if (x !== undefined) p[k] = x;
  }
  return p;
}
