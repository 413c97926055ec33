/// <reference lib="webworker" />
// Monte Carlo off the page's thread: the same engine call `routefit compare --uncertainty` makes.
import { type MonteCarloOptions, monteCarlo } from '../../engine/uncertainty/monte-carlo.js';
import type { RouteSpec, WorkloadProfile } from '../../engine/cost/lcpr.js';

export interface McRequest {
  id: number;
  profile: WorkloadProfile;
  routes: RouteSpec[];
  opts: MonteCarloOptions;
}

self.onmessage = (ev: MessageEvent<McRequest>) => {
  const { id, profile, routes, opts } = ev.data;
  try {
    const t0 = performance.now();
    // Samples done of total, streamed to the page as the run goes (the result is the same run's).
    const result = monteCarlo(profile, routes, { ...opts, onProgress: (done, total) => self.postMessage({ id, progress: { done, total } }) });
    self.postMessage({ id, ok: true, result, ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
