import { RoutefitError, requireInRange } from '../errors.js';
import type { Step } from '../cost/lcpr.js';

/** Bytes per element for the precisions routefit knows. */
export const PRECISION_BYTES = { fp32: 4, fp16: 2, bf16: 2, fp8: 1, int8: 1, int4: 0.5, fp4: 0.5 } as const;
export type Precision = keyof typeof PRECISION_BYTES;

export function precisionBytes(p: string): number {
  const b = PRECISION_BYTES[p.toLowerCase() as Precision];
  if (b === undefined) {
    throw new RoutefitError('invalid_input', `precision "${p}" is not known; allowed ${Object.keys(PRECISION_BYTES).join(', ')}`, { field: 'precision', allowed: Object.keys(PRECISION_BYTES).join(', ') });
  }
  return b;
}

export interface ModelShape {
  /** Total parameters (all experts for MoE): what the weights occupy. */
  parameters: number;
  /** Parameters touched per token (MoE active parameters; = parameters for dense models). */
  activeParameters?: number;
  layers: number;
  attentionHeads: number;
  /** Key/value heads: fewer than attention heads under grouped-query attention. */
  kvHeads: number;
  headDim: number;
}

export interface GpuShape {
  hbmGb: number;
  bandwidthTbPerS: number;
  /** Dense (no sparsity) TFLOPS at the compute precision used. */
  denseTflops: number;
}

const GB = 1e9;

/** KV cache bytes = 2 × layers × KV heads × head_dim × sequence length × bytes × batch (Inference Field Guide, Part 1 quick reference). */
export function kvCacheBytes(m: Pick<ModelShape, 'layers' | 'kvHeads' | 'headDim'>, seqLen: number, bytes: number, batch: number): number {
  requireInRange('layers', m.layers, { min: 1 });
  requireInRange('kvHeads', m.kvHeads, { min: 1 });
  requireInRange('headDim', m.headDim, { min: 1 });
  requireInRange('context', seqLen, { min: 1, max: 10_000_000 });
  requireInRange('bytes', bytes, { min: 0, minExclusive: true, max: 8 });
  requireInRange('batch', batch, { min: 1, max: 1_000_000 });
  // Factor 2: one key and one value vector per KV head per layer per token.
  return 2 * m.layers * m.kvHeads * m.headDim * seqLen * bytes * batch;
}

/** Little's law: concurrent requests = arrival rate × average latency (Inference Field Guide, Part 1 quick reference). */
export function littlesLaw(arrivalPerSecond: number, latencySeconds: number): number {
  requireInRange('arrivalPerSecond', arrivalPerSecond, { min: 0 });
  requireInRange('latencySeconds', latencySeconds, { min: 0 });
  return arrivalPerSecond * latencySeconds;
}

/** GPUs as a step function: ceil(demand ÷ (per-GPU capacity × utilization)), at least one (Inference Field Guide, Part 1). */
export function gpuStepCount(demandTokensPerSecond: number, perGpuTokensPerSecond: number, utilization = 1): number {
  requireInRange('demandTokensPerSecond', demandTokensPerSecond, { min: 0 });
  requireInRange('perGpuTokensPerSecond', perGpuTokensPerSecond, { min: 0, minExclusive: true });
  requireInRange('utilization', utilization, { min: 0, minExclusive: true, max: 1 });
  return Math.max(1, Math.ceil(demandTokensPerSecond / (perGpuTokensPerSecond * utilization) - 1e-9));
}

export interface SizingInput {
  model: ModelShape;
  gpu: GpuShape;
  gpus: number;
  /** Weight precision and KV-cache precision (bytes per element). */
  weightBytes: number;
  kvBytes: number;
  context: number;
  batch: number;
  /** Share of HBM held back for activations, fragmentation and the runtime (vLLM's default leaves 10%). */
  headroom?: number;
  /** Decode/prefill context for the roofline: average tokens in the KV cache per sequence (defaults to `context`). */
  averageContext?: number;
}

