import type { Sourced } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import type { Step } from './lcpr.js';
import type { CacheTtl, TokenPriceSheet } from './token-pricing.js';
import { TOKENS_PER_MILLION } from '../units.js';

const CITE = 'the playbook, ch. 22 (Reversion signals: "cache hit rate drops below the break-even threshold"); prices per the route';

/** Hours a cache entry lives under each TTL: what storage is billed for when a provider charges by the hour. */
export const CACHE_TTL_HOURS: Record<CacheTtl, number> = { '5m': 5 / 60, '1h': 1 };

/** USD per million tokens, the three rates the break-even needs. */
export interface CacheRates {
  input: number;
  cachedInput: number;
  /** Cache-write rate for the TTL (the input rate where writes carry no premium). */
  cacheWrite: number;
  /** Storage, USD per million tokens per hour kept (Gemini-style explicit caches); 0 where none is charged. */
  storagePerMillionPerHour?: number;
  /** Hours each written entry is kept (and billed for storage): the TTL by default. */
  storedHours?: number;
}

export interface CacheBreakEven {
  /** Write rate plus the storage one entry accrues over its life, USD per million tokens. */
  effectiveWritePerMillion: number;
  /**
   * Reads of one written prefix at which caching costs what not caching does:
   * (effective write − input) ÷ (input − cached). 0 when writing costs no more than input; null when
   * a cached read saves nothing (cached ≥ input): caching never pays.
   */
  readsToBreakEven: number | null;
  /** Smallest whole number of reads after which caching is ahead (null: never). */
  minWholeReads: number | null;
  /**
   * Hit rate (reads ÷ (reads + writes) of the cacheable prefix) below which caching loses money:
   * (effective write − input) ÷ (effective write − cached); 0 when writes carry no premium; null: never pays.
   */
  breakEvenHitRate: number | null;
}

function checkRates(r: CacheRates): void {
  requireInRange('price.input', r.input, { min: 0, minExclusive: true });
  requireInRange('price.cachedInput', r.cachedInput, { min: 0 });
  requireInRange('price.cacheWrite', r.cacheWrite, { min: 0 });
  requireInRange('storagePerMillionPerHour', r.storagePerMillionPerHour ?? 0, { min: 0 });
  requireInRange('storedHours', r.storedHours ?? 0, { min: 0 });
}

/**
 * The cache break-even. One write of a prefix followed by N reads costs W + N·C (W = write rate plus
 * storage over the entry's life, C = cached rate); the same N + 1 requests uncached cost (N + 1)·I.
 * Equal at N* = (W − I) ÷ (I − C). Per lookup, a hit rate h costs h·C + (1 − h)·W against I: equal at
 * h* = (W − I) ÷ (W − C) = N* ÷ (N* + 1). Both follow from the provider's price sheet alone.
 */
export function cacheBreakEven(r: CacheRates): CacheBreakEven {
  checkRates(r);
  const w = r.cacheWrite + (r.storagePerMillionPerHour ?? 0) * (r.storedHours ?? 0);
  if (r.cachedInput >= r.input) return { effectiveWritePerMillion: w, readsToBreakEven: null, minWholeReads: null, breakEvenHitRate: null };
  const premium = Math.max(0, w - r.input);
  const n = premium / (r.input - r.cachedInput);
  // Ahead after the first whole read count strictly past N* (at exactly N* the two cost the same).
  const whole = premium === 0 ? 0 : Math.floor(n + 1e-12) + 1;
  return { effectiveWritePerMillion: w, readsToBreakEven: n, minWholeReads: whole, breakEvenHitRate: premium === 0 ? 0 : premium / (w - r.cachedInput) };
}

export interface CacheGateInput {
  routeId: string;
  prices: TokenPriceSheet;
  ttl: CacheTtl;
  /** Storage, USD per million tokens per hour, where the provider charges it. */
  storagePerMillionPerHour?: number;
  /** Hours each entry is kept; default the TTL's. */
  storedHours?: number;
  /** Tokens in the cached prefix, for the dollar view (default 1,000,000: per million). */
  prefixTokens?: number;
  /** Read counts to show the savings at (default 0, 1, 2, 5, 10, 100). */
  reads?: number[];
  /** The workload's hit rate on the cacheable prefix, to say which side of the gate it is on. */
  hitRate?: number;
}

export interface CacheGate extends CacheBreakEven {
  routeId: string;
  ttl: CacheTtl;
  rates: Required<Pick<CacheRates, 'input' | 'cachedInput' | 'cacheWrite'>> & { storagePerMillionPerHour: number; storedHours: number };
  prefixTokens: number;
  /** One write then N reads of the prefix: what it costs uncached and cached, and the difference. */
  savings: { reads: number; uncachedUsd: number; cachedUsd: number; savingsUsd: number }[];
  /** The given hit rate, its cost per lookup against uncached, and whether caching pays there. */
  atHitRate?: { hitRate: number; uncachedPerLookupUsd: number; cachedPerLookupUsd: number; savingsShare: number; pays: boolean };
  pricesUsed: Record<string, Sourced>;
  steps: Step[];
  notes: string[];
  cite: string;
}

