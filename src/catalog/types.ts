import type { PriceEvidence, Sourced } from '../engine/evidence.js';
import type { DeploymentMode } from '../engine/cost/lcpr.js';
import type { TokenPriceSheet } from '../engine/cost/token-pricing.js';

export type PriceOrigin = 'catalog' | 'genai-prices';

export interface PricePoint<T> {
  /** Date the price took effect; null when the source does not say (in force as of `asOf`). */
  effective: string | null;
  /** Date the price was observed. */
  asOf: string;
  source: string;
  evidence: PriceEvidence;
  notes?: string;
  sheet: T;
}

export interface ProviderEntry {
  id: string;
  name: string;
  mode: DeploymentMode;
  genaiPricesId?: string;
  /** Batch discount applies to cache reads and writes too (providers.yaml `batch_stacks_with_cache`). */
  batchStacksWithCache?: { value: boolean; source: string };
}

export interface TokenRouteEntry {
  kind: 'tokens';
  id: string;
  provider: string;
  name: string;
  model: string;
  mode: DeploymentMode;
  aliases: string[];
  origin: PriceOrigin;
  /** Oldest first. */
  history: PricePoint<TokenPriceSheet>[];
}

export interface GpuSheet {
  onDemand?: Sourced;
  reserved: { term: string; hourly: Sourced }[];
  spot?: Sourced;
  capexUsd?: number;
}

export interface ThroughputFigure {
  serves: string;
  precision?: string;
  outputTokensPerSecond: Sourced;
}

export interface GpuHardware {
  hbmGb: number;
  memoryBandwidthTbPerS: number;
  denseBf16Tflops: number;
  denseFp8Tflops?: number;
  source: string;
  evidence: PriceEvidence;
}

export interface GpuSpecEntry {
  id: string;
  name: string;
  hardware?: GpuHardware;
  throughput: ThroughputFigure[];
}

/** A model's architecture, for KV-cache and roofline sizing. */
export interface ModelSpecEntry {
  id: string;
  name: string;
  parameters: number;
  /** MoE: parameters active per token; equals `parameters` for dense models. */
  activeParameters: number;
  layers: number;
  attentionHeads: number;
  kvHeads: number;
  headDim: number;
  aliases: string[];
  notes?: string;
  source: string;
  evidence: PriceEvidence;
}

export interface GpuSkuEntry {
  kind: 'gpu';
  id: string;
  provider: string;
  name: string;
  mode: DeploymentMode;
  spec?: string;
  gpusPerInstance: number;
  aliases: string[];
  minBillingMinutes?: number;
  origin: 'catalog';
  history: PricePoint<GpuSheet>[];
}

export type CatalogEntry = TokenRouteEntry | GpuSkuEntry;

export interface Catalog {
  dir: string;
  providers: Map<string, ProviderEntry>;
  tokenRoutes: Map<string, TokenRouteEntry>;
  gpuSkus: Map<string, GpuSkuEntry>;
  gpuSpecs: Map<string, GpuSpecEntry>;
  /** Model architectures (catalog/models.yaml), by id. */
  models: Map<string, ModelSpecEntry>;
  /** alias → canonical id */
  aliases: Map<string, string>;
}
