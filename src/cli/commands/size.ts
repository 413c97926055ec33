import { findGpuSpec, findModel } from '../../catalog/lookup.js';
import type { ModelSpecEntry } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { kvEqualsWeightsContext, littlesLaw, littlesLawCapacity, precisionBytes, sizeKvPool, sizeModel } from '../../engine/capacity/sizing.js';
import { SPECDEC_BATCH_CAVEAT, speculativeDecoding, speculativeThroughput } from '../../engine/capacity/speculative-decoding.js';
import { INTERCONNECTS, type Interconnect, kvTransfer } from '../../engine/capacity/disaggregation.js';
import { count, percent, table } from '../format.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';
import { openCatalog } from '../pricing.js';
import { stepLines } from '../capacity-text.js';
import { parseNumber } from '../flags.js';
import { Opt, type OptionValues, defineCommand, opt } from '../command.js';

/** `--kv-link nvlink4` or a bandwidth in GB/s. */
function parseLink(text: string): { gbPerS: number; label: string } {
  const preset = INTERCONNECTS[text.trim().toLowerCase() as Interconnect];
  if (preset) return preset;
  if (/^[\d.eE+]+$/.test(text.trim())) return { gbPerS: parseNumber('--kv-link', text, { min: 0, minExclusive: true, max: 100_000 }), label: `${text.trim()} GB/s (given)` };
  throw new CliUsageError(`--kv-link is "${text}"; allowed ${Object.keys(INTERCONNECTS).join(', ')} or a bandwidth in GB/s (0 < value ≤ 100000)`);
}

const shapeInt = (flags: string, d: string) => opt.number(flags, d, { min: 1, max: 1_000_000, integer: true });
const options = {
  model: opt.string('--model <id>', 'model id from catalog/models.yaml, e.g. llama-3.3-70b (or give the shape with --layers …)'),
  gpu: opt.string('--gpu <id>', 'GPU spec (h100-sxm) or SKU (lambda/h100-sxm); not needed with --kv-pool-gb'),
  context: opt.number('--context <tokens>', 'sequence length in tokens (prompt + output)', { min: 1, max: 10_000_000 }).required(),
  precision: opt.string('--precision <p>', 'weight precision: fp16, bf16, fp8, int8, int4 …'),
  weightBytes: opt.number('--weight-bytes <b>', 'bytes per weight, instead of --precision', { min: 0, minExclusive: true, max: 8 }),
  kvPrecision: opt.string('--kv-precision <p>', 'KV-cache precision (default: the weight precision)'),
  layers: shapeInt('--layers <n>', 'model shape without a catalog entry: transformer layers'),
  kvHeads: shapeInt('--kv-heads <n>', 'model shape: key/value heads (fewer than attention heads under GQA)'),
  headDim: shapeInt('--head-dim <n>', 'model shape: head dimension'),
  attentionHeads: shapeInt('--attention-heads <n>', 'model shape: attention heads (default: --kv-heads)'),
  params: opt.number('--params <n>', 'model shape: parameter count, e.g. 70.6e9', { min: 1e6, max: 1e14 }),
  activeParams: opt.number('--active-params <n>', 'model shape: parameters active per token (MoE; default --params)', { min: 1e6, max: 1e14 }),
  kvPoolGb: opt.number('--kv-pool-gb <gb>', 'size a raw KV pool of this many GB (no GPU needed): sequences that fit, Little\'s-law capacity', { min: 0, minExclusive: true, max: 1e7 }),
  batch: opt.number('--batch <n>', 'concurrent sequences', { min: 1, max: 1_000_000 }).default(1),
  gpus: opt.number('--gpus <n>', 'GPUs to size (default: the fewest that hold weights and batch)', { min: 1, max: 100_000 }),
  headroom: opt.number('--headroom <f>', 'share of HBM held back for activations and the runtime', { min: 0, max: 0.99, percent: true }).default(0.1),
  arrivalRate: opt.number('--arrival-rate <r/s>', "requests per second, for Little's law", { min: 0 }),
  latency: opt.number('--latency <s>', "average latency in seconds, for Little's law (alone: the requests/s the slots serve)", { min: 0 }),
  kvLink: new Opt<{ gbPerS: number; label: string }>('--kv-link <link>', `disaggregated prefill/decode: KV hand-off link, ${Object.keys(INTERCONNECTS).join(', ')} or GB/s`, parseLink),
  promptTokens: opt.number('--prompt-tokens <n>', 'disaggregation: prompt tokens whose KV is handed over (default --context)', { min: 1, max: 10_000_000 }),
  linkLatencyMs: opt.number('--link-latency-ms <ms>', 'disaggregation: fixed latency per hand-off', { min: 0, max: 10_000 }).default(0),
  specAlpha: opt.number('--spec-alpha <a>', 'speculative decoding: draft acceptance rate α', { min: 0, max: 0.999 }),
  specGamma: opt.number('--spec-gamma <g>', 'speculative decoding: draft length γ', { min: 1, max: 64 }).default(5),
  draftCost: opt.number('--draft-cost <r>', 'speculative decoding: draft cost per token relative to the target', { min: 0, max: 1 }).default(0.03),
  json: opt.json(),
  catalog: opt.catalog(),
};
type SizeOpts = OptionValues<typeof options>;