const usd = (v: number) => `$${v.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;

/** The cache gate of one route: break-even reads and hit rate from its sheet, savings at N reads (see `cacheBreakEven`). */
export function cacheGate(g: CacheGateInput): CacheGate {
  const notes: string[] = [];
  const input = g.prices.input;
  if (!input) throw new RoutefitError('missing_price', `${g.routeId} has no input price; the cache gate needs input, cached-input and cache-write prices`, { field: 'price.input' });
  const cached = g.prices.cachedInput;
  if (!cached) throw new RoutefitError('missing_price', `${g.routeId} has no cached-input price: it offers no prompt cache the gate can price (set price.cached_input on the route)`, { field: 'price.cached_input' });
  const writeSheet = g.ttl === '1h' ? g.prices.cacheWrite1h : g.prices.cacheWrite5m;
  if (!writeSheet) notes.push(`${g.routeId} has no ${g.ttl} cache-write premium: writes bill as ordinary input (automatic prefix caching)`);
  const write = writeSheet?.value ?? input.value;
  const storage = g.storagePerMillionPerHour ?? 0;
  const storedHours = requireInRange('storedHours', g.storedHours ?? CACHE_TTL_HOURS[g.ttl], { min: 0 });
  const prefix = requireInRange('prefixTokens', g.prefixTokens ?? TOKENS_PER_MILLION, { min: 1, max: 1e12 });
  const rates = { input: input.value, cachedInput: cached.value, cacheWrite: write, storagePerMillionPerHour: storage, storedHours };
  const be = cacheBreakEven(rates);
  const reads = (g.reads ?? [0, 1, 2, 5, 10, 100]).map((n, i) => requireInRange(`reads[${i}]`, n, { min: 0, max: 1e9 }));
  const perM = (t: number, rate: number) => (t * rate) / TOKENS_PER_MILLION;
  const savings = reads.map((n) => {
    const uncachedUsd = perM(prefix * (n + 1), rates.input);
    const cachedUsd = perM(prefix, be.effectiveWritePerMillion) + perM(prefix * n, rates.cachedInput);
    return { reads: n, uncachedUsd, cachedUsd, savingsUsd: uncachedUsd - cachedUsd };
  });
  const pricesUsed: Record<string, Sourced> = { input, cachedInput: cached, ...(writeSheet ? { [g.ttl === '1h' ? 'cacheWrite1h' : 'cacheWrite5m']: writeSheet } : {}) };
  const steps: Step[] = [
    {
      id: 'effective-write',
      label: 'Write cost per entry',
      formula: 'cache-write rate + storage per hour × hours kept',
      expression: `${usd(write)} + ${usd(storage)} × ${Number(storedHours.toPrecision(4))}`,
      value: be.effectiveWritePerMillion,
      unit: 'USD per million tokens',
      cite: CITE,
    },
  ];
  if (be.readsToBreakEven !== null) {
    steps.push({
      id: 'reads',
      label: 'Reads that pay for one write',
      formula: '(write cost − input rate) ÷ (input rate − cached rate)',
      expression: `(${usd(be.effectiveWritePerMillion)} − ${usd(rates.input)}) ÷ (${usd(rates.input)} − ${usd(rates.cachedInput)})`,
      value: be.readsToBreakEven,
      unit: 'reads',
      cite: CITE,
    });
    steps.push({
      id: 'hit-rate',
      label: 'Break-even hit rate',
      formula: '(write cost − input rate) ÷ (write cost − cached rate)',
      expression: `(${usd(be.effectiveWritePerMillion)} − ${usd(rates.input)}) ÷ (${usd(be.effectiveWritePerMillion)} − ${usd(rates.cachedInput)})`,
      value: be.breakEvenHitRate!,
      unit: 'fraction of prefix lookups',
      cite: CITE,
    });
  } else {
    notes.push(`a cached read (${usd(rates.cachedInput)}/M) costs no less than input (${usd(rates.input)}/M): caching never pays on ${g.routeId}`);
  }
  if (be.breakEvenHitRate === 0) notes.push('writes cost no more than input: any hit saves money, so caching cannot lose (the gate is 0%)');
  let atHitRate: CacheGate['atHitRate'];
  if (g.hitRate !== undefined) {
    const h = requireInRange('hitRate', g.hitRate, { min: 0, max: 1 });
    const uncachedPerLookupUsd = perM(prefix, rates.input);
    const cachedPerLookupUsd = perM(prefix, h * rates.cachedInput + (1 - h) * be.effectiveWritePerMillion);
    atHitRate = { hitRate: h, uncachedPerLookupUsd, cachedPerLookupUsd, savingsShare: 1 - cachedPerLookupUsd / uncachedPerLookupUsd, pays: cachedPerLookupUsd < uncachedPerLookupUsd };
  }
  return { routeId: g.routeId, ttl: g.ttl, ...be, rates, prefixTokens: prefix, savings, ...(atHitRate ? { atHitRate } : {}), pricesUsed, steps, notes, cite: CITE };
}

/** Write rate of a measured mix of 5-minute and 1-hour writes: each TTL's tokens at its rate (input where no premium). */
export function blendedWriteRate(prices: { input: number; cacheWrite5m?: number | null; cacheWrite1h?: number | null }, writeTokens: number, write1hTokens: number): number {
  requireInRange('cacheWriteTokens', writeTokens, { min: 0 });
  requireInRange('cacheWrite1hTokens', write1hTokens, { min: 0, max: writeTokens });
  const w5 = prices.cacheWrite5m ?? prices.input;
  const w1 = prices.cacheWrite1h ?? prices.input;
  return writeTokens > 0 ? (w5 * (writeTokens - write1hTokens) + w1 * write1hTokens) / writeTokens : w5;
}
