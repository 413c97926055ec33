import { useMemo } from 'preact/hooks';
import { usdPerRequest } from '../fmt.js';
import { recompute } from '../model.js';
import type { ViewProps } from '../types.js';

/** Up to four pinned scenarios side by side: each its own edits over the same file, priced the same way. */
export function ScenarioCards({ state, set, computed, catalog, session, baseText }: ViewProps) {
  const cards = useMemo(
    () => state.pins.map((pin) => ({ pin, c: recompute(state.file!, baseText, pin.edits, catalog, session.today, state.workload) })),
    [state.pins, baseText, catalog, session, state.file, state.workload],
  );
  if (!cards.length) return null;
  void computed;
  return (
    <div class="cards" data-testid="scenarios">
      {cards.map(({ pin, c }, k) => {
        const w = c.outcome.ok ? c.outcome.priced[Math.min(state.workload, c.outcome.priced.length - 1)] : undefined;
        const top = w?.comparison.routes.slice(0, 3) ?? [];
        return (
          <div class="card" data-card={k}>
            <input
              class="card-name"
              aria-label="scenario name"
              value={pin.name}
              onChange={(e) => set({ pins: state.pins.map((p, i) => (i === k ? { ...p, name: (e.target as HTMLInputElement).value } : p)) })}
            />
            <div class="card-edits">{pin.edits.length ? pin.edits.map((e) => `${e.path.join('.')} = ${String(e.value ?? 'default')}`).join('; ') : 'the file as saved'}</div>
            {w ? (
              <ol>
                {top.map((r) => (
                  <li data-lcpr={String(r.lcpr)}>
                    {r.route}: {usdPerRequest(r.lcpr)}
                  </li>
                ))}
              </ol>
            ) : (
              <p class="warn">{c.outcome.ok ? 'no workload' : c.outcome.problems[0]?.message}</p>
            )}
            <button onClick={() => set({ edits: pin.edits })}>Open</button> <button onClick={() => set({ pins: state.pins.filter((_, i) => i !== k) })}>Unpin</button>
          </div>
        );
      })}
    </div>
  );
}
