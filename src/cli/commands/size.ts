import { findGpuSpec, findModel } from '../../catalog/lookup.js';
import { RoutefitError } from '../../engine/errors.js';
import { precisionBytes, sizeModel, littlesLaw } from '../../engine/capacity/sizing.js';
import { speculativeDecoding } from '../../engine/capacity/speculative-decoding.js';
import { count, percent, table } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { stepLines } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';

const options = {
  model: opt.string('--model <id>', 'model id from catalog/models.yaml, e.g. llama-3.3-70b').required(),
  gpu: opt.string('--gpu <id>', 'GPU spec (h100-sxm) or SKU (lambda/h100-sxm)').required(),
  context: opt.number('--context <tokens>', 'sequence length in tokens (prompt + output)', { min: 1, max: 10_000_000 }).required(),
  precision: opt.string('--precision <p>', 'weight precision: fp16, bf16, fp8, int8, int4 …').required(),
  kvPrecision: opt.string('--kv-precision <p>', 'KV-cache precision (default: the weight precision)'),
  batch: opt.number('--batch <n>', 'concurrent sequences', { min: 1, max: 1_000_000 }).default(1),
  gpus: opt.number('--gpus <n>', 'GPUs to size (default: the fewest that hold weights and batch)', { min: 1, max: 100_000 }),
  headroom: opt.number('--headroom <f>', 'share of HBM held back for activations and the runtime', { min: 0, max: 0.99, percent: true }).default(0.1),
  arrivalRate: opt.number('--arrival-rate <r/s>', "requests per second, for Little's law", { min: 0 }),
  latency: opt.number('--latency <s>', "average latency in seconds, for Little's law", { min: 0 }),
  specAlpha: opt.number('--spec-alpha <a>', 'speculative decoding: draft acceptance rate α', { min: 0, max: 0.999 }),
  specGamma: opt.number('--spec-gamma <g>', 'speculative decoding: draft length γ', { min: 1, max: 64 }).default(5),
  draftCost: opt.number('--draft-cost <r>', 'speculative decoding: draft cost per token relative to the target', { min: 0, max: 1 }).default(0.03),
  json: opt.json(),
  catalog: opt.catalog(),
};
type SizeOpts = OptionValues<typeof options>;

function size(opts: SizeOpts, io: Io): number {
  const catalog = openCatalog(opts.catalog);
  const model = findModel(catalog, opts.model);
  const { spec, sku } = findGpuSpec(catalog, opts.gpu);
  if (!spec.hardware) throw new RoutefitError('invalid_input', `GPU spec ${spec.id} has no hardware figures in the catalog (hbm_gb, memory_bandwidth_tb_s, dense_bf16_tflops)`, { field: 'gpu' });
  const hw = spec.hardware;
  const weightBytes = precisionBytes(opts.precision);
  const kvBytes = precisionBytes(opts.kvPrecision ?? opts.precision);
  const fp8 = ['fp8', 'int8', 'int4', 'fp4'].includes(opts.precision.toLowerCase()) && hw.denseFp8Tflops !== undefined;
  const gpuShape = { hbmGb: hw.hbmGb, bandwidthTbPerS: hw.memoryBandwidthTbPerS, denseTflops: fp8 ? hw.denseFp8Tflops! : hw.denseBf16Tflops };
  const context = opts.context;
  const batch = opts.batch;
  const headroom = opts.headroom;
  const shape = { parameters: model.parameters, activeParameters: model.activeParameters, layers: model.layers, attentionHeads: model.attentionHeads, kvHeads: model.kvHeads, headDim: model.headDim };
  const base = { model: shape, gpu: gpuShape, weightBytes, kvBytes, context, batch, headroom };
  const perSku = sku?.gpusPerInstance ?? 1;
  const explicit = opts.gpus;
  // Without --gpus: the smallest whole number of GPUs (or SKU instances) that holds weights plus the batch.
  const needed = sizeModel({ ...base, gpus: 1 }).gpusForBatch;
  const gpus = explicit ?? Math.ceil(needed / perSku) * perSku;
  const s = sizeModel({ ...base, gpus });
  if ((opts.arrivalRate === undefined) !== (opts.latency === undefined)) throw new CliUsageError("give --arrival-rate and --latency together (Little's law needs both)");
  const concurrency =
    opts.arrivalRate !== undefined && opts.latency !== undefined
      ? littlesLaw(opts.arrivalRate!, opts.latency!)
      : undefined;
  const spec_ =
    opts.specAlpha !== undefined
      ? speculativeDecoding(opts.specAlpha!, opts.specGamma, opts.draftCost, batch)
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

export default defineCommand({
  options,
  examples: [
    'routefit size --model llama-3.3-70b --gpu h100-sxm --context 4096 --precision fp16 --batch 32',
    'routefit size --model llama-3.3-70b --gpu lambda/h100-sxm --context 8192 --precision fp8 --batch 64 --arrival-rate 100 --latency 2',
    'routefit size --model llama-3.1-8b --gpu l40s --context 4096 --precision bf16 --spec-alpha 0.55 --batch 12 --json',
  ],
  run: (opts, { io }) => size(opts, io),
});
