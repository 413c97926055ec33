import { useState } from 'preact/hooks';
import { genaiRoute } from '../../../catalog/genai-prices.js';
import { allTokenRoutes, pointAt } from '../../../catalog/lookup.js';
import type { GpuSkuEntry, PricePoint, TokenRouteEntry } from '../../../catalog/types.js';
import type { TokenPriceSheet } from '../../../engine/cost/token-pricing.js';
import { usd } from '../fmt.js';
import type { ViewProps } from '../types.js';

const price = (v: { value: number } | undefined) => (v === undefined ? '—' : `$${v.value}`);

function inForce<T>(e: { id: string; history: PricePoint<T>[] }, asOf: string): PricePoint<T> | undefined {
  try {
    return pointAt(e, asOf);
  } catch {
    return undefined;
  }
}

/** Prices in force on a date, with source, date and evidence; each route's history; catalog vs genai-prices conflicts. */
export function CatalogView({ state, set, catalog, session }: ViewProps) {
  const asOf = String(state.opts.cd || session.today);
  const q = String(state.opts.cq ?? '').toLowerCase();
  const withGenai = state.opts.cg === 1;
  const [open, setOpen] = useState<string | null>(null);
  const tokens = allTokenRoutes(catalog, withGenai).filter((r) => !q || r.id.toLowerCase().includes(q));
  const gpus = [...catalog.gpuSkus.values()].filter((r) => !q || r.id.toLowerCase().includes(q));
  return (
    <section class="catalog">
      <div class="filters">
        <label>Prices in force on <input type="date" aria-label="catalog date" value={asOf} onChange={(e) => set({ opts: { ...state.opts, cd: (e.target as HTMLInputElement).value } })} /></label>{' '}
        <label>Route contains <input type="text" aria-label="catalog filter" value={q} onInput={(e) => set({ opts: { ...state.opts, cq: (e.target as HTMLInputElement).value } })} /></label>{' '}
        <label><input type="checkbox" checked={withGenai} onChange={(e) => set({ opts: { ...state.opts, cg: (e.target as HTMLInputElement).checked ? 1 : 0 } })} /> include @pydantic/genai-prices models</label>
      </div>
      <h2>Token routes ({tokens.length})</h2>
      <table data-testid="catalog-tokens">
        <thead><tr><th>Route</th><th>Mode</th><th class="num">Input $/M</th><th class="num">Output $/M</th><th class="num">Cached $/M</th><th>Effective</th><th>Observed</th><th>Evidence</th><th>Source</th></tr></thead>
        <tbody>
          {tokens.map((r) => {
            const p = inForce(r, asOf);
            return (
              <>
                <tr data-catalog-route={r.id} onClick={() => setOpen(open === r.id ? null : r.id)} class={open === r.id ? 'selected' : ''}>
                  <td>{r.id}{r.origin === 'genai-prices' ? <small> (genai-prices)</small> : null}</td>
                  <td>{r.mode}</td>
                  {p ? (
                    <>
                      <td class="num" data-input={String(p.sheet.input?.value ?? '')}>{price(p.sheet.input)}</td><td class="num">{price(p.sheet.output)}</td><td class="num">{price(p.sheet.cachedInput)}</td>
                      <td>{p.effective ?? '—'}</td><td>{p.asOf}</td><td><span class={`ev ev-${p.evidence}`}>{p.evidence}</span></td><td>{p.source}</td>
                    </>
                  ) : (
                    <td colSpan={7} class="warn">no price effective on {asOf} (earliest {r.history[0]?.effective ?? '—'})</td>
                  )}
                </tr>
                {open === r.id ? <History r={r} catalog={catalog} /> : null}
              </>
            );
          })}
        </tbody>
      </table>
      <h2>GPU SKUs ({gpus.length})</h2>
      <table data-testid="catalog-gpus">
        <thead><tr><th>SKU</th><th>Mode</th><th class="num">GPUs/instance</th><th class="num">On demand $/h</th><th class="num">Spot $/h</th><th>Reserved</th><th>Effective</th><th>Evidence</th><th>Source</th></tr></thead>
        <tbody>{gpus.map((g) => <GpuRow g={g} asOf={asOf} />)}</tbody>
      </table>
    </section>
  );
}

function GpuRow({ g, asOf }: { g: GpuSkuEntry; asOf: string }) {
  const p = inForce(g, asOf);
  return (
    <tr>
      <td>{g.id}</td><td>{g.mode}</td><td class="num">{g.gpusPerInstance}</td>
      {p ? (
        <>
          <td class="num">{p.sheet.onDemand ? usd(p.sheet.onDemand.value, 2) : '—'}</td><td class="num">{p.sheet.spot ? usd(p.sheet.spot.value, 2) : '—'}</td>
          <td>{p.sheet.reserved.map((r) => `${r.term}: ${usd(r.hourly.value, 2)}`).join(', ') || '—'}</td><td>{p.effective ?? '—'}</td><td><span class={`ev ev-${p.evidence}`}>{p.evidence}</span></td><td>{p.source}</td>
        </>
      ) : (
        <td colSpan={6} class="warn">no price effective on {asOf}</td>
      )}
    </tr>
  );
}

/** Every price point, oldest first, and where @pydantic/genai-prices disagrees with the catalog. */
function History({ r, catalog }: { r: TokenRouteEntry; catalog: ViewProps['catalog'] }) {
  const provider = catalog.providers.get(r.provider);
  const other = r.origin === 'catalog' && provider ? genaiRoute(provider, r.model) : undefined;
  const latest = r.history[r.history.length - 1]?.sheet;
  const otherSheet = other?.history[other.history.length - 1]?.sheet;
  const conflicts = latest && otherSheet ? (['input', 'output', 'cachedInput'] as (keyof TokenPriceSheet)[]).filter((k) => {
    const a = (latest[k] as { value: number } | undefined)?.value;
    const b = (otherSheet[k] as { value: number } | undefined)?.value;
    return a !== undefined && b !== undefined && Math.abs(a - b) > 1e-9;
  }) : [];
  return (
    <tr class="history">
      <td colSpan={9}>
        <strong>History of {r.id}</strong>
        <ul>
          {r.history.map((p) => (
            <li>{p.effective ?? '(undated)'}: in {price(p.sheet.input)} / out {price(p.sheet.output)} — {p.evidence}, observed {p.asOf}, {p.source}{p.notes ? ` (${p.notes})` : ''}</li>
          ))}
        </ul>
        {conflicts.length ? (
          <p class="warn" data-testid="conflict">
            Conflict with @pydantic/genai-prices: {conflicts.map((k) => `${k} ${price(latest![k] as { value: number })} here vs ${price(otherSheet![k] as { value: number })} there`).join('; ')}. The catalog's price is used.
          </p>
        ) : other ? <p class="hint">@pydantic/genai-prices agrees on the latest price.</p> : null}
      </td>
    </tr>
  );
}
