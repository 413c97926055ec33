import type { PriceEvidence, Sourced } from '../engine/evidence.js';
import type { DeploymentMode } from '../engine/lcpr.js';
import type { TokenPriceSheet } from '../engine/token-pricing.js';

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

export interface GpuSpecEntry {
  id: string;
  name: string;
  throughput: ThroughputFigure[];
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
  /** alias → canonical id */
  aliases: Map<string, string>;
}
