/**
 * What `routefit size` computes, as one browser-safe function per mode (a raw KV pool, or a model on
 * GPUs): the CLI prints its result as --json or a table, the Studio's Sizing view shows the same object.
 * Input checks that span several flags live here too, so both surfaces refuse the same combinations.
 */
import { findGpuSpec, findModel } from '../catalog/lookup.js';
import type { Catalog, ModelSpecEntry } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { kvEqualsWeightsContext, littlesLaw, littlesLawCapacity, precisionBytes, sizeKvPool, sizeModel } from '../engine/capacity/sizing.js';
import { speculativeDecoding, speculativeThroughput } from '../engine/capacity/speculative-decoding.js';
import { kvTransfer } from '../engine/capacity/disaggregation.js';
import type { SIZE_OPTIONS } from './calculator-options.js';
import { CliUsageError } from './io.js';
import type { OptionValues } from './options.js';

export type SizeInputs = OptionValues<typeof SIZE_OPTIONS>;
export type Shape = Pick<ModelSpecEntry, 'name' | 'parameters' | 'activeParameters' | 'layers' | 'attentionHeads' | 'kvHeads' | 'headDim'> & { source: string; notes?: string };

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** The model: a catalog entry (--model) or the shape given by hand (--layers, --kv-heads, --head-dim, --params). */
export function modelShape(opts: SizeInputs, catalog: () => Catalog): Shape {
  const hand = { layers: opts.layers, kvHeads: opts.kvHeads, headDim: opts.headDim, params: opts.params };
  const given = Object.entries(hand).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (opts.model !== undefined) {
    if (given.length) throw new CliUsageError(`give --model or the shape flags (--layers, --kv-heads, --head-dim, --params), not both`);
    return findModel(catalog(), opts.model);
  }
  if (given.length !== 4) throw new CliUsageError(`give --model, or all of --layers, --kv-heads, --head-dim and --params (missing: ${Object.keys(hand).filter((k) => !given.includes(k)).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')})`);
  const attentionHeads = opts.attentionHeads ?? opts.kvHeads!;
  if (attentionHeads < opts.kvHeads!) throw new CliUsageError(`--attention-heads (${attentionHeads}) is below --kv-heads (${opts.kvHeads}); allowed attention heads ≥ KV heads`);
  if (opts.activeParams !== undefined && opts.activeParams > opts.params!) throw new CliUsageError(`--active-params (${opts.activeParams}) exceeds --params (${opts.params})`);
  return { name: 'model (shape given)', parameters: opts.params!, activeParameters: opts.activeParams ?? opts.params!, layers: opts.layers!, attentionHeads, kvHeads: opts.kvHeads!, headDim: opts.headDim!, source: 'command line' };
}

export function bytesOf(opts: SizeInputs): { weightBytes: number; kvBytes: number; label: string; kvLabel: string } {
  if (opts.precision === undefined && opts.weightBytes === undefined) throw new CliUsageError('give --precision (fp16, fp8 …) or --weight-bytes');
  if (opts.precision !== undefined && opts.weightBytes !== undefined) throw new CliUsageError('give --precision or --weight-bytes, not both');
  const weightBytes = opts.weightBytes ?? precisionBytes(opts.precision!);
  const label = opts.precision ?? `${weightBytes}-byte`;
  const kvBytes = opts.kvPrecision !== undefined ? precisionBytes(opts.kvPrecision) : weightBytes;
  return { weightBytes, kvBytes, label, kvLabel: opts.kvPrecision ?? label };
}

/** A raw KV pool: sequences that fit, KV = weights context, Little's-law capacity; no GPU. The object `size --kv-pool-gb --json` prints. */
export function sizePoolResult(opts: SizeInputs, catalog: () => Catalog) {
  if (opts.gpu !== undefined) throw new CliUsageError('--kv-pool-gb sizes a raw pool: drop --gpu (or drop --kv-pool-gb to size the GPU)');
  const m = modelShape(opts, catalog);
  const b = bytesOf(opts);
  const p = sizeKvPool({ model: m, weightBytes: b.weightBytes, kvBytes: b.kvBytes, context: opts.context, poolGb: opts.kvPoolGb!, ...(opts.latency !== undefined && opts.latency > 0 ? { latencySeconds: opts.latency } : {}) });
  const inFlight = opts.arrivalRate !== undefined && opts.latency !== undefined ? littlesLaw(opts.arrivalRate, opts.latency) : undefined;
  const spec = opts.specAlpha !== undefined ? speculativeDecoding(opts.specAlpha, opts.specGamma, opts.draftCost, opts.batch) : undefined;
  const transfer = opts.kvLink ? kvTransfer({ model: m, kvBytes: b.kvBytes, promptTokens: opts.promptTokens ?? opts.context, linkGbPerS: opts.kvLink.gbPerS, linkLatencyMs: opts.linkLatencyMs }) : undefined;
  const notes: string[] = [];
  if (inFlight !== undefined && inFlight > p.maxConcurrentSequences) notes.push(`Little's law puts ${count(inFlight)} requests in flight, more than the ${count(p.maxConcurrentSequences)} sequences the pool holds: they queue`);
  if (opts.context > p.kvEqualsWeightsAtContext) notes.push(`at ${count(opts.context)} tokens one sequence's KV cache outweighs the weights (${p.weightsGb.toFixed(1)} GB)`);
  return { model: m, context: opts.context, precision: b.label, kvPrecision: b.kvLabel, kvPoolGb: opts.kvPoolGb!, ...p, ...(inFlight !== undefined ? { concurrentRequests: inFlight } : {}), ...(spec ? { speculativeDecoding: spec } : {}), ...(transfer ? { kvTransfer: { link: opts.kvLink!, ...transfer } } : {}), notes };
}