type Shape = Pick<ModelSpecEntry, 'name' | 'parameters' | 'activeParameters' | 'layers' | 'attentionHeads' | 'kvHeads' | 'headDim'> & { source: string; notes?: string };

/** The model: a catalog entry (--model) or the shape given by hand (--layers, --kv-heads, --head-dim, --params). */
function modelShape(opts: SizeOpts, open: () => ReturnType<typeof openCatalog>): Shape {
  const hand = { layers: opts.layers, kvHeads: opts.kvHeads, headDim: opts.headDim, params: opts.params };
  const given = Object.entries(hand).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (opts.model !== undefined) {
    if (given.length) throw new CliUsageError(`give --model or the shape flags (--layers, --kv-heads, --head-dim, --params), not both`);
    return findModel(open(), opts.model);
  }
  if (given.length !== 4) throw new CliUsageError(`give --model, or all of --layers, --kv-heads, --head-dim and --params (missing: ${Object.keys(hand).filter((k) => !given.includes(k)).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')})`);
  const attentionHeads = opts.attentionHeads ?? opts.kvHeads!;
  if (attentionHeads < opts.kvHeads!) throw new CliUsageError(`--attention-heads (${attentionHeads}) is below --kv-heads (${opts.kvHeads}); allowed attention heads ≥ KV heads`);
  if (opts.activeParams !== undefined && opts.activeParams > opts.params!) throw new CliUsageError(`--active-params (${opts.activeParams}) exceeds --params (${opts.params})`);
  return { name: 'model (shape given)', parameters: opts.params!, activeParameters: opts.activeParams ?? opts.params!, layers: opts.layers!, attentionHeads, kvHeads: opts.kvHeads!, headDim: opts.headDim!, source: 'command line' };
}

function bytesOf(opts: SizeOpts): { weightBytes: number; kvBytes: number; label: string; kvLabel: string } {
  if (opts.precision === undefined && opts.weightBytes === undefined) throw new CliUsageError('give --precision (fp16, fp8 …) or --weight-bytes');
  if (opts.precision !== undefined && opts.weightBytes !== undefined) throw new CliUsageError('give --precision or --weight-bytes, not both');
  const weightBytes = opts.weightBytes ?? precisionBytes(opts.precision!);
  const label = opts.precision ?? `${weightBytes}-byte`;
  const kvBytes = opts.kvPrecision !== undefined ? precisionBytes(opts.kvPrecision) : weightBytes;
  return { weightBytes, kvBytes, label, kvLabel: opts.kvPrecision ?? label };
}