export interface Sizing {
  weightsGb: number;
  kvPerSequenceGb: number;
  kvAtBatchGb: number;
  hbmGb: number;
  usableGb: number;
  /** floor((usable − weights) ÷ KV per sequence); 0 when the weights do not fit. */
  maxConcurrentSequences: number;
  fits: boolean;
  /** GPUs whose usable memory holds the weights plus the batch's KV cache: a step function of the batch. */
  gpusForBatch: number;
  groupedQueryAttention: boolean;
  decode: { memoryBoundTokensPerSecond: number; computeBoundTokensPerSecond: number; tokensPerSecond: number; bound: 'memory' | 'compute'; stepMs: number };
  prefill: { tokensPerSecond: number };
  steps: Step[];
  notes: string[];
}

/**
 * Memory and roofline sizing for serving a model on `gpus` GPUs (Inference Field Guide, Part 1 quick reference):
 * what the KV cache takes, how many sequences fit after the weights, and upper bounds on decode throughput
 * (memory-bandwidth bound: every step reads the active weights and the batch's KV cache) and prefill
 * throughput (compute bound: 2 FLOPs per active parameter per token). Roofline figures are ceilings;
 * measured serving throughput runs well below them.
 */
export function sizeModel(s: SizingInput): Sizing {
  const m = s.model;
  requireInRange('parameters', m.parameters, { min: 1 });
  const active = m.activeParameters ?? m.parameters;
  requireInRange('activeParameters', active, { min: 1, max: m.parameters });
  requireInRange('gpus', s.gpus, { min: 1, max: 100_000 });
  requireInRange('hbmGb', s.gpu.hbmGb, { min: 0, minExclusive: true });
  requireInRange('bandwidthTbPerS', s.gpu.bandwidthTbPerS, { min: 0, minExclusive: true });
  requireInRange('denseTflops', s.gpu.denseTflops, { min: 0, minExclusive: true });
  requireInRange('weightBytes', s.weightBytes, { min: 0, minExclusive: true, max: 8 });
  const headroom = requireInRange('headroom', s.headroom ?? 0.1, { min: 0, max: 1, maxExclusive: true });
  const avgContext = s.averageContext ?? s.context;
  const notes: string[] = [];
  const steps: Step[] = [];

  const kvSeq = kvCacheBytes(m, s.context, s.kvBytes, 1);
  const kvBatch = kvSeq * s.batch;
  const gqa = m.kvHeads < m.attentionHeads;
  steps.push({
    id: 'kv',
    label: 'KV cache at batch',
    formula: '2 × layers × KV heads × head_dim × context × bytes × batch',
    expression: `2 × ${m.layers} × ${m.kvHeads} × ${m.headDim} × ${s.context} × ${s.kvBytes} × ${s.batch}`,
    value: kvBatch / GB,
    unit: 'GB',
    cite: 'Inference Field Guide, Part 1, KV cache memory sizing',
  });
  if (gqa) {
    notes.push(
      `grouped-query attention: ${m.kvHeads} KV heads serve ${m.attentionHeads} attention heads, so the KV cache is ${m.attentionHeads / m.kvHeads}x smaller than the formula with all heads would give`,
    );
  }
  const weights = m.parameters * s.weightBytes;
  const hbm = s.gpu.hbmGb * GB * s.gpus;
  const usable = hbm * (1 - headroom);
  const free = usable - weights;
  const maxSeq = free > 0 ? Math.floor(free / kvSeq) : 0;
  steps.push({ id: 'weights', label: 'Weights', formula: 'parameters × bytes per weight', expression: `${m.parameters.toExponential(3)} × ${s.weightBytes}`, value: weights / GB, unit: 'GB', cite: 'Inference Field Guide, Part 1, KV cache memory sizing' });
  steps.push({
    id: 'max-seq',
    label: 'Maximum concurrent sequences',
    formula: 'floor((HBM × GPUs × (1 − headroom) − weights) ÷ KV per sequence)',
    expression: `floor((${s.gpu.hbmGb} GB × ${s.gpus} × ${1 - headroom} − ${(weights / GB).toFixed(1)} GB) ÷ ${(kvSeq / GB).toFixed(3)} GB)`,
    value: maxSeq,
    unit: 'sequences',
    cite: 'Inference Field Guide, Part 1 ("batch size has a hard ceiling on dedicated GPUs")',
  });
  const fits = free > 0 && maxSeq >= s.batch;
  const perGpuUsable = s.gpu.hbmGb * GB * (1 - headroom);
  const gpusForBatch = Math.max(1, Math.ceil((weights + kvBatch) / perGpuUsable - 1e-9));
  steps.push({
    id: 'gpus-for-batch',
    label: 'GPUs to hold weights and the batch',
    formula: 'ceil((weights + KV at batch) ÷ (HBM per GPU × (1 − headroom)))',
    expression: `ceil((${(weights / GB).toFixed(1)} + ${(kvBatch / GB).toFixed(1)}) GB ÷ ${(perGpuUsable / GB).toFixed(1)} GB)`,
    value: gpusForBatch,
    unit: 'GPUs',
    cite: 'Inference Field Guide, Part 1, utilization step economics (GPU cost is a step function)',
  });
  if (free <= 0) notes.push(`the weights (${(weights / GB).toFixed(1)} GB) do not fit in ${((usable / GB)).toFixed(1)} GB usable HBM on ${s.gpus} GPU(s): add GPUs or lower the precision`);
  else if (maxSeq < s.batch) notes.push(`batch ${s.batch} at ${s.context} tokens needs ${(kvBatch / GB).toFixed(1)} GB of KV cache; only ${maxSeq} sequences fit after the weights`);

  // Decode roofline: one step emits one token per sequence, reading the active weights once and each sequence's KV cache.
  const bandwidth = s.gpu.bandwidthTbPerS * 1e12 * s.gpus;
  const flops = s.gpu.denseTflops * 1e12 * s.gpus;
  const bytesPerStep = active * s.weightBytes + kvCacheBytes(m, avgContext, s.kvBytes, s.batch);
  const memStep = bytesPerStep / bandwidth;
  const computeStep = (2 * active * s.batch) / flops;
  const stepS = Math.max(memStep, computeStep);
  const decode = {
    memoryBoundTokensPerSecond: s.batch / memStep,
    computeBoundTokensPerSecond: s.batch / computeStep,
    tokensPerSecond: s.batch / stepS,
    bound: memStep >= computeStep ? ('memory' as const) : ('compute' as const),
    stepMs: stepS * 1000,
  };
  steps.push({
    id: 'decode',
    label: 'Decode throughput ceiling',
    formula: 'batch ÷ max((active params × bytes + KV at batch) ÷ bandwidth, 2 × active params × batch ÷ FLOPS)',
    expression: `${s.batch} ÷ max(${(bytesPerStep / GB).toFixed(1)} GB ÷ ${(bandwidth / 1e12).toFixed(2)} TB/s, ${(2 * active * s.batch).toExponential(2)} ÷ ${(flops / 1e12).toFixed(0)} TFLOPS)`,
    value: decode.tokensPerSecond,
    unit: 'output tokens/s',
    cite: 'Inference Field Guide, Part 1, prefill vs decode bottleneck (decode scales with memory bandwidth)',
  });
  // Prefill roofline: all prompt tokens in parallel, 2 FLOPs per active parameter per token.
  const prefill = { tokensPerSecond: flops / (2 * active) };
  steps.push({
    id: 'prefill',
    label: 'Prefill throughput ceiling',
    formula: 'FLOPS ÷ (2 × active params)',
    expression: `${(flops / 1e12).toFixed(0)} TFLOPS ÷ (2 × ${active.toExponential(3)})`,
    value: prefill.tokensPerSecond,
    unit: 'input tokens/s',
    cite: 'Inference Field Guide, Part 1, prefill vs decode bottleneck (prefill scales with compute)',
  });
  notes.push('roofline figures are upper bounds: measured serving throughput runs well below them (Inference Field Guide, Part 1 uses 1,500 tok/s for a 70B FP8 model on an H100)');
  return {
    weightsGb: weights / GB,
    kvPerSequenceGb: kvSeq / GB,
    kvAtBatchGb: kvBatch / GB,
    hbmGb: hbm / GB,
    usableGb: usable / GB,
    maxConcurrentSequences: maxSeq,
    fits,
    gpusForBatch,
    groupedQueryAttention: gqa,
    decode,
    prefill,
    steps,
    notes,
  };
}