/** A model on GPUs: memory, KV, roofline, Little's law, KV hand-off, speculative decoding. The object `size --gpu --json` prints. */
export function sizeGpuResult(opts: SizeInputs, catalog: Catalog) {
  if (opts.gpu === undefined) throw new CliUsageError('give --gpu (h100-sxm, lambda/h100-sxm …), or --kv-pool-gb to size a raw KV pool');
  const model = modelShape(opts, () => catalog);
  const { spec, sku } = findGpuSpec(catalog, opts.gpu);
  if (!spec.hardware) throw new RoutefitError('invalid_input', `GPU spec ${spec.id} has no hardware figures in the catalog (hbm_gb, memory_bandwidth_tb_s, dense_bf16_tflops)`, { field: 'gpu' });
  const hw = spec.hardware;
  const b = bytesOf(opts);
  const { weightBytes, kvBytes } = b;
  const fp8 = weightBytes <= 1 && hw.denseFp8Tflops !== undefined;
  const gpuShape = { hbmGb: hw.hbmGb, bandwidthTbPerS: hw.memoryBandwidthTbPerS, denseTflops: fp8 ? hw.denseFp8Tflops! : hw.denseBf16Tflops };
  const { context, batch, headroom } = opts;
  const shape = { parameters: model.parameters, activeParameters: model.activeParameters, layers: model.layers, attentionHeads: model.attentionHeads, kvHeads: model.kvHeads, headDim: model.headDim };
  const base = { model: shape, gpu: gpuShape, weightBytes, kvBytes, context, batch, headroom };
  const perSku = sku?.gpusPerInstance ?? 1;
  const explicit = opts.gpus;
  // Without --gpus: the smallest whole number of GPUs (or SKU instances) that holds weights plus the batch.
  const needed = sizeModel({ ...base, gpus: 1 }).gpusForBatch;
  const gpus = explicit ?? Math.ceil(needed / perSku) * perSku;
  const s = sizeModel({ ...base, gpus });
  if (opts.arrivalRate !== undefined && opts.latency === undefined) throw new CliUsageError("give --latency with --arrival-rate (Little's law needs both)");
  const concurrency = opts.arrivalRate !== undefined && opts.latency !== undefined ? littlesLaw(opts.arrivalRate, opts.latency) : undefined;
  // Little's law turned round: the sequences that fit, each held for one latency, serve slots ÷ latency requests/s.
  const capacity = opts.latency !== undefined && opts.latency > 0 ? littlesLawCapacity(s.maxConcurrentSequences, opts.latency) : undefined;
  const kvEq = kvEqualsWeightsContext(shape, weightBytes, kvBytes);
  // The roofline step split (memory, compute) the spec-decode batch view and the KV hand-off compare against.
  const memStepMs = (batch / s.decode.memoryBoundTokensPerSecond) * 1000;
  const computeStepMs = (batch / s.decode.computeBoundTokensPerSecond) * 1000;
  const spec_ = opts.specAlpha !== undefined ? speculativeThroughput({ alpha: opts.specAlpha, gamma: opts.specGamma, draftCostRatio: opts.draftCost, batch, memoryStepMs: memStepMs, computeStepMs }) : undefined;
  const transfer = opts.kvLink ? kvTransfer({ model: shape, kvBytes, promptTokens: opts.promptTokens ?? context, linkGbPerS: opts.kvLink.gbPerS, linkLatencyMs: opts.linkLatencyMs, decodeStepMs: s.decode.stepMs }) : undefined;
  const notes = [...s.notes];
  if (model.notes) notes.push(model.notes);
  if (explicit === undefined) notes.push(`${gpus} GPU(s): the fewest${perSku > 1 ? ` (${perSku}-GPU instances of ${sku!.id})` : ''} whose memory holds the weights and batch ${batch} at ${count(context)} tokens; set --gpus to size another fleet`);
  if (concurrency !== undefined && concurrency > s.maxConcurrentSequences) {
    notes.push(`Little's law puts ${count(concurrency)} requests in flight, more than the ${count(s.maxConcurrentSequences)} sequences that fit: they queue, or you need more GPUs`);
  }
  return {
    model,
    gpu: { spec: spec.id, ...(sku ? { sku: sku.id } : {}), hardware: hw, computeTflops: gpuShape.denseTflops },
    gpus,
    context,
    batch,
    precision: b.label,
    kvPrecision: b.kvLabel,
    ...s,
    kvEqualsWeightsAtContext: kvEq,
    notes,
    ...(concurrency !== undefined ? { concurrentRequests: concurrency } : {}),
    ...(capacity !== undefined ? { maxRequestsPerSecond: capacity } : {}),
    ...(spec_ ? { speculativeDecoding: spec_ } : {}),
    ...(transfer ? { kvTransfer: { link: opts.kvLink!, ...transfer } } : {}),
  };
}