/** A raw KV pool: sequences that fit, KV = weights context, Little's-law capacity; no GPU. */
function sizePool(opts: SizeOpts, io: Io): number {
  if (opts.gpu !== undefined) throw new CliUsageError('--kv-pool-gb sizes a raw pool: drop --gpu (or drop --kv-pool-gb to size the GPU)');
  const catalog = () => openCatalog(opts.catalog);
  const m = modelShape(opts, catalog);
  const b = bytesOf(opts);
  const p = sizeKvPool({ model: m, weightBytes: b.weightBytes, kvBytes: b.kvBytes, context: opts.context, poolGb: opts.kvPoolGb!, ...(opts.latency !== undefined && opts.latency > 0 ? { latencySeconds: opts.latency } : {}) });
  const inFlight = opts.arrivalRate !== undefined && opts.latency !== undefined ? littlesLaw(opts.arrivalRate, opts.latency) : undefined;
  const spec = opts.specAlpha !== undefined ? speculativeDecoding(opts.specAlpha, opts.specGamma, opts.draftCost, opts.batch) : undefined;
  const transfer = opts.kvLink ? kvTransfer({ model: m, kvBytes: b.kvBytes, promptTokens: opts.promptTokens ?? opts.context, linkGbPerS: opts.kvLink.gbPerS, linkLatencyMs: opts.linkLatencyMs }) : undefined;
  const notes: string[] = [];
  if (inFlight !== undefined && inFlight > p.maxConcurrentSequences) notes.push(`Little's law puts ${count(inFlight)} requests in flight, more than the ${count(p.maxConcurrentSequences)} sequences the pool holds: they queue`);
  if (opts.context > p.kvEqualsWeightsAtContext) notes.push(`at ${count(opts.context)} tokens one sequence's KV cache outweighs the weights (${p.weightsGb.toFixed(1)} GB)`);
  if (opts.json) {
    io.out(JSON.stringify({ model: m, context: opts.context, precision: b.label, kvPrecision: b.kvLabel, kvPoolGb: opts.kvPoolGb, ...p, ...(inFlight !== undefined ? { concurrentRequests: inFlight } : {}), ...(spec ? { speculativeDecoding: spec } : {}), ...(transfer ? { kvTransfer: { link: opts.kvLink, ...transfer } } : {}), notes }, null, 2) + '\n');
    return EXIT_OK;
  }
  const L = [
    `${m.name}: ${m.layers} layers, ${m.kvHeads} KV heads, head_dim ${m.headDim}, ${(m.parameters / 1e9).toFixed(1)}B parameters (${m.source}) — ${b.label} weights, ${b.kvLabel} KV, a ${opts.kvPoolGb} GB KV pool, context ${count(opts.context)}`,
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
  const all = [...notes, ...(spec?.notes ?? [])];
  if (all.length) L.push('', 'Notes:', ...all.map((n) => `  ${n}`));
  L.push('', 'Working:', ...stepLines([...p.steps, ...(transfer?.steps ?? [])]));
  io.out(L.join('\n') + '\n');
  return EXIT_OK;
}

function size(opts: SizeOpts, io: Io): number {
  if (opts.kvPoolGb !== undefined) return sizePool(opts, io);
  if (opts.gpu === undefined) throw new CliUsageError('give --gpu (h100-sxm, lambda/h100-sxm …), or --kv-pool-gb to size a raw KV pool');
  const catalog = openCatalog(opts.catalog);
  const model = modelShape(opts, () => catalog);
  const { spec, sku } = findGpuSpec(catalog, opts.gpu);
  if (!spec.hardware) throw new RoutefitError('invalid_input', `GPU spec ${spec.id} has no hardware figures in the catalog (hbm_gb, memory_bandwidth_tb_s, dense_bf16_tflops)`, { field: 'gpu' });
  const hw = spec.hardware;
  const b = bytesOf(opts);
  const { weightBytes, kvBytes } = b;
  const fp8 = weightBytes <= 1 && hw.denseFp8Tflops !== undefined;
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
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
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
          ...(transfer ? { kvTransfer: { link: opts.kvLink, ...transfer } } : {}),
        },
        null,
        2,
      ) + '\n',
    );
    return EXIT_OK;
  }
  const lines = [
    `${model.name} on ${gpus} × ${spec.id} (${hw.hbmGb} GB, ${hw.memoryBandwidthTbPerS} TB/s, ${gpuShape.denseTflops} dense ${fp8 ? 'FP8' : 'BF16'} TFLOPS each) — ${b.label} weights, ${b.kvLabel} KV, context ${count(context)}, batch ${batch}`,
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
  const allNotes = [...notes, ...(spec_?.notes ?? [])];
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