/**
 * Context length at which one sequence's KV cache weighs what the weights do:
 * 2 × layers × KV heads × head_dim × L × KV bytes = parameters × weight bytes, solved for L
 * (Inference Field Guide, Part 1, KV cache memory sizing). Past it, memory goes to context, not model.
 */
export function kvEqualsWeightsContext(m: Pick<ModelShape, 'parameters' | 'layers' | 'kvHeads' | 'headDim'>, weightBytes: number, kvBytes: number): number {
  requireInRange('parameters', m.parameters, { min: 1 });
  requireInRange('weightBytes', weightBytes, { min: 0, minExclusive: true, max: 8 });
  const perToken = kvCacheBytes(m, 1, kvBytes, 1);
  return (m.parameters * weightBytes) / perToken;
}

/** Serving capacity from concurrency slots (Little's law turned round): requests/s = slots ÷ latency (Inference Field Guide, Part 1). */
export function littlesLawCapacity(slots: number, latencySeconds: number): number {
  requireInRange('slots', slots, { min: 0 });
  requireInRange('latencySeconds', latencySeconds, { min: 0, minExclusive: true });
  return slots / latencySeconds;
}

export interface KvPoolInput {
  /** Any model shape: a catalog entry or the shape given by hand. */
  model: Pick<ModelShape, 'parameters' | 'layers' | 'kvHeads' | 'headDim'>;
  weightBytes: number;
  kvBytes: number;
  context: number;
  /** GB of memory left for the KV cache (after weights, activations and the runtime). */
  poolGb: number;
  /** Average latency per request, seconds: turns the slots into requests/s by Little's law. */
  latencySeconds?: number;
}

