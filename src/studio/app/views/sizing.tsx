import { useMemo } from 'preact/hooks';
import { findRoute } from '../../../catalog/lookup.js';
import { resolveRoute } from '../../../catalog/resolve.js';
import { CACHE_GATE_OPTIONS, SIZE_OPTIONS } from '../../../cli/calculator-options.js';
import { sizeGpuResult, sizePoolResult } from '../../../cli/size-calc.js';
import { cacheGate } from '../../../engine/cost/cache-gate.js';
import type { CacheTtl } from '../../../engine/cost/token-pricing.js';
import { PRECISION_BYTES } from '../../../engine/capacity/sizing.js';
import { SPECDEC_BATCH_CAVEAT } from '../../../engine/capacity/speculative-decoding.js';
import { INTERCONNECTS } from '../../../engine/capacity/disaggregation.js';
import { DEFAULTS } from '../../../workload/defaults.js';
import { valueOf } from '../../../engine/evidence.js';
import { count, num, percent, usd } from '../fmt.js';
import type { ViewProps } from '../types.js';
import { Fig, Flag, Refusal, attempt, fieldsNeedFixing, useFlagForm } from './calc-form.js';
import { WorkloadPicker } from './common.js';

const POOL_KEYS = ['kvPoolGb'] as const;
const GPU_KEYS = ['gpu', 'gpus', 'headroom'] as const;
const SHAPE_KEYS = ['layers', 'kvHeads', 'headDim', 'attentionHeads', 'params', 'activeParams'] as const;

/**
 * `routefit size` and `routefit cache-gate` in the page: KV capacity for a catalog model or any shape,
 * on GPUs or a raw KV pool; Little's law; the disaggregated KV hand-off; speculative decoding; and the
 * cache break-even gate per route of the workload. The same functions compute both surfaces.
 */
export function SizingView(props: ViewProps) {
  return (
    <section class="sizing">
      <KvSizing {...props} />
      <CacheGateSection {...props} />
    </section>
  );
}

