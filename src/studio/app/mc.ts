import type { MonteCarloResult } from '../../engine/uncertainty/monte-carlo.js';
import { DEFAULT_SAMPLES } from '../../engine/uncertainty/monte-carlo.js';
import type { PricedWorkload } from '../pricing.js';
import type { McRequest } from './mc-worker.js';

export type McState = { status: 'idle' } | { status: 'running'; samples: number; done: number } | { status: 'done'; result: MonteCarloResult; ms: number } | { status: 'error'; error: string };

let worker: Worker | undefined;
let seq = 0;
const PROGRESS_UI_MS = 100;
/** The run in flight (or last finished): views asking about the same priced workload share it. */
let run: { p: PricedWorkload; id: number; state: McState; listeners: Set<(s: McState) => void> } | undefined;
/** Finished runs per priced workload: going back to a view, or undoing an edit, shows the result at once. */
const finished = new WeakMap<PricedWorkload, McState>();

/**
 * Runs the Monte Carlo for one workload with `routefit compare --uncertainty`'s defaults (samples,
 * seed, the workload's as-of date and declared correlations). Compare's verdict and the Uncertainty
 * view ask for the same workload: the second joins the run in flight instead of restarting it. A
 * request for other inputs supersedes the run. Returns the function that stops listening.
 */
export function runMonteCarlo(p: PricedWorkload, onState: (s: McState) => void): () => void {
  const done = finished.get(p);
  if (done) {
    onState(done);
    return () => {};
  }
  if (run && run.p === p && run.state.status === 'running') {
    const r = run;
    r.listeners.add(onState);
    onState(r.state);
    return () => r.listeners.delete(onState);
  }
  // A run for inputs the user has since changed is of no use: stop it rather than queue behind it.
  if (worker && run?.state.status === 'running') {
    worker.terminate();
    worker = undefined;
  }
  const ok = new Set(p.comparison.routes.map((r) => r.route));
  const routes = p.prepared.routes.filter((r) => ok.has(r.id));
  if (routes.length === 0) {
    onState({ status: 'error', error: 'no priced route to sample' });
    return () => {};
  }
  worker ??= new Worker(new URL('./mc-worker.ts', import.meta.url), { type: 'module' });
  const id = ++seq;
  const r = { p, id, state: { status: 'running', samples: DEFAULT_SAMPLES, done: 0 } as McState, listeners: new Set([onState]) };
  run = r;
  const emit = (s: McState) => {
    r.state = s;
    for (const l of r.listeners) l(s);
  };
  const req: McRequest = {
    id,
    profile: p.prepared.profile,
    routes,
    opts: { asOf: p.prepared.asOf, ...(p.prepared.correlations ? { correlations: p.prepared.correlations } : {}) },
  };
  emit(r.state);
  const w = worker;
  let lastProgress = performance.now();
  const listener = (ev: MessageEvent) => {
    if (ev.data.id !== id) return;
    if (ev.data.progress) {
      // Each progress state re-renders the view showing it (Compare: the whole routes table): at most
      // one every 100 ms, so the page's thread stays free for the user's next keystroke.
      const now = performance.now();
      if (now - lastProgress < PROGRESS_UI_MS) return;
      lastProgress = now;
      emit({ status: 'running', samples: ev.data.progress.total, done: ev.data.progress.done });
      return;
    }
    w.removeEventListener('message', listener);
    const end: McState = ev.data.ok ? { status: 'done', result: ev.data.result, ms: ev.data.ms } : { status: 'error', error: ev.data.error };
    if (end.status === 'done') finished.set(p, end);
    emit(end);
  };
  w.addEventListener('message', listener);
  w.postMessage(req);
  return () => r.listeners.delete(onState);
}
