import { findGpuSpec, findModel } from '../../catalog/lookup.js';
import { RoutefitError } from '../../engine/errors.js';
import { precisionBytes, sizeModel, littlesLaw } from '../../engine/capacity/sizing.js';
import { speculativeDecoding } from '../../engine/capacity/speculative-decoding.js';
import { count, percent, table } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from './shared.js';
import { num, stepLines } from './capacity-shared.js';

export interface SizeOpts {
  model: string;
  gpu: string;
  context: string;
  precision: string;
  kvPrecision?: string;
  batch?: string;
  gpus?: string;
  headroom?: string;
  arrivalRate?: string;
  latency?: string;
  specAlpha?: string;
  specGamma?: string;
  draftCost?: string;
  json?: boolean;
  catalog?: string;
}

export function sizeCommand(opts: SizeOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const model = findModel(catalog, opts.model);
  const { spec, sku } = findGpuSpec(catalog, opts.gpu);
  if (!spec.hardware) throw new RoutefitError('invalid_input', `GPU spec ${spec.id} has no hardware figures in the catalog (hbm_gb, memory_bandwidth_tb_s, dense_bf16_tflops)`, { field: 'gpu' });
  const hw = spec.hardware;
  const weightBytes = precisionBytes(opts.precision);
  const kvBytes = precisionBytes(opts.kvPrecision ?? opts.precision);
  const fp8 = ['fp8', 'int8', 'int4', 'fp4'].includes(opts.precision.toLowerCase()) && hw.denseFp8Tflops !== undefined;
  const gpuShape = { hbmGb: hw.hbmGb, bandwidthTbPerS: hw.memoryBandwidthTbPerS, denseTflops: fp8 ? hw.denseFp8Tflops! : hw.denseBf16Tflops };
  const context = num('--context', opts.context, { min: 1, max: 10_000_000 })!;
  const batch = num('--batch', opts.batch, { min: 1, max: 1_000_000 }) ?? 1;
  const headroom = num('--headroom', opts.headroom, { min: 0, max: 0.99 }) ?? 0.1;
  const shape = { parameters: model.parameters, activeParameters: model.activeParameters, layers: model.layers, attentionHeads: model.attentionHeads, kvHeads: model.kvHeads, headDim: model.headDim };
  const base = { model: shape, gpu: gpuShape, weightBytes, kvBytes, context, batch, headroom };
  const perSku = sku?.gpusPerInstance ?? 1;
  const explicit = num('--gpus', opts.gpus, { min: 1, max: 100_000 });
  // Without --gpus: the smallest whole number of GPUs (or SKU instances) that holds weights plus the batch.
  const needed = sizeModel({ ...base, gpus: 1 }).gpusForBatch;
  const gpus = explicit ?? Math.ceil(needed / perSku) * perSku;
  const s = sizeModel({ ...base, gpus });
  if ((opts.arrivalRate === undefined) !== (opts.latency === undefined)) throw new CliUsageError("give --arrival-rate and --latency together (Little's law needs both)");
  const concurrency =
    opts.arrivalRate !== undefined && opts.latency !== undefined
      ? littlesLaw(num('--arrival-rate', opts.arrivalRate, { min: 0 })!, num('--latency', opts.latency, { min: 0 })!)
      : undefined;
  const spec_ =
    opts.specAlpha !== undefined
      ? speculativeDecoding(num('--spec-alpha', opts.specAlpha, { min: 0, max: 0.999 })!, num('--spec-gamma', opts.specGamma ?? '5', { min: 1, max: 64 })!, num('--draft-cost', opts.draftCost ?? '0.03', { min: 0, max: 1 })!, batch)
      : undefined;
  const notes = [...s.notes];
  if (model.notes) notes.push(model.notes);
  if (explicit === undefined) notes.push(`${gpus} GPU(s): the fewest${perSku > 1 ? ` (${perSku}-GPU instances of ${sku!.id})` : ''} whose memory holds the weights and batch ${batch} at ${count(context)} tokens; set --gpus to size another fleet`);
  if (concurrency !== undefined && concurrency > s.maxConcurrentSequences) {
    notes.push(`Little's law puts ${count(concurrency)} requests in flight, more than the ${count(s.maxConcurrentSequences)} sequences that fit: they queue, or you need more GPUs`);
  }
  if (opts.json) {
    io.out(JSON.stringify({ model, gpu: { spec: spec.id, ...(sku ? { sku: sku.id } : {}), hardware: hw, computeTflops: gpuShape.denseTflops }, gpus, context, batch, precision: opts.precision, kvPrecision: opts.kvPrecision ?? opts.precision, ...s, notes, ...(concurrency !== undefined ? { concurrentRequests: concurrency } : {}), ...(spec_ ? { speculativeDecoding: spec_ } : {}) }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines = [
    `${model.name} on ${gpus} × ${spec.id} (${hw.hbmGb} GB, ${hw.memoryBandwidthTbPerS} TB/s, ${gpuShape.denseTflops} dense ${fp8 ? 'FP8' : 'BF16'} TFLOPS each) — ${opts.precision} weights, ${opts.kvPrecision ?? opts.precision} KV, context ${count(context)}, batch ${batch}`,
    `  model: ${model.layers} layers, ${model.attentionHeads} attention heads, ${model.kvHeads} KV heads${s.groupedQueryAttention ? ' (grouped-query attention)' : ''}, head_dim ${model.headDim}, ${(model.parameters / 1e9).toFixed(1)}B parameters${model.activeParameters !== model.parameters ? ` (${(model.activeParameters / 1e9).toFixed(1)}B active)` : ''} — ${model.source}`,
    '',
    table(
      ['Quantity', 'Value'],
      [
        ['Weights', `${s.weightsGb.toFixed(1)} GB`],
        ['KV cache per sequence', `${s.kvPerSequenceGb.toFixed(3)} GB`],
        [`KV cache at batch ${batch}`, `${s.kvAtBatchGb.toFixed(1)} GB`],
        [`Usable HBM (${percent(headroom, 0)} headroom)`, `${s.usableGb.toFixed(1)} of ${s.hbmGb.toFixed(0)} GB`],
        ['Max concurrent sequences', count(s.maxConcurrentSequences)],
        ['GPUs to hold weights + batch', String(s.gpusForBatch)],
        [`Decode ceiling (${s.decode.bound}-bound)`, `${count(s.decode.tokensPerSecond)} tok/s (${s.decode.stepMs.toFixed(1)} ms/step)`],
        ['Prefill ceiling (compute-bound)', `${count(s.prefill.tokensPerSecond)} tok/s`],
        ...(concurrency !== undefined ? [["Little's law: requests in flight", count(concurrency)]] : []),
        ...(spec_ ? [['Speculative decoding', `${spec_.expectedTokensPerStep.toFixed(2)} tokens/step for ${spec_.costMultiplier.toFixed(2)}x cost = ${spec_.netSpeedup.toFixed(2)}x (single request)`]] : []),
      ],
      ['left', 'right'],
    ),
  ];
  const allNotes = [...notes, ...(spec_?.notes ?? [])];
  if (allNotes.length) lines.push('', 'Notes:', ...allNotes.map((n) => `  ${n}`));
  lines.push('', 'Working:', ...stepLines(s.steps));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}
