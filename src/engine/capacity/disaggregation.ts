import { requireInRange } from '../errors.js';
import type { Step } from '../cost/lcpr.js';
import { type ModelShape, kvCacheBytes } from './sizing.js';

/**
 * Disaggregated serving (Inference Field Guide, Part 3, orchestration layer: "disaggregated prefill and
 * decode", NVIDIA Dynamo's NIXL transfer library): the prefill worker hands each request's KV cache
 * to a decode worker. Transfer time = KV bytes of the prompt ÷ link bandwidth + the link's latency.
 */

/** Link bandwidths, GB/s in one direction, from the vendors' published figures (labelled: not measured here). */
export const INTERCONNECTS = {
  'nvlink4': { gbPerS: 450, label: 'NVLink 4 (H100): 900 GB/s total, 450 GB/s each way (NVIDIA H100 datasheet)' },
  'nvlink5': { gbPerS: 900, label: 'NVLink 5 (B200): 1.8 TB/s total, 900 GB/s each way (NVIDIA B200 datasheet)' },
  'ib-ndr': { gbPerS: 50, label: 'InfiniBand NDR, 400 Gb/s per port = 50 GB/s (NVIDIA Quantum-2)' },
  'ib-hdr': { gbPerS: 25, label: 'InfiniBand HDR, 200 Gb/s per port = 25 GB/s' },
  'pcie5': { gbPerS: 64, label: 'PCIe Gen5 x16, ~64 GB/s each way' },
  'eth-100g': { gbPerS: 12.5, label: '100 Gb Ethernet = 12.5 GB/s' },
} as const;
export type Interconnect = keyof typeof INTERCONNECTS;

export interface KvTransferInput {
  model: Pick<ModelShape, 'layers' | 'kvHeads' | 'headDim'>;
  kvBytes: number;
  /** Prompt tokens whose KV the prefill worker hands over. */
  promptTokens: number;
  linkGbPerS: number;
  /** Fixed per-transfer latency of the link and library, ms (default 0). */
  linkLatencyMs?: number;
  /** The decode step time, ms, to set the transfer against. */
  decodeStepMs?: number;
}

export interface KvTransfer {
  kvGb: number;
  transferMs: number;
  /** Transfer time in decode steps, when a step time is given: what the hand-off adds to TTFT. */
  decodeStepsEquivalent?: number;
  steps: Step[];
}

export function kvTransfer(t: KvTransferInput): KvTransfer {
  requireInRange('linkGbPerS', t.linkGbPerS, { min: 0, minExclusive: true, max: 100_000 });
  const lat = requireInRange('linkLatencyMs', t.linkLatencyMs ?? 0, { min: 0 });
  const bytes = kvCacheBytes(t.model, t.promptTokens, t.kvBytes, 1);
  const ms = (bytes / (t.linkGbPerS * 1e9)) * 1000 + lat;
  const cite = 'Inference Field Guide, Part 3 (disaggregated prefill and decode); KV size from Part 1';
  const steps: Step[] = [
    { id: 'kv', label: 'KV cache handed over', formula: '2 × layers × KV heads × head_dim × prompt tokens × bytes', expression: `2 × ${t.model.layers} × ${t.model.kvHeads} × ${t.model.headDim} × ${t.promptTokens} × ${t.kvBytes}`, value: bytes / 1e9, unit: 'GB', cite },
    { id: 'transfer', label: 'KV transfer time', formula: 'KV bytes ÷ link bandwidth + link latency', expression: `${(bytes / 1e9).toFixed(4)} GB ÷ ${t.linkGbPerS} GB/s + ${lat} ms`, value: ms, unit: 'ms', cite },
  ];
  let eq: number | undefined;
  if (t.decodeStepMs !== undefined) {
    requireInRange('decodeStepMs', t.decodeStepMs, { min: 0, minExclusive: true });
    eq = ms / t.decodeStepMs;
  }
  return { kvGb: bytes / 1e9, transferMs: ms, ...(eq !== undefined ? { decodeStepsEquivalent: eq } : {}), steps };
}
