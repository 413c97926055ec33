import { SPECDEC_BATCH_CAVEAT } from '../../engine/capacity/speculative-decoding.js';
import { count, percent, table } from '../format.js';
import { EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { stepLines } from '../capacity-text.js';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { SIZE_OPTIONS } from '../calculator-options.js';
import { bytesOf, sizeGpuResult, sizePoolResult } from '../size-calc.js';

const options = { ...SIZE_OPTIONS, json: opt.json(), catalog: opt.catalog() };
type SizeOpts = OptionValues<typeof options>;

/** A raw KV pool: sequences that fit, KV = weights context, Little's-law capacity; no GPU. */
function sizePool(opts: SizeOpts, io: Io): number {
  const r = sizePoolResult(opts, () => openCatalog(opts.catalog));
  if (opts.json) {
    io.out(JSON.stringify(r, null, 2) + '\n');
    return EXIT_OK;
  }
  const { model: m, speculativeDecoding: spec, kvTransfer: transfer, concurrentRequests: inFlight } = r;
  const p = r;
  const L = [
    `${m.name}: ${m.layers} layers, ${m.kvHeads} KV heads, head_dim ${m.headDim}, ${(m.parameters / 1e9).toFixed(1)}B parameters (${m.source}) — ${r.precision} weights, ${r.kvPrecision} KV, a ${opts.kvPoolGb} GB KV pool, context ${count(opts.context)}`,
    '',
    table(
      ['Quantity', 'Value'],
      [
        ['KV cache per sequence', `${p.kvPerSequenceGb.toFixed(4)} GB`],
        ['Concurrent sequences in the pool', count(p.maxConcurrentSequences)],
        ['Context at which KV = weights', `${count(p.kvEqualsWeightsAtContext)} tokens (weights ${p.weightsGb.toFixed(1)} GB)`],
        ...(p.maxRequestsPerSecond !== undefined ? [[`Serving capacity at ${opts.latency} s per request`, `${p.maxRequestsPerSecond.toFixed(2)} requests/s`]] : []),
        ...(inFlight !== undefined ? [["Little's law: requests in flight", count(inFlight)]] : []),
        ...(transfer ? [[`KV hand-off over ${opts.kvLink!.label}`, `${transfer.transferMs.toFixed(2)} ms for ${transfer.kvGb.toFixed(3)} GB`]] : []),
        ...(spec ? [['Speculative decoding', `${spec.expectedTokensPerStep.toFixed(2)} tokens/step for ${spec.costMultiplier.toFixed(2)}x cost = ${spec.netSpeedup.toFixed(2)}x (single request; give --gpu for the batch view)`]] : []),
      ],
      ['left', 'right'],
    ),
  ];
  const all = [...r.notes, ...(spec?.notes ?? [])];
  if (all.length) L.push('', 'Notes:', ...all.map((n) => `  ${n}`));
  L.push('', 'Working:', ...stepLines([...p.steps, ...(transfer?.steps ?? [])]));
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

function size(opts: SizeOpts, io: Io): number {
  if (opts.kvPoolGb !== undefined) return sizePool(opts, io);
  const r = sizeGpuResult(opts, openCatalog(opts.catalog));
  if (opts.json) {
    io.out(JSON.stringify(r, null, 2) + '\n');
    return EXIT_OK;
  }
  const s = r;
  const { model, gpus, context, batch } = r;
  const hw = r.gpu.hardware;
  const fp8 = bytesOf(opts).weightBytes <= 1 && hw.denseFp8Tflops !== undefined;
  const headroom = opts.headroom;
  const kvEq = r.kvEqualsWeightsAtContext;
  const concurrency = r.concurrentRequests;
  const capacity = r.maxRequestsPerSecond;
  const transfer = r.kvTransfer;
  const spec_ = r.speculativeDecoding;
  const lines = [
    `${model.name} on ${gpus} × ${r.gpu.spec} (${hw.hbmGb} GB, ${hw.memoryBandwidthTbPerS} TB/s, ${r.gpu.computeTflops} dense ${fp8 ? 'FP8' : 'BF16'} TFLOPS each) — ${r.precision} weights, ${r.kvPrecision} KV, context ${count(context)}, batch ${batch}`,
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
        ['Context at which KV = weights', `${count(kvEq)} tokens`],
        ['GPUs to hold weights + batch', String(s.gpusForBatch)],
        [`Decode ceiling (${s.decode.bound}-bound)`, `${count(s.decode.tokensPerSecond)} tok/s (${s.decode.stepMs.toFixed(1)} ms/step)`],
        ['Prefill ceiling (compute-bound)', `${count(s.prefill.tokensPerSecond)} tok/s`],
        ...(concurrency !== undefined ? [["Little's law: requests in flight", count(concurrency)]] : []),
        ...(capacity !== undefined ? [[`Serving capacity at ${opts.latency} s per request`, `${capacity.toFixed(2)} requests/s (${count(s.maxConcurrentSequences)} slots ÷ ${opts.latency} s)`]] : []),
        ...(transfer ? [[`KV hand-off over ${opts.kvLink!.label}`, `${transfer.transferMs.toFixed(2)} ms for ${transfer.kvGb.toFixed(3)} GB (${transfer.decodeStepsEquivalent!.toFixed(1)} decode steps)`]] : []),
        ...(spec_
          ? [
              ['Speculative decoding (single request)', `${spec_.expectedTokensPerStep.toFixed(2)} tokens/step for ${spec_.costMultiplier.toFixed(2)}x cost = ${spec_.netSpeedup.toFixed(2)}x`],
              [`Speculative decoding at batch ${batch} (roofline)`, `${count(spec_.specTokensPerSecond)} vs ${count(spec_.plainTokensPerSecond)} tok/s = ${spec_.batchSpeedup.toFixed(2)}x${batch >= SPECDEC_BATCH_CAVEAT ? ' — a ceiling: measured, the gain vanishes past batch ~8' : ''}`],
            ]
          : []),
      ],
      ['left', 'right'],
    ),
  ];
  const allNotes = [...r.notes, ...(spec_?.notes ?? [])];
  if (allNotes.length) lines.push('', 'Notes:', ...allNotes.map((n) => `  ${n}`));
  lines.push('', 'Working:', ...stepLines([...s.steps, ...(transfer?.steps ?? [])]));
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

export default defineCommand({
  options,
  examples: [
    'routefit size --model llama-3.3-70b --gpu h100-sxm --context 4096 --precision fp16 --batch 32',
    'routefit size --model llama-3.3-70b --gpu lambda/h100-sxm --context 8192 --precision fp8 --batch 64 --arrival-rate 100 --latency 2',
    'routefit size --model llama-3.1-8b --gpu l40s --context 4096 --precision bf16 --spec-alpha 0.55 --batch 12 --json',
    'routefit size --layers 80 --kv-heads 8 --head-dim 128 --params 70.6e9 --precision fp16 --context 4096 --kv-pool-gb 40 --latency 2',
    'routefit size --model llama-3.3-70b --gpu h100-sxm --context 8192 --precision fp8 --batch 16 --kv-link ib-ndr --prompt-tokens 6000',
  ],
  notes:
    "KV = 2 × layers × KV heads × head_dim × tokens × bytes; KV equals the weights at parameters × weight bytes ÷ (2 × layers × KV heads × head_dim × KV bytes); capacity = slots ÷ latency (Little's law). Speculative decoding: the speedup vanishes past batch ~8 (Inference Field Guide, Part 0). See docs/capacity.md.",
  run: (opts, { io }) => size(opts, io),
});