function KvSizing(props: ViewProps) {
  const { catalog, state, set } = props;
  const models = [...catalog.models.values()];
  const specs = [...catalog.gpuSpecs.values()].filter((s) => s.hardware);
  const form = useFlagForm(props, 'size', SIZE_OPTIONS, { model: models[0]?.id ?? '', gpu: specs[0]?.id ?? '', precision: 'bf16', context: '8192', batch: '16' });
  const pool = state.opts['size.mode'] === 'pool';
  const shapeByHand = form.text('model') === '';
  const shown = (k: string) => !((pool ? GPU_KEYS : POOL_KEYS) as readonly string[]).includes(k) && (shapeByHand || !(SHAPE_KEYS as readonly string[]).includes(k));
  const bad = Object.keys(form.errors).filter(shown);
  const result = useMemo(() => {
    if (bad.length) return null;
    const v = { ...form.values };
    // The mode decides which flags the CLI would be given: a pool has no GPU, a GPU no pool.
    if (pool) v.gpu = undefined;
    else v.kvPoolGb = undefined;
    if (!shapeByHand) for (const k of SHAPE_KEYS) v[k] = undefined;
    else v.model = undefined;
    return attempt((): { pool?: PoolResult; gpu?: GpuResult } => (pool ? { pool: sizePoolResult(v, () => catalog) } : { gpu: sizeGpuResult(v, catalog) }));
  }, [catalog, state.opts]);
  const F = (k: keyof typeof SIZE_OPTIONS & string, label: string, extra: { choices?: string[]; placeholder?: string } = {}) => <Flag form={form} options={SIZE_OPTIONS} k={k} label={label} {...extra} />;
  const precisions = Object.keys(PRECISION_BYTES);
  return (
    <div data-testid="kv-sizing">
      <h2>KV cache, concurrency and roofline</h2>
      <div class="filters">
        <label>
          Size{' '}
          <select aria-label="sizing mode" value={pool ? 'pool' : 'gpu'} onChange={(e) => set({ opts: { ...state.opts, 'size.mode': (e.target as HTMLSelectElement).value } })}>
            <option value="gpu">a model on GPUs</option>
            <option value="pool">a raw KV pool (no GPU)</option>
          </select>
        </label>
        <label title="--model, or the shape by hand">
          Model{' '}
          <select aria-label="model" value={form.text('model')} onChange={(e) => form.put('model', (e.target as HTMLSelectElement).value)}>
            {models.map((m) => <option value={m.id}>{m.name}</option>)}
            <option value="">shape given by hand…</option>
          </select>
        </label>
        {shapeByHand ? <>{F('layers', 'Layers')}{F('kvHeads', 'KV heads')}{F('headDim', 'Head dim')}{F('attentionHeads', 'Attention heads')}{F('params', 'Parameters')}{F('activeParams', 'Active parameters')}</> : null}
        {pool ? F('kvPoolGb', 'KV pool GB') : <>
          <label title="--gpu">GPU <select aria-label="gpu" value={form.text('gpu')} onChange={(e) => form.put('gpu', (e.target as HTMLSelectElement).value)}>{specs.map((s) => <option value={s.id}>{s.name}</option>)}</select></label>
          {F('gpus', 'GPUs', { placeholder: 'fewest that fit' })}
          {F('headroom', 'HBM headroom')}
        </>}
        {F('precision', 'Weights', { choices: ['', ...precisions] })}
        {F('weightBytes', 'Bytes per weight', { placeholder: 'or a precision' })}
        {F('kvPrecision', 'KV cache', { choices: ['', ...precisions] })}
        {F('context', 'Context')}
        {F('batch', 'Batch')}
        {F('arrivalRate', 'Arrivals/s')}
        {F('latency', 'Latency s')}
      </div>
      <div class="filters">
        <strong>Disaggregated prefill/decode</strong>
        {F('kvLink', 'KV link', { placeholder: `${Object.keys(INTERCONNECTS).join(', ')} or GB/s` })}
        {F('promptTokens', 'Prompt tokens handed over', { placeholder: 'context' })}
        {F('linkLatencyMs', 'Link latency ms')}
        <strong>Speculative decoding</strong>
        {F('specAlpha', 'Acceptance α')}
        {F('specGamma', 'Draft length γ')}
        {F('draftCost', 'Draft cost ratio')}
      </div>
      {result === null ? fieldsNeedFixing('size') : !result.ok ? <Refusal id="size" message={result.message} /> : result.value.pool ? <PoolTable r={result.value.pool} /> : <GpuTable r={result.value.gpu!} />}
    </div>
  );
}

type PoolResult = ReturnType<typeof sizePoolResult>;
type GpuResult = ReturnType<typeof sizeGpuResult>;