export interface KvPool {
  kvPerSequenceGb: number;
  weightsGb: number;
  /** floor(pool ÷ KV per sequence). */
  maxConcurrentSequences: number;
  kvEqualsWeightsAtContext: number;
  /** slots ÷ latency, when a latency is given. */
  maxRequestsPerSecond?: number;
  steps: Step[];
}

/** KV capacity of a raw pool for any model shape, without a GPU or catalog entry (Inference Field Guide, Part 1 quick reference). */
export function sizeKvPool(p: KvPoolInput): KvPool {
  requireInRange('kvPoolGb', p.poolGb, { min: 0, minExclusive: true, max: 1e7 });
  requireInRange('weightBytes', p.weightBytes, { min: 0, minExclusive: true, max: 8 });
  requireInRange('parameters', p.model.parameters, { min: 1 });
  const m = p.model;
  const kvSeq = kvCacheBytes(m, p.context, p.kvBytes, 1);
  const slots = Math.floor((p.poolGb * GB) / kvSeq + 1e-9);
  const lEq = kvEqualsWeightsContext(m, p.weightBytes, p.kvBytes);
  const cite = 'Inference Field Guide, Part 1, KV cache memory sizing';
  const steps: Step[] = [
    { id: 'kv-seq', label: 'KV cache per sequence', formula: '2 × layers × KV heads × head_dim × context × bytes', expression: `2 × ${m.layers} × ${m.kvHeads} × ${m.headDim} × ${p.context} × ${p.kvBytes}`, value: kvSeq / GB, unit: 'GB', cite },
    { id: 'slots', label: 'Concurrent sequences in the pool', formula: 'floor(pool ÷ KV per sequence)', expression: `floor(${p.poolGb} GB ÷ ${(kvSeq / GB).toFixed(4)} GB)`, value: slots, unit: 'sequences', cite },
    { id: 'kv-eq-weights', label: 'Context at which KV equals the weights', formula: '(parameters × weight bytes) ÷ (2 × layers × KV heads × head_dim × KV bytes)', expression: `(${m.parameters.toExponential(3)} × ${p.weightBytes}) ÷ (2 × ${m.layers} × ${m.kvHeads} × ${m.headDim} × ${p.kvBytes})`, value: lEq, unit: 'tokens', cite },
  ];
  let rps: number | undefined;
  if (p.latencySeconds !== undefined) {
    rps = littlesLawCapacity(slots, p.latencySeconds);
    steps.push({ id: 'little', label: "Serving capacity (Little's law)", formula: 'concurrent sequences ÷ latency per request', expression: `${slots} ÷ ${p.latencySeconds} s`, value: rps, unit: 'requests/s', cite: "Inference Field Guide, Part 1, Little's Law for concurrency" });
  }
  return { kvPerSequenceGb: kvSeq / GB, weightsGb: (m.parameters * p.weightBytes) / GB, maxConcurrentSequences: slots, kvEqualsWeightsAtContext: lEq, ...(rps !== undefined ? { maxRequestsPerSecond: rps } : {}), steps };
}
