import { InputFileError } from './yaml-file.js';
import { type LoadedFacts, loadFactsFile } from '../workload/facts-file.js';
import { valueOf } from '../engine/evidence.js';
import type { TcoBlock } from '../workload/tco-block.js';

export interface TcoFile {
  name?: string;
  as_of?: string;
  tco: TcoBlock & { daily_output_tokens: number[] };
  /** What routefit did in place of a fact the file left out, for the reader. */
  notes: string[];
}

const DAYS_PER_MONTH = 365 / 12;

/**
 * `routefit tco FILE`: the `tco:` block of any workload file (The Break-Even Calculator). Without
 * `daily_output_tokens` the file's workloads give the volume; without a `tco` block the command says
 * it needs one (exit 2) and what to write.
 */
export function loadTcoFile(file: string): TcoFile {
  return tcoFromFacts(loadFactsFile(file));
}

/** As loadTcoFile, from facts already loaded (the Studio's edited file in the browser). */
export function tcoFromFacts(f: LoadedFacts): TcoFile {
  const file = f.file;
  const t = f.facts.tco;
  if (!t) {
    throw new InputFileError(file, [
      {
        line: 1,
        message: `needs TCO facts: this file has no tco block (tco: {instance: {sku or on_demand_hourly, tokens_per_day}, serverless_route or serverless_per_million, overhead_per_year}; see examples/open-vs-closed-tco.yaml); nothing was computed${f.loaded ? ' — `routefit dedicated FILE` sizes this file\'s GPU routes at its own volume meanwhile' : ''}`,
      },
    ]);
  }
  const i = t.instance;
  if (i.tokens_per_day === undefined && i.throughput_tokens_per_second === undefined) {
    throw new InputFileError(file, [{ field: 'tco.instance', message: 'give tokens_per_day, or throughput_tokens_per_second (with utilization)' }]);
  }
  if (t.serverless_route === undefined && t.serverless_per_million === undefined) {
    throw new InputFileError(file, [{ field: 'tco', message: 'give serverless_route (a catalog id) or serverless_per_million' }]);
  }
  const notes: string[] = [];
  let daily = t.daily_output_tokens;
  if (!daily) {
    const ws = f.loaded?.workloads ?? [];
    // Output tokens per day the workloads generate, retries included: requests × (1 + retry rate) × output tokens ÷ 30.4 days.
    const perDay = ws.reduce((s, w) => s + (valueOf(w.profile.requestsPerMonth) * (1 + valueOf(w.profile.retryRate)) * valueOf(w.profile.outputTokens)) / DAYS_PER_MONTH, 0);
    if (!(perDay > 0)) {
      throw new InputFileError(file, [{ field: 'tco.daily_output_tokens', message: 'needs daily volumes: list daily_output_tokens (e.g. [1e6, 10e6, 100e6]) or give the file a workload with requests_per_month and output_tokens' }]);
    }
    daily = [perDay];
    notes.push(`daily_output_tokens not given: used the file's workloads' own volume (${ws.map((w) => w.name).join(', ')}), retries included`);
  }
  return { ...(f.name ? { name: f.name } : {}), ...(f.asOf ? { as_of: f.asOf } : {}), tco: { ...t, daily_output_tokens: daily }, notes };
}