function PoolTable({ r }: { r: PoolResult }) {
  const spec = r.speculativeDecoding;
  const t = r.kvTransfer;
  return (
    <>
      <table data-testid="sizing">
        <tbody>
          <tr><td>KV cache per sequence</td><Fig id="kvPerSequenceGb" value={r.kvPerSequenceGb}>{r.kvPerSequenceGb.toFixed(4)} GB</Fig></tr>
          <tr><td>Concurrent sequences in the pool</td><Fig id="maxConcurrentSequences" value={r.maxConcurrentSequences}>{count(r.maxConcurrentSequences)}</Fig></tr>
          <tr><td>Context at which KV = weights</td><Fig id="kvEqualsWeightsAtContext" value={r.kvEqualsWeightsAtContext}>{count(r.kvEqualsWeightsAtContext)} tokens (weights {r.weightsGb.toFixed(1)} GB)</Fig></tr>
          {r.maxRequestsPerSecond !== undefined ? <tr><td>Serving capacity (Little's law: slots ÷ latency)</td><Fig id="maxRequestsPerSecond" value={r.maxRequestsPerSecond}>{r.maxRequestsPerSecond.toFixed(2)} requests/s</Fig></tr> : null}
          {r.concurrentRequests !== undefined ? <tr><td>Little's law: requests in flight</td><Fig id="concurrentRequests" value={r.concurrentRequests}>{num(r.concurrentRequests)}</Fig></tr> : null}
          {t ? <tr><td>KV hand-off over {t.link.label}</td><Fig id="kvTransfer.transferMs" value={t.transferMs}>{t.transferMs.toFixed(2)} ms for {t.kvGb.toFixed(3)} GB</Fig></tr> : null}
          {spec ? <tr><td>Speculative decoding (single request)</td><Fig id="speculativeDecoding.netSpeedup" value={spec.netSpeedup}>{spec.expectedTokensPerStep.toFixed(2)} tokens/step for {spec.costMultiplier.toFixed(2)}x cost = {spec.netSpeedup.toFixed(2)}x</Fig></tr> : null}
        </tbody>
      </table>
      <Notes notes={[...r.notes, ...(spec?.notes ?? [])]} />
      <Working steps={[...r.steps, ...(t?.steps ?? [])]} />
    </>
  );
}

function GpuTable({ r }: { r: GpuResult }) {
  const spec = r.speculativeDecoding;
  const t = r.kvTransfer;
  return (
    <>
      <table data-testid="sizing">
        <tbody>
          <tr><td>GPUs</td><Fig id="gpus" value={r.gpus}>{r.gpus} × {r.gpu.spec}</Fig></tr>
          <tr><td>Weights</td><Fig id="weightsGb" value={r.weightsGb}>{r.weightsGb.toFixed(1)} GB</Fig></tr>
          <tr><td>KV cache per sequence</td><Fig id="kvPerSequenceGb" value={r.kvPerSequenceGb}>{r.kvPerSequenceGb.toFixed(3)} GB</Fig></tr>
          <tr><td>KV cache at batch {r.batch}</td><Fig id="kvAtBatchGb" value={r.kvAtBatchGb}>{r.kvAtBatchGb.toFixed(1)} GB</Fig></tr>
          <tr><td>Usable HBM</td><Fig id="usableGb" value={r.usableGb}>{r.usableGb.toFixed(1)} of {r.hbmGb.toFixed(0)} GB</Fig></tr>
          <tr><td>Concurrent sequences that fit</td><Fig id="maxConcurrentSequences" value={r.maxConcurrentSequences}>{count(r.maxConcurrentSequences)}</Fig></tr>
          <tr><td>Context at which KV = weights</td><Fig id="kvEqualsWeightsAtContext" value={r.kvEqualsWeightsAtContext}>{count(r.kvEqualsWeightsAtContext)} tokens</Fig></tr>
          <tr><td>Decode ceiling ({r.decode.bound}-bound)</td><Fig id="decode.tokensPerSecond" value={r.decode.tokensPerSecond}>{count(r.decode.tokensPerSecond)} tok/s ({r.decode.stepMs.toFixed(1)} ms/step)</Fig></tr>
          <tr><td>Prefill ceiling (compute-bound)</td><Fig id="prefill.tokensPerSecond" value={r.prefill.tokensPerSecond}>{count(r.prefill.tokensPerSecond)} tok/s</Fig></tr>
          {r.concurrentRequests !== undefined ? <tr><td>Little's law: requests in flight</td><Fig id="concurrentRequests" value={r.concurrentRequests}>{num(r.concurrentRequests)}{r.concurrentRequests > r.maxConcurrentSequences ? ' — more than fit: they queue' : ''}</Fig></tr> : null}
          {r.maxRequestsPerSecond !== undefined ? <tr><td>Serving capacity (slots ÷ latency)</td><Fig id="maxRequestsPerSecond" value={r.maxRequestsPerSecond}>{r.maxRequestsPerSecond.toFixed(2)} requests/s</Fig></tr> : null}
          {t ? <tr><td>KV hand-off over {t.link.label}</td><Fig id="kvTransfer.transferMs" value={t.transferMs}>{t.transferMs.toFixed(2)} ms for {t.kvGb.toFixed(3)} GB ({t.decodeStepsEquivalent!.toFixed(1)} decode steps)</Fig></tr> : null}
          {spec ? (
            <>
              <tr><td>Speculative decoding: tokens per step</td><Fig id="speculativeDecoding.expectedTokensPerStep" value={spec.expectedTokensPerStep}>{spec.expectedTokensPerStep.toFixed(2)} for {spec.costMultiplier.toFixed(2)}x cost = {spec.netSpeedup.toFixed(2)}x (single request)</Fig></tr>
              <tr><td>Speculative decoding at batch {r.batch} (roofline)</td><Fig id="speculativeDecoding.specTokensPerSecond" value={spec.specTokensPerSecond}>{count(spec.specTokensPerSecond)} vs {count(spec.plainTokensPerSecond)} tok/s = {spec.batchSpeedup.toFixed(2)}x</Fig></tr>
            </>
          ) : null}
        </tbody>
      </table>
      {spec && r.batch >= SPECDEC_BATCH_CAVEAT ? <p class="warn" data-testid="specdec-warning">At batch {r.batch} this is a roofline ceiling: measured, the speculative-decoding speedup vanishes past batch ~{SPECDEC_BATCH_CAVEAT} (Inference Field Guide, Part 0).</p> : null}
      <Notes notes={[...r.notes, ...(spec?.notes ?? [])]} />
      <Working steps={[...r.steps, ...(t?.steps ?? [])]} />
    </>
  );
}

function Notes({ notes }: { notes: string[] }) {
  return notes.length ? <ul class="notes">{notes.map((n) => <li>{n}</li>)}</ul> : null;
}

function Working({ steps }: { steps: { label: string; formula: string; expression: string; value: number; unit: string }[] }) {
  return (
    <details>
      <summary>Working</summary>
      <table>
        <tbody>{steps.map((st) => <tr><td>{st.label}</td><td><code>{st.formula}</code></td><td><code>{st.expression}</code></td><td class="num">{num(st.value)} {st.unit}</td></tr>)}</tbody>
      </table>
    </details>
  );
}

const CACHE_KEYS = ['ttl', 'storagePerHour', 'storedHours', 'prefixTokens', 'reads', 'hitRate'] as const;

/** `routefit cache-gate` for every per-token route of the workload, at the workload's hit rate. */
function CacheGateSection(props: ViewProps) {
  const { computed, state, catalog } = props;
  const priced = computed.outcome.ok ? computed.outcome.priced[state.workload] ?? computed.outcome.priced[0] : undefined;
  const prepared = priced?.prepared;
  const hitQ = prepared?.profile.cacheHitRate;
  const hit = hitQ === undefined ? undefined : valueOf(hitQ);
  const form = useFlagForm(props, 'cache', CACHE_GATE_OPTIONS, { ttl: prepared?.profile.cacheWriteTtl ?? '5m', ...(hit !== undefined ? { hitRate: String(hit) } : {}) }, CACHE_KEYS);
  const rows = useMemo(() => {
    if (!prepared || !form.ok) return [];
    const v = form.values;
    const ttl = v.ttl as CacheTtl;
    return prepared.routes.map((route) => ({
      route: route.id,
      r: attempt(() => {
        if (ttl !== '5m' && ttl !== '1h') throw new Error('unreachable');
        const gpu = findRoute(catalog, route.id).kind === 'gpu';
        const spec = gpu ? undefined : resolveRoute(catalog, { id: route.id, asOf: prepared.asOf }, { utilization: DEFAULTS.utilization });
        if (!spec || spec.billing !== 'tokens') return null;
        return cacheGate({
          routeId: spec.id,
          prices: spec.price,
          ttl,
          ...(v.storagePerHour !== undefined ? { storagePerMillionPerHour: v.storagePerHour } : {}),
          ...(v.storedHours !== undefined ? { storedHours: v.storedHours } : {}),
          ...(v.prefixTokens !== undefined ? { prefixTokens: v.prefixTokens } : {}),
          reads: v.reads,
          ...(v.hitRate !== undefined ? { hitRate: v.hitRate } : {}),
        });
      }),
    }));
  }, [prepared, catalog, state.opts]);
  const ttlBad = form.ok && form.values.ttl !== '5m' && form.values.ttl !== '1h';
  const reads = form.ok ? form.values.reads : [];
  return (
    <div data-testid="cache-gate" data-as-of={prepared?.asOf ?? ""}>
      <h2>Cache break-even gate</h2>
      <p class="muted">How many reads of a cached prefix pay for writing it, and the hit rate below which caching loses money — per route of {prepared?.name ?? 'the workload'}, priced as of {prepared?.asOf ?? '—'} (the playbook, ch. 7). `traces check` fires when a measured hit rate falls below h*.</p>
      <WorkloadPicker {...props} />
      <div class="filters">
        {CACHE_KEYS.map((k) => <Flag form={form} options={CACHE_GATE_OPTIONS} k={k} label={{ ttl: 'Write TTL', storagePerHour: 'Storage $/M/h', storedHours: 'Stored hours', prefixTokens: 'Prefix tokens', reads: 'Reads (list)', hitRate: 'Your hit rate' }[k]} {...(k === 'ttl' ? { choices: ['5m', '1h'] } : {})} />)}
      </div>
      {!prepared ? <Refusal id="cache" message="The workload file cannot be priced yet: fix it in the editor." /> : !form.ok ? fieldsNeedFixing('cache') : ttlBad ? <Refusal id="cache" message={`--ttl must be 5m or 1h; got "${String(form.values.ttl)}"`} /> : (
        <table data-testid="cache-gate-table">
          <thead><tr><th>Route</th><th>Reads to pay for a write (N*)</th><th>Ahead from read</th><th>Break-even hit rate (h*)</th><th>At your hit rate</th>{reads.map((n) => <th>Savings at {count(n)} reads</th>)}</tr></thead>
          <tbody>
            {rows.map(({ route, r }) => !r.ok ? (
              <tr data-route={route}><td>{route}</td><td colSpan={4 + reads.length} class="warn" role="alert">{r.message}</td></tr>
            ) : r.value === null ? (
              <tr data-route={route}><td>{route}</td><td colSpan={4 + reads.length} class="muted">GPU route: the cache gate prices per-token prompt caching</td></tr>
            ) : (
              <tr data-route={route}>
                <td>{route}</td>
                <Fig id="readsToBreakEven" value={r.value.readsToBreakEven}>{r.value.readsToBreakEven === null ? 'never pays' : r.value.readsToBreakEven.toFixed(2)}</Fig>
                <Fig id="minWholeReads" value={r.value.minWholeReads}>{r.value.minWholeReads === null ? '—' : count(r.value.minWholeReads)}</Fig>
                <Fig id="breakEvenHitRate" value={r.value.breakEvenHitRate}>{r.value.breakEvenHitRate === null ? '—' : percent(r.value.breakEvenHitRate)}</Fig>
                <Fig id="atHitRate.savingsShare" value={r.value.atHitRate?.savingsShare}>{r.value.atHitRate ? (r.value.atHitRate.pays ? `saves ${percent(r.value.atHitRate.savingsShare)}` : `loses ${percent(-r.value.atHitRate.savingsShare)}`) : '—'}</Fig>
                {r.value.savings.map((s) => <Fig id={`savings.${s.reads}`} value={s.savingsUsd}>{usd(s.savingsUsd, 2)}</Fig>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
