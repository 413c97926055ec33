import type { Sourced } from '../evidence.js';
import { RoutefitError } from '../errors.js';
import { TOKENS_PER_MILLION } from '../units.js';

/** Prices in USD per million tokens. Every field keeps its own provenance. */
export interface TokenPriceSheet {
  input?: Sourced;
  output?: Sourced;
  cachedInput?: Sourced;
  /** Cache-write price for the 5-minute TTL (Anthropic-style); absent means writes bill as input. */
  cacheWrite5m?: Sourced;
  cacheWrite1h?: Sourced;
  batchInput?: Sourced;
  batchOutput?: Sourced;
  /**
   * Whether the provider's batch discount also applies to cache reads and writes (Anthropic and OpenAI
   * bill batched cached reads at the batch share of the cached price), with the source that says so.
   * Absent or false: batched cache reads and writes keep their standard rates.
   */
  batchStacksWithCache?: { value: boolean; source: string };
  /** Past `thresholdTokens` of input, the whole request pays these prices (a cliff, as providers bill). */
  longContext?: {
    thresholdTokens: number;
    input: Sourced;
    output: Sourced;
    cachedInput?: Sourced;
  };
}

export type CacheTtl = '5m' | '1h';

/** One attempt's token shape and the share of it that caching and batch touch. */
export interface AttemptShape {
  inputTokens: number;
  outputTokens: number;
  /** Share of input tokens read from cache (0–1). */
  cacheHitRate: number;
  /** Share of input tokens written to cache on each attempt (0–1); hit + write ≤ 1. */
  cacheWriteRate: number;
  cacheWriteTtl: CacheTtl;
  /** Share of attempts that run on the batch tier (0–1). */
  batchShare: number;
}

export interface AttemptCost {
  /** USD for one attempt, all parts summed. */
  total: number;
  /** USD per attempt by part. */
  parts: { uncachedInput: number; cachedInput: number; cacheWrite: number; output: number };
  /** Whether the long-context tier applied. */
  longContextTier: boolean;
  /** Prices actually used, so a surface can show them. */
  pricesUsed: Record<string, Sourced>;
  notes: string[];
}

function need(sheet: TokenPriceSheet, key: 'input' | 'output', routeId: string): Sourced {
  const p = sheet[key];
  if (!p) {
    throw new RoutefitError(
      'missing_price',
      `${routeId} has no ${key} price in the catalog; set price.${key} on the route to price it`,
      { field: `price.${key}` },
    );
  }
  return p;
}

/**
 * What the batch tier multiplies cache reads and writes by: the batch discount on input
 * (batch input ÷ input) where the provider stacks it with caching, else 1. Shared with the traces
 * SQL pricing, so measured and modelled costs agree.
 */
export function batchCacheFactor(sheet: TokenPriceSheet): number {
  if (!sheet.batchStacksWithCache?.value || !sheet.batchInput || !sheet.input || !(sheet.input.value > 0)) return 1;
  return sheet.batchInput.value / sheet.input.value;
}

/**
 * Token cost of a single attempt (Inference Field Guide, Part 0: input × input rate + output × output rate),
 * with prompt caching, cache writes by TTL, batch share and the long-context cliff folded in.
 */
export function attemptCost(sheet: TokenPriceSheet, shape: AttemptShape, routeId: string): AttemptCost {
  const notes: string[] = [];
  const pricesUsed: Record<string, Sourced> = {};
  const lc = sheet.longContext;
  const longContextTier = lc !== undefined && shape.inputTokens > lc.thresholdTokens;

  let input = need(sheet, 'input', routeId);
  let output = need(sheet, 'output', routeId);
  let cached = sheet.cachedInput;
  if (longContextTier && lc) {
    // Long-context cliff (Inference Field Guide, Part 0 "≤200K context"; provider billing): the whole request pays the tier.
    input = lc.input;
    output = lc.output;
    cached = lc.cachedInput ?? cached;
    notes.push(`input of ${shape.inputTokens} tokens is past the ${lc.thresholdTokens}-token tier: whole request priced at the long-context rates`);
  }
  pricesUsed.input = input;
  pricesUsed.output = output;

  let cachedRate = input.value;
  if (shape.cacheHitRate > 0) {
    if (cached) {
      cachedRate = cached.value;
      pricesUsed.cachedInput = cached;
    } else {
      // A provider without a cache discount bills every input token, cached or not, at its input rate.
      notes.push(`no cached-input price in the catalog: cached tokens are billed at the input price (set price.cached_input if the provider discounts them)`);
    }
  }

  let writeRate = input.value;
  if (shape.cacheWriteRate > 0) {
    const w = shape.cacheWriteTtl === '1h' ? sheet.cacheWrite1h : sheet.cacheWrite5m;
    if (w) {
      writeRate = w.value;
      pricesUsed[shape.cacheWriteTtl === '1h' ? 'cacheWrite1h' : 'cacheWrite5m'] = w;
    } else {
      notes.push(`no ${shape.cacheWriteTtl} cache-write premium in the price sheet: cache writes priced as ordinary input`);
    }
  }

  const perM = (tokens: number, rate: number) => (tokens * rate) / TOKENS_PER_MILLION;
  const uncachedShare = 1 - shape.cacheHitRate - shape.cacheWriteRate;

  const standardUncached = perM(shape.inputTokens * uncachedShare, input.value);
  const standardOutput = perM(shape.outputTokens, output.value);

  let batchUncached = standardUncached;
  let batchOutput = standardOutput;
  // Cache reads and writes on the batch tier: their own rates, times the batch discount where it stacks.
  let batchCacheMultiplier = 1;
  if (shape.batchShare > 0) {
    if (sheet.batchInput && sheet.batchOutput && !longContextTier) {
      batchUncached = perM(shape.inputTokens * uncachedShare, sheet.batchInput.value);
      batchOutput = perM(shape.outputTokens, sheet.batchOutput.value);
      pricesUsed.batchInput = sheet.batchInput;
      pricesUsed.batchOutput = sheet.batchOutput;
      batchCacheMultiplier = batchCacheFactor(sheet);
      if (batchCacheMultiplier !== 1 && shape.cacheHitRate + shape.cacheWriteRate > 0) {
        notes.push(`batched cache reads and writes pay the batch discount (×${Number(batchCacheMultiplier.toPrecision(6))}) on their cached prices: ${sheet.batchStacksWithCache!.source}`);
      }
    } else {
      notes.push('route has no batch tier in the catalog: the batch-eligible share is priced at standard rates');
    }
  }
  const b = shape.batchShare;
  // Batch share pays the batch rate on uncached input and output; cache reads and writes keep their
  // own rates, discounted by the batch share where the provider stacks the two (batchCacheFactor).
  const cacheScale = 1 - b + b * batchCacheMultiplier;
  const parts = {
    uncachedInput: (1 - b) * standardUncached + b * batchUncached,
    cachedInput: perM(shape.inputTokens * shape.cacheHitRate, cachedRate) * cacheScale,
    cacheWrite: perM(shape.inputTokens * shape.cacheWriteRate, writeRate) * cacheScale,
    output: (1 - b) * standardOutput + b * batchOutput,
  };
  const total = parts.uncachedInput + parts.cachedInput + parts.cacheWrite + parts.output;
  return { total, parts, longContextTier, pricesUsed, notes };
}
