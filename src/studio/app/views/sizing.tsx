import { useMemo } from 'preact/hooks';
import { findGpuSpec } from '../../../catalog/lookup.js';
import { PRECISION_BYTES, littlesLaw, precisionBytes, sizeModel } from '../../../engine/capacity/sizing.js';
import { RoutefitError } from '../../../engine/errors.js';
import { count, num } from '../fmt.js';
import type { ViewProps } from '../types.js';

/** KV cache, concurrency and roofline for a model × GPU: `routefit size` in the page. */
export function SizingView({ state, set, catalog }: ViewProps) {
  const models = [...catalog.models.values()];
  const specs = [...catalog.gpuSpecs.values()].filter((s) => s.hardware);
  const o = state.opts;
  const model = catalog.models.get(String(o.sm ?? '')) ?? models[0];
  const gpuId = String(o.sg ?? specs[0]?.id ?? '');
  const precision = String(o.sp ?? 'bf16');
  const text = (k: string, d: string) => String(o[k] ?? d);
  const put = (k: string, v: string) => set({ opts: { ...o, [k]: v } });
  const result = useMemo(() => {
    if (!model) return { error: 'the catalog has no model architectures (catalog/models.yaml)' };
    try {
      const { spec } = findGpuSpec(catalog, gpuId);
      const hw = spec.hardware!;
      const fp8 = ['fp8', 'int8', 'int4', 'fp4'].includes(precision) && hw.denseFp8Tflops !== undefined;
      const n = (k: string, d: string, what: string, min: number) => {
        const v = Number(text(k, d));
        if (!Number.isFinite(v) || v < min) throw new RoutefitError('invalid_input', `${what} must be a number ≥ ${min}; got "${text(k, d)}"`, { field: what });
        return v;
      };
      const base = {
        model: { parameters: model.parameters, activeParameters: model.activeParameters, layers: model.layers, attentionHeads: model.attentionHeads, kvHeads: model.kvHeads, headDim: model.headDim },
        gpu: { hbmGb: hw.hbmGb, bandwidthTbPerS: hw.memoryBandwidthTbPerS, denseTflops: fp8 ? hw.denseFp8Tflops! : hw.denseBf16Tflops },
        weightBytes: precisionBytes(precision),
        kvBytes: precisionBytes(text('sk', precision)),
        context: n('sc', '8192', 'context', 1),
        batch: n('sb', '16', 'batch', 1),
        headroom: 0.1,
      };
      // As `routefit size` does: without a GPU count, the fewest that hold weights plus the batch.
      const gpus = text('sn', '') === '' ? sizeModel({ ...base, gpus: 1 }).gpusForBatch : n('sn', '1', 'gpus', 1);
      const s = sizeModel({ ...base, gpus });
      const rate = text('sr', '');
      const lat = text('sl', '');
      const concurrency = rate !== '' && lat !== '' ? littlesLaw(Number(rate), Number(lat)) : undefined;
      return { s, gpus, spec, concurrency };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }, [model, gpuId, precision, o]);
  return (
    <section class="sizing">
      <div class="filters">
        <label>Model <select aria-label="model" value={model?.id} onChange={(e) => put('sm', (e.target as HTMLSelectElement).value)}>{models.map((m) => <option value={m.id}>{m.name}</option>)}</select></label>
        <label>GPU <select aria-label="gpu" value={gpuId} onChange={(e) => put('sg', (e.target as HTMLSelectElement).value)}>{specs.map((s) => <option value={s.id}>{s.name}</option>)}</select></label>
        <label>Weights <select aria-label="precision" value={precision} onChange={(e) => put('sp', (e.target as HTMLSelectElement).value)}>{Object.keys(PRECISION_BYTES).map((p) => <option value={p}>{p}</option>)}</select></label>
        <label>KV cache <select aria-label="kv precision" value={text('sk', precision)} onChange={(e) => put('sk', (e.target as HTMLSelectElement).value)}>{Object.keys(PRECISION_BYTES).map((p) => <option value={p}>{p}</option>)}</select></label>
        <label>Context <input type="text" aria-label="context" value={text('sc', '8192')} onInput={(e) => put('sc', (e.target as HTMLInputElement).value)} /></label>
        <label>Batch <input type="text" aria-label="batch" value={text('sb', '16')} onInput={(e) => put('sb', (e.target as HTMLInputElement).value)} /></label>
        <label>GPUs <input type="text" aria-label="gpus" value={text('sn', '')} placeholder="fewest that fit" onInput={(e) => put('sn', (e.target as HTMLInputElement).value)} /></label>
        <label>Arrivals/s <input type="text" aria-label="arrival rate" value={text('sr', '')} onInput={(e) => put('sr', (e.target as HTMLInputElement).value)} /></label>
        <label>Latency s <input type="text" aria-label="latency" value={text('sl', '')} onInput={(e) => put('sl', (e.target as HTMLInputElement).value)} /></label>
      </div>
      {'error' in result ? (
        <p class="warn" role="alert">{result.error}</p>
      ) : (
        <>
          <table data-testid="sizing">
            <tbody>
              <tr><td>GPUs</td><td class="num">{result.gpus} × {result.spec.name}</td></tr>
              <tr><td>Weights</td><td class="num">{num(result.s.weightsGb)} GB</td></tr>
              <tr><td>KV cache per sequence</td><td class="num">{num(result.s.kvPerSequenceGb)} GB</td></tr>
              <tr><td>KV cache at this batch</td><td class="num">{num(result.s.kvAtBatchGb)} GB</td></tr>
              <tr><td>Usable HBM (after 10% headroom)</td><td class="num">{num(result.s.usableGb)} GB</td></tr>
              <tr><td>Concurrent sequences that fit</td><td class="num" data-max-seq={String(result.s.maxConcurrentSequences)}>{count(result.s.maxConcurrentSequences)}</td></tr>
              <tr><td>Decode ceiling (roofline)</td><td class="num">{count(result.s.decode.tokensPerSecond)} tok/s ({result.s.decode.bound}-bound, {num(result.s.decode.stepMs)} ms/step)</td></tr>
              <tr><td>Prefill ceiling</td><td class="num">{count(result.s.prefill.tokensPerSecond)} tok/s</td></tr>
              {result.concurrency !== undefined ? <tr><td>Requests in flight (Little's law)</td><td class="num">{num(result.concurrency)}{result.concurrency > result.s.maxConcurrentSequences ? ' — more than fit: they queue' : ''}</td></tr> : null}
            </tbody>
          </table>
          <h3>Working</h3>
          <table>
            <tbody>{result.s.steps.map((st) => <tr><td>{st.label}</td><td><code>{st.formula}</code></td><td><code>{st.expression}</code></td><td class="num">{num(st.value)} {st.unit}</td></tr>)}</tbody>
          </table>
          {result.s.notes.length ? <ul class="notes">{result.s.notes.map((n) => <li>{n}</li>)}</ul> : null}
        </>
      )}
    </section>
  );
}
