import type { MonteCarloResult } from '../../engine/uncertainty/monte-carlo.js';
import { DEFAULT_SAMPLES } from '../../engine/uncertainty/monte-carlo.js';
import type { PricedWorkload } from '../pricing.js';
import type { McRequest } from './mc-worker.js';

export type McState = { status: 'idle' } | { status: 'running'; samples: number; done: number } | { status: 'done'; result: MonteCarloResult; ms: number } | { status: 'error'; error: string };

let worker: Worker | undefined;
let busy = false;
let seq = 0;

/**
 * Runs the Monte Carlo for one workload with `routefit compare --uncertainty`'s defaults (samples,
 * seed, the workload's as-of date and declared correlations). A newer request supersedes an older one.
 */
export function runMonteCarlo(p: PricedWorkload, onState: (s: McState) => void): () => void {
  // A run for inputs the user has since changed is of no use: stop it rather than queue behind it.
  if (worker && busy) {
    worker.terminate();
    worker = undefined;
  }
  worker ??= new Worker(new URL('./mc-worker.ts', import.meta.url), { type: 'module' });
  const id = ++seq;
  const ok = new Set(p.comparison.routes.map((r) => r.route));
  const routes = p.prepared.routes.filter((r) => ok.has(r.id));
  if (routes.length === 0) {
    onState({ status: 'error', error: 'no priced route to sample' });
    return () => {};
  }
  const req: McRequest = {
    id,
    profile: p.prepared.profile,
    routes,
    opts: { asOf: p.prepared.asOf, ...(p.prepared.correlations ? { correlations: p.prepared.correlations } : {}) },
  };
  onState({ status: 'running', samples: DEFAULT_SAMPLES, done: 0 });
  const w = worker;
  const listener = (ev: MessageEvent) => {
    if (ev.data.id !== id) return;
    if (ev.data.progress) {
      if (id === seq) onState({ status: 'running', samples: ev.data.progress.total, done: ev.data.progress.done });
      return;
    }
    w.removeEventListener('message', listener);
    if (id !== seq) return;
    onState(ev.data.ok ? { status: 'done', result: ev.data.result, ms: ev.data.ms } : { status: 'error', error: ev.data.error });
  };
  w.addEventListener('message', listener);
  busy = true;
  const idle = (ev: MessageEvent) => {
    if (ev.data.id !== id || ev.data.progress) return;
    busy = false;
    w.removeEventListener('message', idle);
  };
  w.addEventListener('message', idle);
  w.postMessage(req);
  return () => w.removeEventListener('message', listener);
}
